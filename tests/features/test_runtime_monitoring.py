"""runtime_monitoring: the GuardDuty agent sidecar's image, pulled from the deploying region's GuardDuty account
and nowhere else, on both targets, in every region of the table; a region outside it stops the deployment."""

from __future__ import annotations

import importlib.util
import json

import pytest

from rolec.aws.guardduty_agent_accounts import ACCOUNTS, REPOSITORY
from rolec.build.pipeline import compile_spec
from rolec.reports.explain import to_text

from tests.conftest import ROOT
from tests.support.outputs import AWS, AWS_CN, TARGETS, Deployment, Refused, policies
from tests.support.roles import Role, write_spec

target_param = pytest.mark.parametrize("target", TARGETS)
LAYER_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
SPEC = {"features": {"ecr_pull": {"repositories": ["checkout-api"]}, "runtime_monitoring": {"guardduty_agent": True}}}
GOVCLOUD = Deployment("aws-us-gov", "us-gov-west-1", AWS.account)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    return compile_spec(write_spec(tmp_path_factory.mktemp("rm"), SPEC))


def agent(deployment: Deployment, region: str | None = None, account: str | None = None) -> str:
    region = region or deployment.region
    return f"arn:{deployment.partition}:ecr:{region}:{account or ACCOUNTS[region]}:repository/{REPOSITORY}"


@target_param
@pytest.mark.parametrize("region", sorted(ACCOUNTS))
def test_the_agent_image_of_each_region_comes_from_that_regions_account(compiled, target, region):
    partition = "aws-us-gov" if region.startswith("us-gov-") else "aws"
    deployment = Deployment(partition, region, AWS.account)
    r = Role(policies(compiled, target, deployment), deployment)
    assert r.allows("ecr:GetAuthorizationToken", "*")
    for action in LAYER_ACTIONS:
        assert r.allows(action, agent(deployment)), action
    other = next(name for name in sorted(ACCOUNTS) if ACCOUNTS[name] != ACCOUNTS[region])
    assert not r.allows("ecr:BatchGetImage", agent(deployment, account=ACCOUNTS[other])), other
    assert not r.allows("ecr:BatchGetImage", agent(deployment, region=other)), other


@target_param
@pytest.mark.parametrize("deployment", [AWS, GOVCLOUD], ids=lambda d: d.partition)
def test_nothing_else_in_the_guardduty_account(compiled, target, deployment):
    r = Role(policies(compiled, target, deployment), deployment)
    account = ACCOUNTS[deployment.region]
    for near in ("aws-guardduty-agent-ecs-ec2", f"{REPOSITORY}-x", f"{REPOSITORY}/x", "aws-guardduty-agent",
                 "checkout-api"):
        assert not r.allows("ecr:BatchGetImage", deployment.arn("ecr", f"repository/{near}", account=account)), near
    assert not r.allows("ecr:BatchGetImage", deployment.arn("ecr", f"repository/{REPOSITORY}"))  # own account
    for action in ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:DescribeImages", "ecr:BatchImportUpstreamImage",
                   "guardduty:SendSecurityTelemetry"):
        assert not r.allows(action, agent(deployment)), action
    assert r.allows("ecr:BatchGetImage", deployment.arn("ecr", "repository/checkout-api"))


@target_param
@pytest.mark.parametrize("deployment", [AWS_CN, Deployment("aws", "ap-southeast-6", AWS.account)],
                         ids=["china", "region-outside-the-table"])
def test_a_region_outside_the_table_stops_the_deployment(compiled, target, deployment):
    with pytest.raises(Refused, match="GuardDuty lists no aws-guardduty-agent-fargate repository for this region"):
        policies(compiled, target, deployment)


def test_off_grants_nothing_and_on_explains_the_telemetry_caveat(tmp_path):
    off = compile_spec(write_spec(tmp_path, {"features": {"runtime_monitoring": {"guardduty_agent": False}},
                                             "managed_policy": True}, "off")).role
    assert off.statements == () and off.lookups == ()
    assert "guardduty_agent: false" in to_text([off])
    on = compile_spec(write_spec(tmp_path, SPEC, "on")).role
    text = to_text([on])
    assert "guardduty:SendSecurityTelemetry" in text and "denies it" in text
    assert f"${{GuardDutyAgentAccount}}:repository/{REPOSITORY}" in text


def test_with_the_managed_policy_no_table_is_emitted(tmp_path):
    compiled = compile_spec(write_spec(tmp_path, {**SPEC, "managed_policy": True}))
    assert compiled.role.lookups == ()
    assert "Mappings" not in compiled.files[f"cloudformation/{compiled.role.id}.yaml"]
    assert "locals" not in json.loads(compiled.files[f"terraform/{compiled.role.id}/main.tf.json"])


def test_a_stackset_home_region_role_grants_each_regions_agent(tmp_path):
    spec = {**SPEC, "stackset": {"permission_model": "self_managed", "accounts": ["111122223333"],
                                 "regions": ["us-east-1", "eu-west-1", "ap-southeast-2"], "home_region": "us-east-1"}}
    compiled = compile_spec(write_spec(tmp_path, spec))
    body = next(iter(compiled.embedded.values()))
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        assert f":ecr:{region}:{ACCOUNTS[region]}:repository/{REPOSITORY}" in body, region
    assert "FindInMap" not in body


def test_accounts_are_twelve_character_strings_with_their_zeros():
    assert all(isinstance(a, str) and len(a) == 12 and a.isdigit() for a in ACCOUNTS.values())
    # Rows of the catalogue (shared/aws/EXECUTION_ROLE_FEATURES.md, section 7), read from the page separately.
    assert ACCOUNTS["me-central-1"] == "000014521398"
    assert ACCOUNTS["ap-southeast-2"] == "005257825471"
    assert ACCOUNTS["us-east-1"] == "593207742271"
    assert ACCOUNTS["us-gov-west-1"] == "383110348953"
    assert len(ACCOUNTS) >= 30


def _script():
    spec = importlib.util.spec_from_file_location("guardduty_agent_accounts_script",
                                                  ROOT / "scripts" / "guardduty_agent_accounts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_the_script_makes_of_the_saved_page():
    script = _script()
    assert script.main(["script", "--check"]) == 0
    assert script.accounts(script.SAVED_COPY.read_text()) == ACCOUNTS


def test_the_script_refuses_a_region_with_two_accounts_and_a_copy_without_rows():
    script = _script()
    uri = "{}.dkr.ecr.eu-west-1.amazonaws.com/aws-guardduty-agent-fargate"
    with pytest.raises(ValueError, match="eu-west-1 has two accounts"):
        script.accounts(uri.format("111111111111") + "\n" + uri.format("222222222222"))
    with pytest.raises(ValueError, match="no aws-guardduty-agent-fargate repository URI"):
        script.accounts("nothing here")
    assert script.accounts(uri.format("000011112222")) == {"eu-west-1": "000011112222"}


def test_the_region_rule_uses_only_functions_cloudformation_yaml_knows(compiled):
    """Fn::Contains has no YAML short form, so the rule is Fn::Or (2 to 10 conditions each) of Fn::Equals."""
    from cfnlint.decode import decode_str

    from rolec.sources.cfnyaml import parse

    text = compiled.files[f"cloudformation/{compiled.role.id}.yaml"]
    parse(text, "guardduty.yaml")  # the audit's loader refuses tags CloudFormation does not document
    template, _ = decode_str(text)
    ors = []

    def walk(node):
        if isinstance(node, dict):
            if "Fn::Or" in node:
                ors.append(len(node["Fn::Or"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template["Rules"])
    assert ors and all(2 <= n <= 10 for n in ors), ors
