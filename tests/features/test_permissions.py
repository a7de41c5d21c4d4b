"""What the compiled roles allow, judged the way AWS judges a deployed role.

Every claim is checked on both targets: the CloudFormation template and the
Terraform module are each resolved for a concrete deployment (partition, region,
account) into plain IAM JSON (`support.outputs`), and a small IAM evaluator
(`support.iam_eval`) is asked whether a request is allowed: the requests a task
needs, and near misses that a least-privilege role must refuse.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rolec.build.pipeline import compile_spec
from tests.support.iam_eval import (
    Unsupported,
    action_matches,
    conditions_hold,
    is_allowed,
    resource_matches,
    trust_allows,
)
from tests.support.roles import Role, as_list, build
from tests.support.outputs import (
    AWS,
    AWS_CN,
    DEPLOYMENTS,
    TARGETS,
    Deployment,
    Policies,
    Refused,
    Unresolved,
    aws_managed_policy,
    effective,
    from_cloudformation,
    from_terraform,
    normalise,
    policies,
    resolve_sub,
)

SPECS = sorted((Path(__file__).resolve().parents[2] / "specs").glob("*.yaml"))
OTHER_ACCOUNT = "999988887777"
SHARED_ACCOUNT = "222233334444"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ac"
MRK_ID = "mrk-0123456789abcdef0123456789abcdef"
VPCE = "vpce-0a1b2c3d4e5f60789"
VPC = "vpc-0a1b2c3d"
LAYER_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
ECS_TASKS = "ecs-tasks.amazonaws.com"

target_param = pytest.mark.parametrize("target", TARGETS)
deployment_param = pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)


# --------------------------------------------------------------------------- #
# Building and asking


@pytest.fixture
def role(tmp_path):
    def make(spec: dict, target: str, deployment: Deployment = AWS) -> Role:
        return build(tmp_path, spec, target, deployment)
    return make


_HYPOTHESIS_DIR = Path(tempfile.mkdtemp(prefix="rolec-permissions-"))  # hypothesis cannot share tmp_path
atexit.register(shutil.rmtree, _HYPOTHESIS_DIR, ignore_errors=True)


# --------------------------------------------------------------------------- #
# The evaluator itself


class TestEvaluator:
    def test_question_mark_is_exactly_one_character(self):
        assert resource_matches("arn:aws:x:::secret:a-??????", "arn:aws:x:::secret:a-AbCdEf")
        assert not resource_matches("arn:aws:x:::secret:a-??????", "arn:aws:x:::secret:a-AbCdE")
        assert not resource_matches("arn:aws:x:::secret:a-??????", "arn:aws:x:::secret:a-AbCdEfG")

    def test_star_spans_slash_colon_and_nothing(self):
        assert resource_matches("arn:aws:logs:r:1:log-group:/a*", "arn:aws:logs:r:1:log-group:/a/b:log-stream:c")
        assert resource_matches("arn:aws:logs:r:1:log-group:/a*", "arn:aws:logs:r:1:log-group:/a")
        assert resource_matches("*", "anything:at/all")
        assert not resource_matches("arn:aws:logs:r:1:log-group:/a", "arn:aws:logs:r:1:log-group:/a/b")

    def test_resource_is_case_sensitive_action_is_not(self):
        doc = {"Statement": [{"Effect": "Allow", "Action": "ecr:Batch*", "Resource": "arn:aws:ecr:r:1:repository/a"}]}
        assert is_allowed(doc, "ECR:batchgetimage", "arn:aws:ecr:r:1:repository/a")
        assert not is_allowed(doc, "ecr:PutImage", "arn:aws:ecr:r:1:repository/a")
        assert not is_allowed(doc, "ecr:BatchGetImage", "arn:aws:ecr:r:1:repository/A")
        assert action_matches("s3:Get?bject", "s3:getobject")
        assert not action_matches("s3:Get?bject", "s3:GetObjects")

    def test_policy_variable_escapes_are_literal(self):
        assert resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*")
        assert not resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x")
        with pytest.raises(Unsupported):
            resource_matches("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/x")

    def test_condition_keys_case_insensitive_values_case_sensitive(self):
        block = {"StringEquals": {"aws:sourceVpce": "vpce-1"}}
        assert conditions_hold(block, {"aws:SourceVpce": "vpce-1"})
        assert not conditions_hold(block, {"aws:SourceVpce": "VPCE-1"})

    def test_keys_are_anded_values_ored_missing_key_fails(self):
        block = {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"], "aws:SourceVpc": "vpc-1"}}
        assert conditions_hold(block, {"aws:SourceVpce": "vpce-2", "aws:SourceVpc": "vpc-1"})
        assert not conditions_hold(block, {"aws:SourceVpce": "vpce-3", "aws:SourceVpc": "vpc-1"})
        assert not conditions_hold(block, {"aws:SourceVpce": "vpce-1"})
        assert not conditions_hold(block, {})

    def test_negated_and_if_exists_with_missing_key(self):
        assert conditions_hold({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, {})
        assert not conditions_hold({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, {"aws:SourceVpc": "vpc-1"})
        assert conditions_hold({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, {})
        assert not conditions_hold({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, {"aws:SourceVpc": "vpc-2"})

    def test_set_qualifiers(self):
        any_of = {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/a"]}}
        all_of = {"ForAllValues:StringLike": {"kms:ResourceAliases": ["alias/a*"]}}
        assert conditions_hold(any_of, {"kms:ResourceAliases": ["alias/b", "alias/a"]})
        assert not conditions_hold(any_of, {"kms:ResourceAliases": ["alias/b"]})
        assert not conditions_hold(any_of, {})
        assert not conditions_hold(any_of, {"kms:ResourceAliases": []})
        assert conditions_hold(all_of, {"kms:ResourceAliases": ["alias/a", "alias/ab"]})
        assert not conditions_hold(all_of, {"kms:ResourceAliases": ["alias/a", "alias/b"]})
        assert conditions_hold(all_of, {})

    def test_arn_like_matches_component_by_component(self):
        block = {"ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"}}
        assert conditions_hold(block, {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:task/c/abc"})
        assert not conditions_hold(block, {"aws:SourceArn": "arn:aws:ecs:us-east-1:999988887777:task/c/abc"})
        assert not conditions_hold(block, {"aws:SourceArn": "not-an-arn"})
        assert not conditions_hold({"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:1:*"}},
                                   {"aws:SourceArn": "arn:aws:ecs:us-east-1:2:1:x"})
        assert conditions_hold({"ArnEquals": {"aws:SourceArn": "arn:aws:ecs:*:1:task/*"}},
                               {"aws:SourceArn": "arn:aws:ecs:eu-west-1:1:task/x"})

    def test_explicit_deny_wins_and_unknown_operator_raises(self):
        doc = {"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},
        ]}
        assert is_allowed(doc, "s3:GetObject", "x")
        assert not is_allowed(doc, "kms:Decrypt", "x")
        with pytest.raises(Unsupported):
            is_allowed({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                                       "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}}]}, "a:b", "c")

    def test_trust_policy(self):
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]}
        assert trust_allows(trust, "ecs-tasks.amazonaws.com", {"aws:SourceAccount": "1"})
        assert not trust_allows(trust, "ecs-tasks.amazonaws.com", {})
        assert not trust_allows(trust, "ec2.amazonaws.com", {"aws:SourceAccount": "1"})
        assert not trust_allows(trust, "ecs-tasks.amazonaws.com", {"aws:SourceAccount": "1"},
                                action="sts:AssumeRoleWithWebIdentity")


class TestOutputResolution:
    def test_sub_escape_and_unknown_variable(self):
        assert resolve_sub("a-${!Literal}-${X}", {"X": "1"}) == "a-${Literal}-1"
        with pytest.raises(Unresolved):
            resolve_sub("${Nope}", {})

    def test_cloudformation_unresolved_raises(self):
        template = (
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument: {Statement: []}\n"
            "      ManagedPolicyArns: [!Sub 'arn:${AWS::Partition}:iam::aws:policy/${!Name}']\n"
        )
        with pytest.raises(Unresolved):
            from_cloudformation(template, AWS)
        ok = template.replace("${!Name}", "P")
        assert from_cloudformation(ok, AWS_CN).managed_policy_arns == ("arn:aws-cn:iam::aws:policy/P",)
        with pytest.raises(Unresolved):
            from_cloudformation(ok.replace("${AWS::Partition}", "${Other}"), AWS)

    def test_terraform_escapes_and_unresolved_raise(self):
        def module(resource: str, data: dict) -> str:
            return json.dumps({
                "data": {**data, "aws_iam_policy_document": {
                    "trust": {"statement": [{"actions": ["sts:AssumeRole"],
                                             "principals": [{"type": "Service", "identifiers": [ECS_TASKS]}]}]},
                    "p": {"statement": [{"actions": ["s3:GetObject"], "resources": [resource]}]}}},
                "resource": {
                    "aws_iam_role": {"this": {"assume_role_policy": "${data.aws_iam_policy_document.trust.json}"}},
                    "aws_iam_role_policy": {"p": {"role": "${aws_iam_role.this.id}",
                                                  "policy": "${data.aws_iam_policy_document.p.json}"}}},
            })
        partition = {"aws_partition": {"current": {}}}
        got = from_terraform(module("arn:${data.aws_partition.current.partition}:s3:::b/%%{x}", partition), AWS_CN)
        assert got.permissions["Statement"][0]["Resource"] == ["arn:aws-cn:s3:::b/%{x}"]
        with pytest.raises(Unresolved):  # escaped to a literal ${...}: IAM would read a policy variable
            from_terraform(module("arn:aws:s3:::b/$${aws:username}", partition), AWS)
        with pytest.raises(Unresolved):  # the data source is not declared
            from_terraform(module("arn:${data.aws_partition.current.partition}:s3:::b", {}), AWS)
        with pytest.raises(Unresolved):
            from_terraform(module("arn:${var.partition}:s3:::b", partition), AWS)


# --------------------------------------------------------------------------- #
# ecr_pull


ECR_SPEC = {"features": {"ecr_pull": {"repositories": [
    "payments-api", f"arn:aws:ecr:eu-west-1:{SHARED_ACCOUNT}:repository/shared/base"]}}}
SHARED_BASE = f"arn:aws:ecr:eu-west-1:{SHARED_ACCOUNT}:repository/shared/base"


@target_param
@deployment_param
def test_ecr_auth_token_on_star(role, target, deployment):
    r = role(ECR_SPEC, target, deployment)
    assert r.allows("ecr:GetAuthorizationToken", "*")
    assert r.allows("ecr:GetAuthorizationToken", "*", {})


@target_param
@deployment_param
def test_ecr_layers_on_listed_repositories_only(role, target, deployment):
    r = role(ECR_SPEC, target, deployment)
    own = r.arn("ecr", "repository/payments-api")
    for action in LAYER_ACTIONS:
        assert r.allows(action, own)
        assert r.allows(action, SHARED_BASE)
        for near in ("payments-api-v2", "payments", "payments-api/child", "payments-ap", "Payments-api"):
            assert not r.allows(action, r.arn("ecr", f"repository/{near}")), near
        assert not r.allows(action, r.arn("ecr", "repository/payments-api", account=OTHER_ACCOUNT))
        assert not r.allows(action, r.arn("ecr", "repository/payments-api", region="ap-south-1"))
        assert not r.allows(action, r.arn("ecr", "repository/shared/base"))  # same name, own account
        assert not r.allows(action, f"arn:aws:ecr:eu-west-1:{SHARED_ACCOUNT}:repository/shared/base-x")
        other_partition = "aws" if deployment.partition == "aws-cn" else "aws-cn"
        assert not r.allows(action, own.replace(f"arn:{deployment.partition}:", f"arn:{other_partition}:"))
    for action in ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:DeleteRepository", "ecr:DescribeImages",
                   "ecr:SetRepositoryPolicy"):
        assert not r.allows(action, own), action
        assert not r.allows(action, SHARED_BASE), action
    assert not r.allows("ecr:BatchGetImage", "*")


VPC_SPEC = {"features": {"ecr_pull": {"repositories": ["internal/ledger"],
                                      "vpc_endpoint": {"source_vpce": [VPCE], "source_vpc": [VPC]}}}}


@target_param
@deployment_param
def test_ecr_vpc_endpoint_conditions(role, target, deployment):
    r = role(VPC_SPEC, target, deployment)
    repo = r.arn("ecr", "repository/internal/ledger")
    good = {"aws:SourceVpce": VPCE, "aws:SourceVpc": VPC}
    for action in LAYER_ACTIONS:
        assert r.allows(action, repo, good)
        assert r.allows(action, repo, {"aws:sourcevpce": VPCE, "aws:sourcevpc": VPC})
        assert not r.allows(action, repo, {**good, "aws:SourceVpce": "vpce-0a1b2c3d4e5f60780"})
        assert not r.allows(action, repo, {**good, "aws:SourceVpc": "vpc-0a1b2c3e"})
        assert not r.allows(action, repo, {"aws:SourceVpc": VPC})  # vpce missing
        assert not r.allows(action, repo, {"aws:SourceVpce": VPCE})  # vpc missing
        assert not r.allows(action, repo, {})
        assert not r.allows(action, r.arn("ecr", "repository/internal/ledger2"), good)


@target_param
@deployment_param
def test_ecr_auth_token_carries_no_vpc_condition(role, target, deployment):
    r = role(VPC_SPEC, target, deployment)
    assert r.allows("ecr:GetAuthorizationToken", "*", {})
    statements = r.statements_for("ecr:GetAuthorizationToken")
    assert statements
    for s in statements:
        keys = {k.lower() for op in s.get("Condition", {}).values() for k in op}
        assert not keys & {"aws:sourcevpc", "aws:sourcevpce"}, s


@target_param
def test_ecr_vpce_only_and_several_endpoints(role, target):
    spec = {"features": {"ecr_pull": {"repositories": ["app"],
                                      "vpc_endpoint": {"source_vpce": [VPCE, "vpce-11112222333344445"]}}}}
    r = role(spec, target)
    repo = r.arn("ecr", "repository/app")
    assert r.allows("ecr:BatchGetImage", repo, {"aws:SourceVpce": VPCE})
    assert r.allows("ecr:BatchGetImage", repo, {"aws:SourceVpce": "vpce-11112222333344445"})
    assert not r.allows("ecr:BatchGetImage", repo, {"aws:SourceVpc": VPC})
    assert not r.allows("ecr:BatchGetImage", repo)


@given(name=st.from_regex(r"[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,6}){0,2}(?:/[a-z0-9]{1,8}){0,2}", fullmatch=True))
@target_param
def test_ecr_any_repository_name_is_exact(target, name):
    r = build(_HYPOTHESIS_DIR, {"features": {"ecr_pull": {"repositories": [name]}}}, target)
    assert r.allows("ecr:BatchGetImage", r.arn("ecr", f"repository/{name}"))
    for near in (name + "x", name + "-v2", name + "/child", name[:-1] or "x", "x" + name):
        if near != name:
            assert not r.allows("ecr:BatchGetImage", r.arn("ecr", f"repository/{near}")), near


# --------------------------------------------------------------------------- #
# awslogs


def _logs(create_group: bool = False) -> dict:
    return {"features": {"awslogs": {"log_groups": ["/ecs/x"], "create_group": create_group}}}


@target_param
@deployment_param
def test_awslogs_write_on_own_group_and_streams_only(role, target, deployment):
    r = role(_logs(), target, deployment)
    group = r.arn("logs", "log-group:/ecs/x")
    for action in LOG_WRITE_ACTIONS:
        assert r.allows(action, group), action
        assert r.allows(action, group + ":log-stream:abc"), action
        assert r.allows(action, group + ":log-stream:ecs/web/0123456789abcdef"), action
        for near in ("/ecs/x-other", "/ecs/xy", "/ecs/x/child", "/ecs/", "/ecs/X", "ecs/x"):
            assert not r.allows(action, r.arn("logs", f"log-group:{near}")), near
            assert not r.allows(action, r.arn("logs", f"log-group:{near}:log-stream:abc")), near
        assert not r.allows(action, r.arn("logs", "log-group:/ecs/x", account=OTHER_ACCOUNT))
        assert not r.allows(action, r.arn("logs", "log-group:/ecs/x:log-stream:abc", region="eu-central-1"))
    for action in ("logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:GetLogEvents"):
        assert not r.allows(action, group), action
        assert not r.allows(action, group + ":log-stream:abc"), action


@target_param
@deployment_param
def test_awslogs_create_group(role, target, deployment):
    r = role(_logs(create_group=True), target, deployment)
    group = r.arn("logs", "log-group:/ecs/x")
    assert r.allows("logs:CreateLogGroup", group)
    for near in ("/ecs/x-other", "/ecs/xy", "/ecs/x/child", "/ecs/y"):
        assert not r.allows("logs:CreateLogGroup", r.arn("logs", f"log-group:{near}")), near
    assert not r.allows("logs:CreateLogGroup", r.arn("logs", "log-group:/ecs/x", account=OTHER_ACCOUNT))
    assert not r.allows("logs:CreateLogGroup", "*")
    assert not r.allows("logs:DeleteLogGroup", group)


@given(name=st.from_regex(r"[.\-_/#A-Za-z0-9]{1,40}", fullmatch=True))
@target_param
def test_awslogs_any_group_name_is_exact(target, name):
    r = build(_HYPOTHESIS_DIR, {"features": {"awslogs": {"log_groups": [name]}}}, target)
    group = r.arn("logs", f"log-group:{name}")
    assert r.allows("logs:PutLogEvents", group + ":log-stream:s")
    assert r.allows("logs:CreateLogStream", group)
    for near in (name + "x", name + "/child", name + "-other", "x" + name):
        assert not r.allows("logs:PutLogEvents", r.arn("logs", f"log-group:{near}:log-stream:s")), near
        assert not r.allows("logs:CreateLogStream", r.arn("logs", f"log-group:{near}")), near


# --------------------------------------------------------------------------- #
# secrets


def _secrets(**block) -> dict:
    return {"features": {"secrets": block}}


@target_param
@deployment_param
def test_secrets_manager_name_gets_exactly_six_suffix_characters(role, target, deployment):
    r = role(_secrets(secrets_manager=["prod/db"]), target, deployment)
    ok = r.arn("secretsmanager", "secret:prod/db-AbCdEf")
    assert r.allows("secretsmanager:GetSecretValue", ok)
    for near in ("prod/db-other-AbCdEf", "prod/db-AbCdE", "prod/db-AbCdEfG", "prod/dbx-AbCdEf", "prod/d-AbCdEf",
                 "prod/db", "prod/db/x-AbCdEf", "prod/db-"):
        assert not r.allows("secretsmanager:GetSecretValue", r.arn("secretsmanager", f"secret:{near}")), near
    assert not r.allows("secretsmanager:GetSecretValue",
                        r.arn("secretsmanager", "secret:prod/db-AbCdEf", account=OTHER_ACCOUNT))
    for action in ("secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:ListSecrets",
                   "ssm:GetParameters"):
        assert not r.allows(action, ok), action


@target_param
@deployment_param
@pytest.mark.parametrize("tail", [":api_key::", ":api_key:AWSCURRENT:", "::AWSPREVIOUS:",
                                  ":api_key::0a1b2c3d-1234-5678-9abc-0a1b2c3d4e5f", ""])
def test_secret_arn_tail_is_cut_back(role, target, deployment, tail):
    secret = f"arn:aws:secretsmanager:eu-west-1:{SHARED_ACCOUNT}:secret:shared/datadog-AbCdEf"
    r = role(_secrets(secrets_manager=[secret + tail]), target, deployment)
    assert r.allows("secretsmanager:GetSecretValue", secret)
    assert not r.allows("secretsmanager:GetSecretValue", secret.replace("AbCdEf", "XyZwVu"))
    assert not r.allows("secretsmanager:GetSecretValue", secret.replace("datadog", "datadogs"))
    for s in r.p.permissions["Statement"]:
        for resource in as_list(s["Resource"]):
            assert "api_key" not in resource and "AWS" not in resource.split(":secret:")[-1], resource


@target_param
@deployment_param
def test_secret_partial_arn_gets_suffix(role, target, deployment):
    r = role(_secrets(secrets_manager=[f"arn:aws:secretsmanager:eu-west-1:{SHARED_ACCOUNT}:secret:shared/api:key::"]),
             target, deployment)
    assert r.allows("secretsmanager:GetSecretValue",
                    f"arn:aws:secretsmanager:eu-west-1:{SHARED_ACCOUNT}:secret:shared/api-AbCdEf")
    assert not r.allows("secretsmanager:GetSecretValue",
                        f"arn:aws:secretsmanager:eu-west-1:{SHARED_ACCOUNT}:secret:shared/api-x-AbCdEf")


@target_param
@deployment_param
def test_ssm_parameter_names_map_to_single_slash_arns(role, target, deployment):
    r = role(_secrets(ssm_parameters=["/a/b", "a"]), target, deployment)
    assert r.allows("ssm:GetParameters", r.arn("ssm", "parameter/a/b"))
    assert r.allows("ssm:GetParameters", r.arn("ssm", "parameter/a"))
    for near in ("parameter//a/b", "parameter//a", "parameter/a/b/c", "parameter/a/bc", "parameter/ab",
                 "parameter/a/", "parameter/b"):
        assert not r.allows("ssm:GetParameters", r.arn("ssm", near)), near
    for s in r.p.permissions["Statement"]:
        for resource in as_list(s["Resource"]):
            assert "parameter//" not in resource, resource
    for action in ("ssm:GetParameter", "ssm:GetParametersByPath", "ssm:PutParameter", "ssm:GetParameterHistory",
                   "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"):
        assert not r.allows(action, r.arn("ssm", "parameter/a/b")), action
    assert not r.allows("ssm:GetParameters", r.arn("ssm", "parameter/a/b", account=OTHER_ACCOUNT))


@target_param
@deployment_param
def test_ssm_reference_to_secrets_manager(role, target, deployment):
    r = role(_secrets(ssm_parameters=["/aws/reference/secretsmanager/prod/api-token"]), target, deployment)
    assert r.allows("ssm:GetParameters", r.arn("ssm", "parameter/aws/reference/secretsmanager/prod/api-token"))
    assert r.allows("secretsmanager:GetSecretValue", r.arn("secretsmanager", "secret:prod/api-token-AbCdEf"))
    assert not r.allows("secretsmanager:GetSecretValue", r.arn("secretsmanager", "secret:prod/api-token-x-AbCdEf"))
    assert not r.allows("secretsmanager:GetSecretValue", r.arn("secretsmanager", "secret:prod/api-tokens-AbCdEf"))
    assert not r.allows("ssm:GetParameters", r.arn("ssm", "parameter/aws/reference/secretsmanager/prod/other"))
    assert not r.allows("secretsmanager:DescribeSecret", r.arn("secretsmanager", "secret:prod/api-token-AbCdEf"))


@target_param
@deployment_param
def test_kms_key_id(role, target, deployment):
    r = role(_secrets(secrets_manager=["s"], kms_keys=[KEY_ID]), target, deployment)
    key = r.arn("kms", f"key/{KEY_ID}")
    assert r.allows("kms:Decrypt", key)
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{OTHER_KEY_ID}"))
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{KEY_ID}", account=OTHER_ACCOUNT))
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{KEY_ID}", region="eu-west-3"))
    assert not r.allows("kms:Decrypt", "*")
    for action in ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:DescribeKey"):
        assert not r.allows(action, key), action


@target_param
@deployment_param
def test_kms_key_arn_in_another_account(role, target, deployment):
    key = f"arn:aws:kms:eu-west-1:{SHARED_ACCOUNT}:key/{MRK_ID}"
    r = role(_secrets(secrets_manager=["s"], kms_keys=[key]), target, deployment)
    assert r.allows("kms:Decrypt", key)
    assert not r.allows("kms:Decrypt", key.replace(SHARED_ACCOUNT, OTHER_ACCOUNT))
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{MRK_ID}"))


@target_param
@deployment_param
def test_kms_alias_narrows_by_resource_aliases(role, target, deployment):
    r = role(_secrets(secrets_manager=["s"], kms_keys=["alias/billing", "alias/ops"]), target, deployment)
    any_key = r.arn("kms", f"key/{OTHER_KEY_ID}")
    assert r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": ["alias/billing"]})
    assert r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": ["alias/other", "alias/billing"]})
    assert r.allows("kms:Decrypt", r.arn("kms", f"key/{MRK_ID}"), {"kms:ResourceAliases": ["alias/ops"]})
    assert not r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": ["alias/other"]})
    assert not r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": ["alias/billing2"]})
    assert not r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": ["alias/Billing"]})
    assert not r.allows("kms:Decrypt", any_key, {"kms:ResourceAliases": []})
    assert not r.allows("kms:Decrypt", any_key)
    ctx = {"kms:ResourceAliases": ["alias/billing"]}
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{KEY_ID}", account=OTHER_ACCOUNT), ctx)
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{KEY_ID}", region="eu-west-3"), ctx)
    assert not r.allows("kms:Encrypt", any_key, ctx)


@target_param
def test_kms_alias_arn_in_another_account(role, target):
    alias = f"arn:aws:kms:eu-west-1:{SHARED_ACCOUNT}:alias/shared"
    r = role(_secrets(secrets_manager=["s"], kms_keys=[alias]), target)
    ctx = {"kms:ResourceAliases": ["alias/shared"]}
    assert r.allows("kms:Decrypt", f"arn:aws:kms:eu-west-1:{SHARED_ACCOUNT}:key/{KEY_ID}", ctx)
    assert not r.allows("kms:Decrypt", f"arn:aws:kms:eu-west-1:{SHARED_ACCOUNT}:key/{KEY_ID}")
    assert not r.allows("kms:Decrypt", r.arn("kms", f"key/{KEY_ID}"), ctx)


_SECRET_NAMES = st.from_regex(r"[A-Za-z0-9/_+=.@-]{1,30}", fullmatch=True)
_SUFFIX = st.from_regex(r"[A-Za-z0-9]{6}", fullmatch=True)


@given(name=_SECRET_NAMES, suffix=_SUFFIX, extra=st.sampled_from("aZ9-_/"))
@target_param
def test_secret_names_allow_own_suffix_only(target, name, suffix, extra):
    r = build(_HYPOTHESIS_DIR, _secrets(secrets_manager=[name]), target)
    arn = lambda n: r.arn("secretsmanager", f"secret:{n}")  # noqa: E731
    assert r.allows("secretsmanager:GetSecretValue", arn(f"{name}-{suffix}"))
    assert not r.allows("secretsmanager:GetSecretValue", arn(f"{name}{extra}-{suffix}"))
    assert not r.allows("secretsmanager:GetSecretValue", arn(f"{name}-{suffix[:5]}"))
    assert not r.allows("secretsmanager:GetSecretValue", arn(f"{name}-{suffix}{extra}"))
    assert not r.allows("secretsmanager:GetSecretValue", arn(f"{name}-other-{suffix}"))


@given(name=st.from_regex(r"/?[A-Za-z0-9_.-]{1,12}(?:/[A-Za-z0-9_.-]{1,12}){0,3}", fullmatch=True),
       extra=st.sampled_from("aZ9_.-"))
@target_param
def test_parameter_names_are_exact(target, name, extra):
    assume(not name.lstrip("/").lower().startswith(("aws", "ssm")))
    r = build(_HYPOTHESIS_DIR, _secrets(ssm_parameters=[name]), target)
    bare = name.lstrip("/")
    assert r.allows("ssm:GetParameters", r.arn("ssm", f"parameter/{bare}"))
    for near in (bare + extra, bare + "/child", "/" + bare, extra + bare):
        assert not r.allows("ssm:GetParameters", r.arn("ssm", f"parameter/{near}")), near
    if "/" in bare:
        assert not r.allows("ssm:GetParameters", r.arn("ssm", f"parameter/{bare.rsplit('/', 1)[0]}"))


# --------------------------------------------------------------------------- #
# private_registry_auth


@target_param
@deployment_param
def test_private_registry_auth_grants_secret_and_key_only(role, target, deployment):
    spec = {"features": {"private_registry_auth": {"secrets": ["dockerhub/credentials"], "kms_keys": [KEY_ID]}}}
    r = role(spec, target, deployment)
    secret = r.arn("secretsmanager", "secret:dockerhub/credentials-AbCdEf")
    key = r.arn("kms", f"key/{KEY_ID}")
    resources = [secret, key, "*", r.arn("secretsmanager", "secret:dockerhub/credentials-other-AbCdEf"),
                 r.arn("kms", f"key/{OTHER_KEY_ID}"), r.arn("ecr", "repository/x"),
                 r.arn("logs", "log-group:/ecs/x"), r.arn("ssm", "parameter/dockerhub/credentials")]
    actions = ["secretsmanager:GetSecretValue", "kms:Decrypt", "secretsmanager:DescribeSecret",
               "secretsmanager:ListSecrets", "kms:Encrypt", "ecr:GetAuthorizationToken", "ecr:BatchGetImage",
               "logs:PutLogEvents", "ssm:GetParameters", "iam:PassRole", "sts:AssumeRole"]
    allowed = {(a, res) for a in actions for res in resources if r.allows(a, res)}
    assert allowed == {("secretsmanager:GetSecretValue", secret), ("kms:Decrypt", key)}
    granted = {a.lower() for s in r.p.permissions["Statement"] for a in as_list(s["Action"])}
    assert granted == {"secretsmanager:getsecretvalue", "kms:decrypt"}
    assert r.p.managed_policy_arns == ()


# --------------------------------------------------------------------------- #
# managed_policy


@target_param
@deployment_param
def test_managed_policy_attaches_partition_aware_arn(role, target, deployment):
    r = role({"managed_policy": True}, target, deployment)
    assert r.p.managed_policy_arns == (
        f"arn:{deployment.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",)
    assert r.p.permissions["Statement"] == []


@target_param
def test_managed_policy_in_china(role, target):
    r = role({"managed_policy": True}, target, AWS_CN)
    assert r.p.managed_policy_arns == ("arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",)


@target_param
def test_no_managed_policy_unless_asked(role, target):
    r = role(_logs(), target)
    assert r.p.managed_policy_arns == ()


@target_param
def test_managed_policy_with_features_keeps_what_it_does_not_cover(role, target):
    spec = {"managed_policy": True, "features": {
        "ecr_pull": {"repositories": ["app"]},
        "awslogs": {"log_groups": ["/ecs/x"], "create_group": True},
        "secrets": {"secrets_manager": ["s"]},
    }}
    r = role(spec, target)
    assert len(r.p.managed_policy_arns) == 1
    assert r.allows("logs:CreateLogGroup", r.arn("logs", "log-group:/ecs/x"))
    assert r.allows("secretsmanager:GetSecretValue", r.arn("secretsmanager", "secret:s-AbCdEf"))
    assert not r.allows("logs:CreateLogGroup", r.arn("logs", "log-group:/ecs/y"))


# --------------------------------------------------------------------------- #
# trust


@target_param
@deployment_param
def test_trust_ecs_tasks_may_assume(role, target, deployment):
    r = role(_logs(), target, deployment)
    assert r.trusts(ECS_TASKS)
    assert r.trusts(ECS_TASKS, {"aws:SourceAccount": OTHER_ACCOUNT})  # no confused-deputy guard asked for
    for other in ("ecs.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com.cn", "lambda.amazonaws.com"):
        assert not r.trusts(other), other
    assert not trust_allows(r.p.trust, ECS_TASKS, {}, action="sts:AssumeRoleWithWebIdentity")
    principals = [s["Principal"] for s in r.p.trust["Statement"]]
    assert all(as_list(p["Service"]) == [ECS_TASKS] for p in principals)


@target_param
@deployment_param
def test_trust_source_account(role, target, deployment):
    r = role({"trust": {"source_account": True}, **_logs()}, target, deployment)
    acct, region, partition = deployment.account, deployment.region, deployment.partition
    task = f"arn:{partition}:ecs:{region}:{acct}:task/cluster/0123456789abcdef"
    assert r.trusts(ECS_TASKS, {"aws:SourceAccount": acct, "aws:SourceArn": task})
    assert r.trusts(ECS_TASKS, {"aws:sourceaccount": acct, "aws:sourcearn": task})
    assert not r.trusts(ECS_TASKS, {})
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": acct})
    assert not r.trusts(ECS_TASKS, {"aws:SourceArn": task})
    other_task = task.replace(acct, OTHER_ACCOUNT)
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": other_task})
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": acct, "aws:SourceArn": other_task})
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": task})
    other_partition = "aws" if partition == "aws-cn" else "aws-cn"
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": acct,
                                    "aws:SourceArn": task.replace(f"arn:{partition}:", f"arn:{other_partition}:")})
    assert not r.trusts(ECS_TASKS, {"aws:SourceAccount": acct,
                                    "aws:SourceArn": f"arn:{partition}:s3:{region}:{acct}:bucket"})
    assert not r.trusts("ec2.amazonaws.com", {"aws:SourceAccount": acct, "aws:SourceArn": task})


# --------------------------------------------------------------------------- #
# Every example spec: both targets mean the same, and nothing but the auth token is on "*"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
@deployment_param
def test_example_targets_agree(spec, deployment):
    compiled = compile_spec(spec)
    if compiled.role.lookups and deployment is AWS_CN:
        for target in TARGETS:  # no GuardDuty agent repository in China: both targets stop the deployment
            with pytest.raises(Refused, match="no aws-guardduty-agent-fargate repository"):
                policies(compiled, target, deployment)
        return
    cfn = policies(compiled, "cloudformation", deployment)
    tf = policies(compiled, "terraform", deployment)
    if compiled.role.existing:
        _assert_existing_role_targets_agree(compiled, cfn, tf)
        return
    assert normalise(cfn.permissions) == normalise(tf.permissions)
    assert normalise(cfn.trust) == normalise(tf.trust)
    assert sorted(cfn.managed_policy_arns) == sorted(tf.managed_policy_arns)


def _is_managed_policy_copy(statement: dict) -> bool:
    """CloudFormation's copy of AmazonECSTaskExecutionRolePolicy for an existing role (docs/existing-roles.md),
    compared with the policy as IAM publishes it (moto's copy of IAM's data)."""
    page = {"Statement": aws_managed_policy("AmazonECSTaskExecutionRolePolicy")}
    return statement.get("Sid") == "AmazonECSTaskExecutionRolePolicyStatements" and \
        normalise({"Statement": [statement]}) == normalise(page)


def _assert_existing_role_targets_agree(compiled, cfn: Policies, tf: Policies) -> None:
    """Terraform attaches the AWS managed policy; CloudFormation carries its statements instead.
    Everything else must be the same statement for statement."""
    assert cfn.trust is None and tf.trust is None
    assert cfn.existing_role == tf.existing_role == compiled.role.existing.name
    copies = [s for s in cfn.permissions["Statement"] if _is_managed_policy_copy(s)]
    own = {"Statement": [s for s in cfn.permissions["Statement"] if not _is_managed_policy_copy(s)]}
    assert normalise(own) == normalise(tf.permissions)
    assert cfn.managed_policy_arns == ()
    assert len(copies) == len(tf.managed_policy_arns) == (1 if compiled.role.managed_policies else 0)
    assert normalise(effective(cfn)) == normalise(effective(tf))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
@target_param
def test_example_star_only_for_auth_token(spec, target):
    resolved = policies(compile_spec(spec), target, AWS)
    for s in resolved.permissions["Statement"]:
        if resolved.existing_role and _is_managed_policy_copy(s):
            continue  # managed_policy: true on a role the stack does not own
        if "*" in as_list(s.get("Resource", [])):
            assert [a.lower() for a in as_list(s["Action"])] == ["ecr:getauthorizationtoken"], s
        assert "NotResource" not in s and "NotAction" not in s, s
        assert s["Effect"] == "Allow"


def test_example_specs_exist():
    assert len(SPECS) >= 7
