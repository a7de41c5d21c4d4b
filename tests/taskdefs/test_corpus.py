"""Every real task definition of the corpus (tests/taskdefs/corpus/, a copy of shared/taskdefs with its README
for provenance) against MY expected verdict, derived from the AWS documentation
(shared/aws/EXECUTION_ROLE_FEATURES.md), never from the *.role.* files next to them:

* a located failure (file:line:col and why) when the file leaves a permission-changing value open or holds a
  mistake; and, for deploy-time values, the `--set` bindings a reader would supply;
* with those bindings, the inferred spec built to CloudFormation and Terraform allows exactly the actions the
  task needs on the resources it needs (IAM evaluator: needed actions allowed, near misses denied, no other action).

The corpus folder is read as it is (tests/support/corpus.py): a Terraform file with what it references from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rolec.build.pipeline import compile_spec
from rolec.errors import SpecError
from rolec.taskdefs import NothingNeeded, infer

from ..support.corpus import CORPUS
from ..support.outputs import AWS, AWS_CN, TARGETS, Deployment, policies
from ..support.taskdef_needs import ACCOUNT, Need, assert_exactly, cdk_asset, ecr, logs, parameter, s3, secret


@dataclass(frozen=True)
class Verdict:
    errors: tuple[str, ...] = ()
    """`line:col: fragment` of the errors without bindings (empty: it infers as it is)."""
    bindings: dict = field(default_factory=dict)
    needs: tuple[Need, ...] = ()
    still_fails: tuple[str, ...] = ()
    """Errors that remain with the bindings (nothing a reader can bind)."""
    nothing: bool = False
    deployment: Deployment = AWS


def sm(name: str, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"


VERDICTS: dict[str, Verdict] = {
    # Copilot (Fargate, four containers): the imports are SSM parameter names another stack exports, bound by export
    # name; the nginx image's 10-digit account is Copilot's stand-in for the registry account, which a reader supplies.
    # Public ECR, Docker Hub and alpine images need nothing; the awsfirelens cloudwatch output uses the task role.
    "t01-copilot-svc-prod.yml": Verdict(
        errors=("75:44: logConfiguration.options.awslogs-group depends on parameter AppName",
                "93:18: the image's registry and repository depends on parameter ContainerImage",
                "119:17: secrets[1].valueFrom depends on Fn::ImportValue stack-SSMGHUserName, which is only known at "
                "deploy time; bind it with --set ImportValue:stack-SSMGHUserName=VALUE",
                "135:17: logConfiguration.secretOptions[1].valueFrom depends on Fn::ImportValue stack-SSMGHUserName",
                "181:17: secrets[1].valueFrom depends on Fn::ImportValue stack-MongoUserName, which is only known at "
                "deploy time; bind it with --set ImportValue:stack-MongoUserName=VALUE",
                "193:18: image '1234567890.dkr.ecr.us-west-2.amazonaws.com/reverse-proxy:revision_1'",
                "193:18: names account '1234567890'; an account id has exactly 12 digits"),
        bindings={"AppName": "app", "EnvName": "prod", "WorkloadName": "fe", "ContainerImage": "nginx",
                  "ImportValue:stack-SSMGHUserName": "/app/prod/gh-username",
                  "ImportValue:stack-MongoUserName": "/app/prod/mongo-username", "1234567890": ACCOUNT},
        needs=(*ecr(ACCOUNT, "us-west-2", "reverse-proxy"), *logs("us-east-1", "/copilot/app-prod-fe"),
               *secret(sm("demo/testing/mysql-AbC123")),
               *(n for name in ("app/prod/gh-username", "app/prod/mongo-username", "GITHUB_TOKEN", "SQL_PASS",
                                "SQL_USERNAME") for n in parameter(name)))),
    "t02-cdk-secret-json-keys.json": Verdict(
        errors=("42:22: secrets[0].valueFrom depends on Ref SecretA720EF05, which is only known at deploy time; "
                "bind it with --set SecretA720EF05=VALUE", "52:12: secrets[1].valueFrom", "66:12: secrets[2].valueFrom"),
        bindings={"SecretA720EF05": sm("SecretA720EF05-AbC123")},
        needs=tuple(secret(sm("SecretA720EF05-AbC123")))),
    # CDK (EC2): one environment file in CDK's assets bucket, named after the deploying account and region, and one
    # in the template's own bucket, whose name CloudFormation generates (a reader binds it).
    "t03-cdk-environment-files-s3.json": Verdict(
        errors=("79:12: environmentFiles[1].value depends on Ref Bucket83908E77, which is only known at deploy time; "
                "bind it with --set Bucket83908E77=VALUE",),
        bindings={"Bucket83908E77": "integ-bucket"},
        needs=(*cdk_asset("872561bf078edd1685d50c9ff821cdd60d2b2ddfb0013c4087e79bf2bb50724d.env"),
               *s3("arn:aws:s3:::integ-bucket/test-envfile.env"))),
    # CDK (EC2): the FireLens config file in CDK's assets bucket; the log router's image comes from an SSM-typed
    # parameter (/aws/service/aws-for-fluent-bit/2.1.0, which holds AWS's fluent-bit image of the deploying region)
    # and its awslogs group is named by CloudFormation: a reader binds both. nginx's awsfirelens output uses the task role.
    "t04-cdk-firelens-s3-config-ssm-image.json": Verdict(
        errors=("55:16: the image's registry and repository depends on parameter "
                "SsmParameterValueawsserviceawsforfluentbit210C96584B6F00A464EAD1953AFF4B05118Parameter",
                "61:26: logConfiguration.options.awslogs-group depends on Ref TaskDeflogrouterLogGroup2684E4A8"),
        bindings={"SsmParameterValueawsserviceawsforfluentbit210C96584B6F00A464EAD1953AFF4B05118Parameter":
                  "906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:2.1.0",
                  "TaskDeflogrouterLogGroup2684E4A8": "log-router"},
        needs=(*ecr("906394416424", "us-east-1", "aws-for-fluent-bit"), *logs("us-east-1", "log-router"),
               *cdk_asset("2ca891b3a73a4a36630bba20580e3390a104d2ac9ff1f22a6bcadf575f8a5a61.conf"))),
    "t05-refarch-website-no-exec-role.yaml": Verdict(nothing=True),
    "t06-tfaws-container-definition.json": Verdict(
        errors=("45:16: environmentFiles[0].value 's3://my-bucket/my-env-file.env': expected an S3 object ARN",),
        still_fails=("45:16: environmentFiles[0].value",)),
    "t07-nethound-private-registry.tf": Verdict(needs=(
        *logs("eu-west-1", "awslogs-nethound", create=True),
        *secret(sm("docker/alpinesoftware/registry-5eoNqT", "eu-west-1", "717134789437")))),
    "t08-ecspresso-ci.jsonnet": Verdict(errors=("1:1: this is a Jsonnet template",), still_fails=("1:1: this is a Jsonnet",)),
    "t09-ecspresso-tfstate.jsonnet": Verdict(errors=("1:1: this is a Jsonnet template",), still_fails=("1:1: this is a Jsonnet",)),
    "t10-devops-demo-ecr-awslogs.json": Verdict(needs=(
        *ecr("386825533943", "us-east-1", "devops-demo-app"), *logs("us-east-1", "/ecs/devops-demo"))),
    "t11-quizzer-ghcr-private-registry.json": Verdict(
        errors=("20:27: logConfiguration.options.awslogs-group depends on ${CLOUDWATCH_GROUP}, which is only known at "
                "deploy time; bind it with --set CLOUDWATCH_GROUP=VALUE",),
        bindings={"CLOUDWATCH_GROUP": "/ecs/quizzer"}, needs=(
            *secret(sm("GITHUB_READ_PACKAGE_1-NehK1l", account="786054985583")), *logs("us-east-1", "/ecs/quizzer"))),
    "t12-firelens-s3-config-cross-account-ecr.json": Verdict(needs=(
        *ecr("906394416424", "us-east-1", "aws-for-fluent-bit"), *logs("us-east-1", "firelens-container", create=True),
        *s3("arn:aws:s3:::yourbucket/yourdirectory/tail.conf"))),
    "t13-firelens-newrelic-secretoptions.json": Verdict(
        errors=("39:26: logConfiguration.secretOptions[0].valueFrom 'arn:aws:secretsmanager:region:aws_account_id:secret:"
                "secret_name-AbCdEf' names account 'aws_account_id', which is not a 12-digit account id",),
        bindings={"region": "us-east-1", "aws_account_id": ACCOUNT}, needs=(
            *ecr("533243300146", "us-east-2", "newrelic/logging-firelens-fluentbit"), *secret(sm("secret_name-AbCdEf")))),
    "t14-firelens-elastic-placeholders.json": Verdict(
        errors=("21:31: awslogs-region '<aws_region>' is not an AWS region",
                "41:33: logConfiguration.secretOptions[0].valueFrom depends on ${Partition}",
                "41:89: logConfiguration.secretOptions[0].valueFrom depends on ${SecretId}"),
        bindings={"<aws_region>": "us-east-1", "Partition": "aws", "Region": "us-east-1", "Account": ACCOUNT,
                  "SecretId": "elastic/cloud-auth-AbC123"}, needs=(
            *logs("us-east-1", "firelens-container", create=True), *secret(sm("elastic/cloud-auth-AbC123")))),
    "t15-docs-secrets-tutorial.json": Verdict(
        errors=("22:34: secrets[0].valueFrom 'arn:aws:secretsmanager:region:aws_account_id:secret:username_value-u9bH6K' "
                "names account 'aws_account_id'",),
        bindings={"region": "us-east-1", "aws_account_id": ACCOUNT}, needs=tuple(secret(sm("username_value-u9bH6K")))),
    "t16-docs-appmesh-envoy-region-placeholder.json": Verdict(
        errors=("53:16: image '840364872350.dkr.ecr.region-code.amazonaws.com/aws-appmesh-envoy:v1.15.1.0-prod'",
                "names region 'region-code', which is not an AWS region"),
        bindings={"region-code": "us-east-1"}, needs=tuple(ecr("840364872350", "us-east-1", "aws-appmesh-envoy"))),
    "t17-plusone-sm-datasource-arns.tf": Verdict(needs=(
        *ecr("133286692900", "ap-northeast-1", "plusone-rails"), *logs("ap-northeast-1", "/ecs/plusone-app"),
        *(n for name in ("db_password", "db_user_name", "secret_key_base", "cognito_user_pool_id", "cognito_app_client_id",
                         "guest_email", "guest_password") for n in secret(sm(f"prod/plusone/{name}-AbC123"))))),
    "t18-laravel-ssm-root-names.json": Verdict(
        errors=("8:35: logConfiguration.options.awslogs-group depends on ${app_log_group}",
                "61:19: the image's registry and repository depends on ${app_image_repository_url}",
                "86:35: logConfiguration.options.awslogs-group depends on ${nginx_log_group}",
                "120:19: the image's registry and repository depends on ${nginx_image_repository_url}"),
        bindings={"app_log_group": "/ecs/laravel/app", "nginx_log_group": "/ecs/laravel/nginx",
                  "app_image_repository_url": f"{ACCOUNT}.dkr.ecr.ap-northeast-1.amazonaws.com/laravel/app",
                  "nginx_image_repository_url": f"{ACCOUNT}.dkr.ecr.ap-northeast-1.amazonaws.com/laravel/nginx"}, needs=(
            *ecr(ACCOUNT, "ap-northeast-1", "laravel/app"), *ecr(ACCOUNT, "ap-northeast-1", "laravel/nginx"),
            *logs("ap-northeast-1", "/ecs/laravel/app"), *logs("ap-northeast-1", "/ecs/laravel/nginx"),
            *(n for name in ("db_host", "db_port", "db_database", "db_username", "db_password", "app_env")
              for n in parameter(name)))),
    "t19-tetraforce-ghpkg-registry-auth.yaml": Verdict(
        errors=("49:33: repositoryCredentials.credentialsParameter depends on parameter DockerRepoSecret, which is only "
                "known at deploy time; bind it with --set DockerRepoSecret=VALUE",),
        bindings={"DockerRepoSecret": sm("tetraforce/ghpkg-AbC123")}, needs=(
            *secret(sm("tetraforce/ghpkg-AbC123")), *logs("us-east-1", "/ecs/tetraforce/production"))),
    "t20-china-aws-cn-shell-vars.json": Verdict(
        errors=("11:15: the image's registry and repository depends on ${IMAGE_URI}",
                "24:27: logConfiguration.options.awslogs-group depends on ${LOG_GROUP}",
                "25:28: logConfiguration.options.awslogs-region depends on ${AWS_REGION}"),
        bindings={"IMAGE_URI": f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/demo:1", "LOG_GROUP": "/ecs/demo",
                  "AWS_REGION": "cn-north-1"}, deployment=AWS_CN, needs=(
            *ecr(ACCOUNT, "cn-north-1", "demo", "aws-cn"), *logs("cn-north-1", "/ecs/demo", partition="aws-cn"))),
    "t21-banbury-describe-output-placeholder-image.json": Verdict(needs=tuple(
        logs("us-east-1", "/ecs/banbury-cloud", create=True))),
    "t22-passmais-describe-envfiles-two-containers.json": Verdict(needs=(
        *ecr("850758625273", "us-east-1", "passmais-terraform"), *logs("us-east-1", "/ecs/passmais-task-v1", create=True),
        *s3("arn:aws:s3:::falana-variaveis-teste1/passmais/.env"),
        *s3("arn:aws:s3:::falana-variaveis-teste1/passmais/backend/.env"))),
    "t23-bhub-valuefrom-in-environment.json": Verdict(needs=(
        *ecr("343218213121", "us-east-1", "core-saida/orchestrator"),
        *logs("us-east-1", "CoreSaidaInfrastructure-OrchestratorAppOrchestratorTaskDefOrchestratorContainerLogGroup04CFDDB9-3ixLe6uf5HKY"))),
    "t24-servus-partial-sm-arns-placeholder-account.json": Verdict(
        errors=("12:16: image 'ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com/servus-backend:latest'",
                "37:24: secrets[0].valueFrom 'arn:aws:secretsmanager:us-east-1:ACCOUNT_ID:secret:servus/mongo-uri' names "
                "account 'ACCOUNT_ID'"),
        bindings={"ACCOUNT_ID": ACCOUNT},
        still_fails=("41:24: secrets[1].valueFrom", "rolec cannot tell whether '-secret' is Secrets Manager's",
                     "45:24: secrets[2].valueFrom")),
    "t25-report-a-defect-for-expr-secrets.tf": Verdict(
        errors=("40:5: a container definition depends on merge(", "rolec does not evaluate Terraform's merge()"),
        still_fails=("40:5: a container definition",)),
    "t26-demo-cicd-interpolated-ecr-uri.tf": Verdict(
        errors=("11:41: the image's registry and repository depends on var.region, which is only known at deploy time; "
                "bind it with --set var.region=VALUE", "11:69: the image's registry and repository depends on var.ecr_name",
                "22:35: logConfiguration.options.awslogs-region depends on var.region",
                "30:18: logConfiguration.options.awslogs-group depends on var.ecr_name"),
        bindings={"var.region": "us-east-1", "var.ecr_name": "demo"}, needs=(
            *ecr("103750175519", "us-east-1", "demo"), *logs("us-east-1", "/ecs/demo-loggp"))),
}
TASK_DEFINITIONS = sorted(p.name for p in CORPUS.iterdir() if p.name.startswith("t") and ".role." not in p.name)


def test_every_corpus_file_has_a_verdict():
    assert sorted(VERDICTS) == TASK_DEFINITIONS


def _errors(path: Path, bindings: dict) -> str:
    with pytest.raises(SpecError) as caught:
        infer([str(path)], bindings)
    return "\n".join(str(d) for d in caught.value.diagnostics if d.severity == "error")


def _expect_located(text: str, path: Path, expected: tuple[str, ...]) -> None:
    for item in expected:
        where, _, fragment = item.partition(": ")
        lines = [line for line in text.splitlines() if line.startswith(f"{path}:{where}: error: ")] \
            if where[:1].isdigit() else text.splitlines()
        assert any((fragment if where[:1].isdigit() else item) in line for line in lines), (item, text)


@pytest.mark.parametrize("name", TASK_DEFINITIONS)
def test_as_written(name):
    verdict, path = VERDICTS[name], CORPUS / name
    if verdict.nothing:
        with pytest.raises(NothingNeeded, match="needs no execution role"):
            infer([str(path)], {})
    elif verdict.errors:
        _expect_located(_errors(path, {}), path, verdict.errors)
    else:
        infer([str(path)], {})


@pytest.mark.parametrize("name", [n for n in TASK_DEFINITIONS if VERDICTS[n].still_fails])
def test_what_no_binding_fixes(name):
    path = CORPUS / name
    _expect_located(_errors(path, VERDICTS[name].bindings), path, VERDICTS[name].still_fails)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", [n for n in TASK_DEFINITIONS if VERDICTS[n].needs])
def test_built_role_allows_exactly_what_the_task_needs(name, target, tmp_path):
    verdict = VERDICTS[name]
    inferred = infer([str(CORPUS / name)], verdict.bindings)
    spec = tmp_path / f"{inferred.role_id}.yaml"
    spec.write_text(inferred.yaml())
    assert_exactly(policies(compile_spec(spec), target, verdict.deployment), verdict.needs)


# --------------------------------------------------------------------------- #
# The corpus table of docs/task-definitions.md is what rolec does with each file (ROLEC_REGENERATE=1 rewrites it).

DOCS = Path(__file__).resolve().parents[2] / "docs" / "task-definitions.md"
START, END = "<!-- corpus-table:start -->", "<!-- corpus-table:end -->"


def _outcome(path: Path, bindings: dict) -> str:
    try:
        inferred = infer([str(path)], bindings)
    except NothingNeeded:
        return "needs no execution role (exit 0, nothing written)"
    except SpecError as exc:
        errors = [d for d in exc.diagnostics if d.severity == "error"]
        first = errors[0]
        message = first.message if len(first.message) <= 110 else first.message[:107] + "..."
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"exit 2 at {first.line}:{first.col}: {message}{more}".replace("|", "\\|")
    features = ", ".join(inferred.document["features"])
    warned = f"; {len(inferred.warnings)} warning(s)" if inferred.warnings else ""
    return f"spec: {features}{warned}"


def corpus_table() -> str:
    from rolec.sources import Bindings
    from rolec.taskdefs.formats import Input, format_of

    rows = ["| file | format | as written | with the `--set` bindings a reader supplies |", "|---|---|---|---|"]
    for name in TASK_DEFINITIONS:
        verdict = VERDICTS[name]
        fmt = format_of(Input(CORPUS / name, name, Bindings())).name
        bound = " ".join(f"`--set {k}={v}`" for k, v in verdict.bindings.items())
        with_bindings = f"{bound} → {_outcome(CORPUS / name, verdict.bindings)}" if verdict.bindings else "—"
        rows.append(f"| {name} | {fmt} | {_outcome(CORPUS / name, {})} | {with_bindings} |")
    return "\n".join(rows)


def test_docs_corpus_table_is_what_rolec_does():
    import os

    text = DOCS.read_text()
    before, rest = text.split(START)
    _, after = rest.split(END)
    expected = f"{before}{START}\n{corpus_table()}\n{END}{after}"
    if os.environ.get("ROLEC_REGENERATE"):
        DOCS.write_text(expected)
    assert text == expected
