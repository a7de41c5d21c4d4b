"""Every role that a corpus repository ships next to its task definition (tests/taskdefs/corpus/, the copy of
shared/taskdefs kept by the task-definition tests), audited against that task definition.

The expected verdicts are my reading of each pair: the needs come from the AWS documentation
(shared/aws/EXECUTION_ROLE_FEATURES.md: ECR pull, awslogs with or without create-group, private registry
auth, secrets), the grants from reading the role file; the bindings are the ones a reader would supply
(the same as the task-definition tests use). Where a file leaves a permission-changing value open, the
verdict is the located error (exit 2). For each pair that can be judged, the replacement spec written by
`--write-spec` builds a role that audits exact against the same task definition. The corpus folder is read as it is
(tests/support/corpus.py): a Terraform file with what it references from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main
from rolec.roles import RoleSourceError, load
from rolec.sources import Bindings

from ..support.corpus import CORPUS

ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Verdict:
    task_definition: str
    bindings: dict = field(default_factory=dict)
    exit_code: int = 1
    error: str = ""
    """exit 2: `line:col: fragment` of the located error (in the task definition, or the role file: error_in_role)."""
    error_in_role: bool = False
    excess: dict = field(default_factory=dict)
    """role-file line -> actions that must be among the unneeded (or wider-than-needed) ones of that statement."""
    missing: tuple[str, ...] = ()
    task_role: tuple[str, ...] = ()
    """Task-role permissions (e.g. ECS Exec's ssmmessages) that must be flagged on the execution role."""
    trust: tuple[str, ...] = ()


def sm(name: str, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"


VERDICTS = {
    # Copilot: with the task definition's imports bound by export name (and the registry account Copilot stands in
    # for with 1234567890), the task definition resolves; the role file refers to template Conditions that were not
    # shipped with it, so it cannot be read on its own.
    "t01-copilot-svc-prod.role.yml": Verdict(
        "t01-copilot-svc-prod.yml", exit_code=2, error_in_role=True,
        error="55:13: Fn::If: 'HasEnvFile' is not a condition of this template",
        bindings={"AppName": "app", "EnvName": "prod", "WorkloadName": "fe", "ContainerImage": "nginx",
                  "ImportValue:stack-SSMGHUserName": "/app/prod/gh-username",
                  "ImportValue:stack-MongoUserName": "/app/prod/mongo-username", "1234567890": ACCOUNT}),
    # CDK: GetSecretValue is all ECS needs; CDK adds DescribeSecret.
    "t02-cdk-secret-json-keys.role.json": Verdict(
        "t02-cdk-secret-json-keys.json", bindings={"SecretA720EF05": sm("SecretA720EF05-AbC123")},
        excess={25: ("secretsmanager:DescribeSecret",)}),
    # CDK (EC2): two environment files, one in CDK's assets bucket of the deploying account and region; the role
    # grants both S3 actions on every object and bucket of every account.
    "t03-cdk-environment-files-s3.role.json": Verdict(
        "t03-cdk-environment-files-s3.json", bindings={"Bucket83908E77": "integ-bucket"},
        excess={22: ("s3:GetObject", "s3:GetBucketLocation")}),
    # CDK: the role's awslogs statement points at the log group of the task definition's template (Fn::GetAtt),
    # which the role file does not hold, so it cannot be read on its own.
    "t04-cdk-firelens-s3-config-ssm-image.role.json": Verdict(
        "t04-cdk-firelens-s3-config-ssm-image.json", exit_code=2, error_in_role=True,
        error="41:20: policy TaskDefExecutionRoleDefaultPolicy0DBB737A depends on Fn::GetAtt "
              "TaskDeflogrouterLogGroup2684E4A8.Arn",
        bindings={"SsmParameterValueawsserviceawsforfluentbit210C96584B6F00A464EAD1953AFF4B05118Parameter":
                  "906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:2.1.0",
                  "TaskDeflogrouterLogGroup2684E4A8": "log-router"}),
    # Registry credentials and awslogs with create-group: the role over-grants read actions on the secret and
    # logs actions on every log group of every account.
    "t07-nethound-private-registry.role.tf": Verdict("t07-nethound-private-registry.tf", excess={
        29: ("secretsmanager:GetResourcePolicy", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"),
        59: ("logs:GetLogEvents", "logs:PutLogEvents"),
        67: ("logs:DescribeLogStreams", "logs:PutRetentionPolicy", "logs:CreateLogStream", "logs:CreateLogGroup")}),
    "t09-ecspresso-tfstate.role.tf": Verdict("t09-ecspresso-tfstate.jsonnet", exit_code=2, error="1:1: this is a Jsonnet template"),
    # ghcr.io image with registry credentials: no ECR at all; SecretsManagerReadWrite instead of one secret.
    "t11-quizzer-ghcr-private-registry.role.tf": Verdict(
        "t11-quizzer-ghcr-private-registry.json", bindings={"CLOUDWATCH_GROUP": "/ecs/quizzer"},
        excess={20: ("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "secretsmanager:DeleteSecret",
                     "secretsmanager:PutResourcePolicy", "logs:PutLogEvents")}),
    # The one exact role: GetSecretValue on the tutorial's secret (placeholders bound as for infer).
    "t15-docs-secrets-tutorial.role.json": Verdict("t15-docs-secrets-tutorial.json", exit_code=0,
                                                   bindings={"region": "us-east-1", "aws_account_id": ACCOUNT}),
    # Full-access managed policies, and ECS Exec put on the execution role.
    "t17-plusone-sm-datasource-arns.role.tf": Verdict(
        "t17-plusone-sm-datasource-arns.tf", excess={
            18: ("logs:DeleteLogGroup", "logs:PutResourcePolicy"), 29: ("secretsmanager:DeleteSecret",),
            23: ("ecr:BatchGetImage", "logs:PutLogEvents"), 41: ("logs:DescribeLogGroups", "logs:PutLogEvents")},
        task_role=("ssmmessages:CreateControlChannel", "ssmmessages:OpenDataChannel")),
    "t18-laravel-ssm-root-names.role.tf": Verdict(
        "t18-laravel-ssm-root-names.json",
        bindings={"app_log_group": "/ecs/laravel/app", "nginx_log_group": "/ecs/laravel/nginx",
                  "app_image_repository_url": f"{ACCOUNT}.dkr.ecr.ap-northeast-1.amazonaws.com/laravel/app",
                  "nginx_image_repository_url": f"{ACCOUNT}.dkr.ecr.ap-northeast-1.amazonaws.com/laravel/nginx"},
        excess={29: ("kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameters"),
                43: ("ecr:BatchGetImage", "logs:PutLogEvents")}),
    "t19-tetraforce-ghpkg-registry-auth.role.yaml": Verdict(
        "t19-tetraforce-ghpkg-registry-auth.yaml", bindings={"DockerRepoSecret": sm("tetraforce/ghpkg-AbC123")},
        excess={35: ("logs:DeleteLogGroup", "logs:PutLogEvents"),
                44: ("secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds")}),
    # The task definition's containers are built with merge(). The role, read with its module, names the ECR repository
    # of the task definition's file (bindable: var.environment_name) and a worker log group the corpus copy does not hold
    # (test_t25_role_reads_the_repository_and_log_group_of_its_module).
    "t25-report-a-defect-for-expr-secrets.role.tf": Verdict("t25-report-a-defect-for-expr-secrets.tf", exit_code=2,
                                                            error="40:5: a container definition depends on merge("),
    # A private ECR image: the ECR *Public* power-user policy does nothing for it; CloudWatchFullAccess is
    # far beyond awslogs.
    "t26-demo-cicd-interpolated-ecr-uri.role.tf": Verdict(
        "t26-demo-cicd-interpolated-ecr-uri.tf", bindings={"var.region": "us-east-1", "var.ecr_name": "demo"},
        excess={26: ("ecr-public:PutImage", "sts:GetServiceBearerToken"), 31: ("logs:DeleteLogGroup",),
                21: ("ecr:BatchGetImage", "logs:PutLogEvents")},
        task_role=("ecr-public:PutImage",)),
}
ROLES = sorted(p.name for p in CORPUS.glob("*.role.*"))


def sets(bindings: dict) -> list[str]:
    return [arg for name, value in bindings.items() for arg in ("--set", f"{name}={value}")]


def audit(role: str, verdict: Verdict, *extra: str):
    return CliRunner().invoke(main, ["audit", str(CORPUS / role), "--task-definition",
                                     str(CORPUS / verdict.task_definition), *sets(verdict.bindings), "--format", "json",
                                     *extra])


def test_every_corpus_role_has_a_verdict():
    assert sorted(VERDICTS) == ROLES and len(ROLES) == 13


@pytest.mark.parametrize("role", ROLES)
def test_verdict(role):
    verdict = VERDICTS[role]
    result = audit(role, verdict)
    assert result.exit_code == verdict.exit_code, result.output
    if verdict.exit_code == 2:
        where, _, fragment = verdict.error.partition(": ")
        located = CORPUS / (role if verdict.error_in_role else verdict.task_definition)
        assert f"{located}:{where}: error: {fragment}" in result.stderr, result.stderr
        return
    [report] = json.loads(result.stdout)["roles"]
    assert [m["action"] for m in report["missing"]] == list(verdict.missing)
    flagged: dict[int, set[str]] = {}
    for item in report["excess"]:
        assert item["location"]["path"] == str(CORPUS / role)
        flagged.setdefault(item["location"]["line"], set()).update(item["unneeded"], item["wider"])
    for line, actions in verdict.excess.items():
        assert set(actions) <= flagged.get(line, set()), (line, actions, flagged.get(line))
    assert set(flagged) == set(verdict.excess), sorted(flagged)
    task_role = {a for item in report["excess"] for risk in item["risks"] if risk.startswith("task-role")
                 for a in item["unneeded"]}
    assert set(verdict.task_role) <= task_role
    assert not [t for t in report["trust"] if not t["note"]]


@pytest.mark.parametrize("role", [r for r in ROLES if VERDICTS[r].exit_code != 2])
def test_replacement_spec_builds_a_role_that_audits_exact(role, tmp_path):
    verdict = VERDICTS[role]
    spec = tmp_path / "replacement.yaml"
    assert audit(role, verdict, "--write-spec", str(spec)).exit_code == verdict.exit_code
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", str(spec), "--out", str(out), "--no-cache"])
    assert built.exit_code == 0, built.output
    for output in (out / "cloudformation" / "replacement.yaml", out / "terraform" / "replacement" / "main.tf.json"):
        result = CliRunner().invoke(main, ["audit", str(output), "--task-definition", str(CORPUS / verdict.task_definition),
                                           *sets(verdict.bindings)])
        assert result.exit_code == 0, result.output


STATEMENT_LINES = {
    # role file -> first line of each statement, in the order the policies are read (checked by eye against the files)
    "t02-cdk-secret-json-keys.role.json": [25],
    "t03-cdk-environment-files-s3.role.json": [22],
    "t07-nethound-private-registry.role.tf": [29, 59, 67],
    "t15-docs-secrets-tutorial.role.json": [4],
    "t17-plusone-sm-datasource-arns.role.tf": [41],
    "t18-laravel-ssm-root-names.role.tf": [29],
}


@pytest.mark.parametrize("role", sorted(STATEMENT_LINES))
def test_role_statements_keep_their_lines(role):
    bindings = Bindings({"SecretA720EF05": sm("s-AbC123")}) if role.startswith("t02") else None
    [found] = load([CORPUS / role], bindings)
    lines = [w.line for p in found.policies for w in p.statement_where]
    assert lines == STATEMENT_LINES[role]


@pytest.mark.parametrize("role, error", [
    ("t01-copilot-svc-prod.role.yml", "55:13: error: Fn::If: 'HasEnvFile' is not a condition of this template"),
    ("t04-cdk-firelens-s3-config-ssm-image.role.json", "41:20: error: policy TaskDefExecutionRoleDefaultPolicy0DBB737A depends on "
                                                       "Fn::GetAtt TaskDeflogrouterLogGroup2684E4A8.Arn"),
])
def test_role_files_that_refer_outside_themselves_are_located_errors(role, error):
    with pytest.raises(RoleSourceError) as caught:
        load([CORPUS / role])
    assert f"{CORPUS / role}:{error}" in str(caught.value)


def test_t25_role_reads_the_repository_and_log_group_of_its_module():
    """report-a-defect's policy names the ECR repository and log groups of compute.tf, another file of its module
    (read alone, the role file stopped at 46:23 on aws_ecr_repository.app_repository.arn). Read with its module,
    the repository's name is known up to var.environment_name (bindable); the worker's log group is declared in
    no file of the corpus copy, which kept only the app's task definition, so it stays a located error."""
    role, task_definition = CORPUS / "t25-report-a-defect-for-expr-secrets.role.tf", \
        CORPUS / "t25-report-a-defect-for-expr-secrets.tf"
    with pytest.raises(RoleSourceError) as caught:
        load([role])
    assert str(caught.value) == (
        f"{task_definition}:3:45: error: aws_iam_policy.ecs_execution_policy depends on var.environment_name, which is "
        "only known at deploy time; bind it with --set var.environment_name=VALUE")
    with pytest.raises(RoleSourceError) as caught:
        load([role], Bindings({"var.environment_name": "staging"}))
    assert str(caught.value) == (
        f"{role}:58:11: error: aws_iam_policy.ecs_execution_policy depends on aws_cloudwatch_log_group.worker_logs.arn, "
        "which rolec cannot resolve: resource aws_cloudwatch_log_group.worker_logs is not declared in any file of the module")
