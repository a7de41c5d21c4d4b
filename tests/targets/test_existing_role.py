"""`role.existing`: validation, both outputs, what they allow, and their deploy-time guards.

Permissions are judged as in test_permissions.py: each target is resolved for a
deployment into IAM JSON (`support.outputs`) and the evaluator is asked. For an
existing role the question covers every policy the output puts on the role:
Terraform's inline policy plus the AWS managed policy it attaches, CloudFormation's
customer managed policy (`support.outputs.effective`).
"""

from __future__ import annotations

import json

import pytest
import yaml
from cfnlint.decode import decode_str

from rolec.errors import SpecError
from rolec.lower import lower
from rolec.spec.v1 import load_spec
from rolec.build.pipeline import compile_spec, lint_all

from tests.support.iam_eval import is_allowed
from tests.support.outputs import AWS, AWS_CN, DEPLOYMENTS, TARGETS, Deployment, Refused, effective, normalise, policies

ROLE = "ecsTaskExecutionRole"
THIS_ACCOUNT = AWS.account
OTHER_ACCOUNT = "999988887777"
SECRETS = {"secrets": {"ssm_parameters": ["/prod/db/password"], "secrets_manager": ["prod/db/credentials"]}}
MANAGED_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                   "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents")

target_param = pytest.mark.parametrize("target", TARGETS)
deployment_param = pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)


def spec_text(existing: str = ROLE, managed_policy: bool = True, features: dict | None = None, **extra) -> str:
    document = {"version": 1, "role": {"existing": existing}, "managed_policy": managed_policy,
                "features": SECRETS if features is None else features, **extra}
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture
def compile_text(write_spec):
    def compile_(text: str, name: str = "role"):
        return compile_spec(write_spec(text, name))
    return compile_


def files(compiled) -> tuple[dict, dict]:
    role_id = compiled.role.id
    template, matches = decode_str(compiled.files[f"cloudformation/{role_id}.yaml"])
    assert not matches
    return template, json.loads(compiled.files[f"terraform/{role_id}/main.tf.json"])


# --------------------------------------------------------------------------- #
# Validation


@pytest.mark.parametrize("key, value", [
    ("name", "payments-execution"), ("path", "/ecs/"), ("permissions_boundary", "Boundary"),
    ("max_session_duration", 7200), ("tags", {"team": "payments"}),
])
def test_existing_excludes_each_key_that_shapes_the_role(write_spec, key, value):
    path = write_spec(yaml.safe_dump({"version": 1, "role": {"existing": ROLE, key: value}, "managed_policy": True},
                                     sort_keys=False))
    with pytest.raises(SpecError) as refused:
        load_spec(path, "role.yaml")
    (diagnostic,) = refused.value.diagnostics
    assert (diagnostic.line, diagnostic.col) == (4, 3)
    assert diagnostic.message.startswith(f"role.{key}: cannot be combined with role.existing: ")


@pytest.mark.parametrize("key, value", [("trust", {"source_account": False}), ("description", "x")])
def test_existing_excludes_trust_and_description(write_spec, key, value):
    path = write_spec(spec_text(**{key: value}))
    with pytest.raises(SpecError) as refused:
        load_spec(path, "role.yaml")
    assert [d.message.split(":")[0] for d in refused.value.diagnostics] == [key]
    assert "cannot be combined with role.existing" in refused.value.diagnostics[0].message


@pytest.mark.parametrize("value, expected", [
    ("arn:aws:iam::111122223333:user/deploy", "got resource 'user/deploy'"),
    ("arn:aws:iam::aws:role/x", "expected a 12-digit account id"),
    ("arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", "service-linked role"),
    ("arn:aws:iam:us-east-1:111122223333:role/x", "iam ARNs have no region"),
    ("arn:aws:iam::111122223333:role/ecs-*", "wildcards are not allowed"),
    ("arn:aws:sts::111122223333:assumed-role/x/y", "of service 'sts'"),
    ("ecs task role", "expected a role name"),
    ("r" * 65, "at most 64 characters"),
])
def test_existing_refuses_what_is_not_one_role(write_spec, value, expected):
    with pytest.raises(SpecError) as refused:
        load_spec(write_spec(spec_text(existing=value)), "role.yaml")
    assert expected in str(refused.value)


def test_existing_with_nothing_to_add_is_void(write_spec):
    with pytest.raises(SpecError, match="the role grants nothing"):
        load_spec(write_spec(spec_text(managed_policy=False, features={})), "role.yaml")


def test_existing_keeps_name_path_and_arn(write_spec):
    role = lower(load_spec(write_spec(spec_text(existing=f"arn:aws-cn:iam::{THIS_ACCOUNT}:role/ecs/teams/{ROLE}")),
                           "role.yaml"))
    assert (role.existing.name, role.existing.path) == (ROLE, "/ecs/teams/")
    assert (role.existing.partition, role.existing.account) == ("aws-cn", THIS_ACCOUNT)
    by_name = lower(load_spec(write_spec(spec_text(), "by-name"), "by-name.yaml")).existing
    assert (by_name.name, by_name.path, by_name.arn) == (ROLE, "/", None)


def test_managed_policy_choice_is_explained(write_spec):
    role = lower(load_spec(write_spec(spec_text()), "role.yaml"))
    (note,) = [n for n in role.notes if n.feature == "managed_policy"]
    assert "CloudFormation cannot attach an AWS managed policy to a role it does not own" in note.message
    assert "terraform destroy detaches it" in note.message
    assert not lower(load_spec(write_spec(spec_text(managed_policy=False), "no-managed"), "x.yaml")).notes


# --------------------------------------------------------------------------- #
# The outputs' shape


def test_cloudformation_attaches_a_customer_managed_policy_by_name(compile_text):
    template, _ = files(compile_text(spec_text()))
    resources = template["Resources"]
    assert [r["Type"] for r in resources.values()] == ["AWS::IAM::ManagedPolicy"]
    props = resources["ExecutionPolicy"]["Properties"]
    assert props["Roles"] == [ROLE]
    assert "ManagedPolicyName" not in props  # generated: no collision between stacks, regions or StackSet instances
    assert template["Outputs"]["RoleName"]["Value"] == ROLE
    assert template["Outputs"]["RoleArn"]["Value"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + ROLE}
    assert "Rules" not in template


def test_cloudformation_role_arn_keeps_the_path_and_adds_a_rule(compile_text):
    template, _ = files(compile_text(spec_text(existing=f"arn:aws:iam::{THIS_ACCOUNT}:role/ecs/{ROLE}")))
    assert template["Outputs"]["RoleArn"]["Value"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ecs/" + ROLE}
    assert template["Resources"]["ExecutionPolicy"]["Properties"]["Roles"] == [ROLE]
    assertions = template["Rules"]["ExistingRoleInThisAccount"]["Assertions"]
    assert [a["Assert"] for a in assertions] == [
        {"Fn::Equals": [{"Ref": "AWS::AccountId"}, THIS_ACCOUNT]},
        {"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws"]},
    ]


def test_terraform_reads_the_role_and_owns_only_its_policies(compile_text):
    _, module = files(compile_text(spec_text()))
    assert "aws_iam_role" not in module["resource"]
    assert module["data"]["aws_iam_role"]["this"]["name"] == ROLE
    assert module["resource"]["aws_iam_role_policy"]["execution"]["role"] == "${data.aws_iam_role.this.name}"
    assert module["resource"]["aws_iam_role_policy_attachment"]["managed"]["role"] == "${data.aws_iam_role.this.name}"
    assert module["output"]["role_arn"]["value"] == "${data.aws_iam_role.this.arn}"
    assert module["output"]["role_name"]["value"] == "${data.aws_iam_role.this.name}"
    (lifecycle,) = module["data"]["aws_iam_role"]["this"]["lifecycle"]
    assert "precondition" not in lifecycle
    assert lifecycle["postcondition"][0]["condition"] == '${self.path == "/"}'


def test_terraform_role_arn_is_checked_before_anything_changes(compile_text):
    _, module = files(compile_text(spec_text(existing=f"arn:aws-us-gov:iam::{THIS_ACCOUNT}:role/ecs/{ROLE}")))
    (lifecycle,) = module["data"]["aws_iam_role"]["this"]["lifecycle"]
    assert lifecycle["precondition"][0]["condition"] == (
        '${data.aws_caller_identity.current.account_id == "%s" && '
        'data.aws_partition.current.partition == "aws-us-gov"}' % THIS_ACCOUNT)
    assert lifecycle["postcondition"][0]["condition"] == '${self.path == "/ecs/"}'
    assert {"aws_caller_identity", "aws_partition"} <= set(module["data"])


def test_existing_role_outputs_pass_cfn_lint(compile_text, tmp_path):
    compiled = [compile_text(spec_text(), "by-name"),
                compile_text(spec_text(existing=f"arn:aws:iam::{THIS_ACCOUNT}:role/ecs/{ROLE}",
                                       managed_policy=False), "by-arn")]
    lint_all(compiled, tmp_path / "out")  # raises LintError on any error or warning


# --------------------------------------------------------------------------- #
# What the existing role may do, in each target


@target_param
@deployment_param
def test_existing_role_gets_the_features_permissions(compile_text, target, deployment):
    resolved = policies(compile_text(spec_text(managed_policy=False)), target, deployment)
    assert resolved.trust is None and resolved.existing_role == ROLE and resolved.managed_policy_arns == ()
    policy = effective(resolved)
    d = deployment
    assert is_allowed(policy, "ssm:GetParameters", d.arn("ssm", "parameter/prod/db/password"))
    assert is_allowed(policy, "secretsmanager:GetSecretValue", d.arn("secretsmanager", "secret:prod/db/credentials-AbCdEf"))
    assert not is_allowed(policy, "ssm:GetParameters", d.arn("ssm", "parameter/prod/db/other"))
    assert not is_allowed(policy, "secretsmanager:GetSecretValue", d.arn("secretsmanager", "secret:prod/db/credentials-x-AbCdEf"))
    for action in MANAGED_ACTIONS:  # managed_policy: false adds nothing of the managed policy
        assert not is_allowed(policy, action, "*"), action


@target_param
@deployment_param
def test_managed_policy_on_an_existing_role_grants_what_the_aws_policy_grants(compile_text, target, deployment):
    resolved = policies(compile_text(spec_text()), target, deployment)
    policy = effective(resolved)
    anything = deployment.arn("ecr", "repository/any")
    for action in MANAGED_ACTIONS:
        assert is_allowed(policy, action, anything), action
    assert not is_allowed(policy, "ecr:PutImage", anything)
    assert not is_allowed(policy, "logs:CreateLogGroup", deployment.arn("logs", "log-group:/ecs/x"))
    if target == "terraform":
        assert resolved.managed_policy_arns == (
            f"arn:{deployment.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",)


@deployment_param
@pytest.mark.parametrize("managed_policy", [True, False])
def test_both_targets_grant_the_existing_role_the_same(compile_text, deployment, managed_policy):
    features = {**SECRETS, "ecr_pull": {"repositories": ["app"]}, "awslogs": {"log_groups": ["/ecs/app"], "create_group": True}}
    compiled = compile_text(spec_text(managed_policy=managed_policy, features=features))
    cfn, tf = (policies(compiled, t, deployment) for t in TARGETS)
    assert normalise(effective(cfn)) == normalise(effective(tf))


@target_param
@pytest.mark.parametrize("deployment, refused", [
    (AWS, False),
    (Deployment("aws", "eu-west-1", THIS_ACCOUNT), False),
    (Deployment("aws", "us-east-1", OTHER_ACCOUNT), True),
    (Deployment("aws-cn", "cn-north-1", THIS_ACCOUNT), True),
], ids=["same-account", "other-region", "other-account", "other-partition"])
def test_role_arn_deploys_only_in_its_own_account_and_partition(compile_text, target, deployment, refused):
    compiled = compile_text(spec_text(existing=f"arn:aws:iam::{THIS_ACCOUNT}:role/{ROLE}"))
    if refused:
        with pytest.raises(Refused, match=f"role.existing is arn:aws:iam::{THIS_ACCOUNT}:role/{ROLE}"):
            policies(compiled, target, deployment)
    else:
        assert policies(compiled, target, deployment).existing_role == ROLE


@target_param
def test_role_name_deploys_in_any_account(compile_text, target):
    compiled = compile_text(spec_text())
    for deployment in (AWS, AWS_CN, Deployment("aws", "us-east-1", OTHER_ACCOUNT)):
        assert policies(compiled, target, deployment).existing_role == ROLE
