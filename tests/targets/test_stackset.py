"""The `stackset:` section: what the StackSet outputs contain and mean, the home-region Condition,
`{region}` names, the TemplateBody limit, and that every StackSet output passes cfn-lint."""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.decode import decode_str
from click.testing import CliRunner

from rolec.build import pipeline
from rolec.cli import main
from rolec.build.pipeline import compile_spec, linter
from rolec.aws.regions import LONGEST_REGION, PARTITION_OF, REGIONS
from rolec.targets import stackset as stackset_target

from tests.conftest import SPECS, STACKSET_ROLE as ROLE

TRUSTING = ROLE + """trust:
  source_account: true
"""
SERVICE_MANAGED = """stackset:
  permission_model: service_managed
  organizational_units: [ou-ab12-cdef3456, r-ab12]
  accounts: [111122223333]
  account_filter: difference
  regions: [us-east-1, eu-west-1, ap-southeast-2]
  home_region: eu-west-1
  auto_deployment: true
  retain_stacks_on_account_removal: true
  max_concurrent_percentage: 25
  failure_tolerance_percentage: 10
  region_concurrency: parallel
  call_as: delegated_admin
"""
SELF_MANAGED = """stackset:
  permission_model: self_managed
  accounts: [111122223333, 444455556666]
  regions: [us-east-1, eu-west-1]
"""


def _compile(write_spec, text: str, name: str = "app"):
    return compile_spec(write_spec(text, name))


def _template(text: str) -> dict:
    parsed, errors = decode_str(str(text))
    assert not errors, errors
    return parsed


def _stackset(compiled) -> dict:
    return _template(compiled.files[f"stacksets/{compiled.role.id}.yaml"])["Resources"]["ExecutionRoleStackSet"]


def _lint_clean(text: str) -> None:
    findings = [f for f in linter().lint(text) if f.severity in ("error", "warning")]
    assert findings == []


def test_region_list_matches_botocore_and_cfn_lint():
    """compiler/aws/regions.py is a copy; these two sources say when AWS opened a region it lacks."""
    import botocore.loaders
    from cfnlint.helpers import REGIONS as CFN_LINT_REGIONS

    endpoints = botocore.loaders.Loader().load_data("endpoints")
    botocore_regions = {p["partition"]: sorted(p["regions"]) for p in endpoints["partitions"]}
    assert {k: sorted(v) for k, v in REGIONS.items()} == botocore_regions
    assert set(PARTITION_OF) == set(CFN_LINT_REGIONS)
    assert len(LONGEST_REGION) == max(map(len, PARTITION_OF))


def test_service_managed_stackset_resource(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-execution") + SERVICE_MANAGED)
    props = _stackset(compiled)["Properties"]
    assert props["PermissionModel"] == "SERVICE_MANAGED"
    assert props["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert props["CallAs"] == "DELEGATED_ADMIN"
    assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": True}
    assert props["StackInstancesGroup"] == [{
        "DeploymentTargets": {"OrganizationalUnitIds": ["ou-ab12-cdef3456", "r-ab12"], "Accounts": ["111122223333"],
                              "AccountFilterType": "DIFFERENCE"},
        "Regions": ["us-east-1", "eu-west-1", "ap-southeast-2"],
    }]
    assert props["OperationPreferences"] == {
        "RegionConcurrencyType": "PARALLEL", "RegionOrder": ["us-east-1", "eu-west-1", "ap-southeast-2"],
        "MaxConcurrentPercentage": 25, "FailureTolerancePercentage": 10,
    }
    assert props["TemplateBody"] == compiled.embedded["stacksets/app.yaml"]
    assert re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{0,127}", props["StackSetName"])


def test_self_managed_stackset_targets_accounts_only(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-{region}") + SELF_MANAGED)
    props = _stackset(compiled)["Properties"]
    assert props["PermissionModel"] == "SELF_MANAGED"
    assert "AutoDeployment" not in props and "CallAs" not in props
    assert props["StackInstancesGroup"][0]["DeploymentTargets"] == {"Accounts": ["111122223333", "444455556666"]}
    assert props["OperationPreferences"]["RegionConcurrencyType"] == "SEQUENTIAL"
    assert props["AdministrationRoleARN"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/AWSCloudFormationStackSetAdministrationRole"}
    assert props["ExecutionRoleName"] == "AWSCloudFormationStackSetExecutionRole"


def test_home_region_condition_keeps_the_role_and_outputs_in_one_region(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-execution") + SERVICE_MANAGED)
    body = _template(_stackset(compiled)["Properties"]["TemplateBody"])
    assert body["Conditions"]["InHomeRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}
    assert body["Conditions"]["OutsideHomeRegion"] == {"Fn::Not": [{"Condition": "InHomeRegion"}]}
    resources = body["Resources"]
    assert resources["ExecutionRole"]["Condition"] == "InHomeRegion"
    assert resources["NoRoleOutsideHomeRegion"] == {"Type": "AWS::CloudFormation::WaitConditionHandle",
                                                    "Condition": "OutsideHomeRegion"}
    assert {o["Condition"] for o in body["Outputs"].values()} == {"InHomeRegion"}
    # The standalone template is unchanged: no condition outside a StackSet.
    assert "Conditions" not in _template(compiled.files["cloudformation/app.yaml"])


def _arns(body: str) -> list[str]:
    return re.findall(r"arn:[^'\"]*", body)


def test_role_template_has_no_hard_coded_partition_region_or_account(write_spec):
    compiled = _compile(write_spec, TRUSTING.format(name="app-{region}") + SELF_MANAGED)
    body = compiled.embedded["stacksets/app.yaml"]
    assert not re.search(r"\d{12}", body)
    assert not any(region in body for region in PARTITION_OF)
    assert _arns(body) and all(arn.startswith("arn:${AWS::Partition}:") and ":${AWS::Region}:${AWS::AccountId}:" in arn
                               for arn in _arns(body))
    assert _template(body)["Resources"]["ExecutionRole"]["Properties"]["RoleName"] == \
        {"Fn::Sub": "app-${AWS::Region}"}


def test_with_a_home_region_the_one_role_serves_every_stackset_region(write_spec):
    """Tasks in eu-west-1 write to eu-west-1's log group with the role created in us-east-1."""
    home = SELF_MANAGED.replace("regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1]\n  home_region: us-east-1")
    body = _compile(write_spec, TRUSTING.format(name="app") + home).embedded["stacksets/app.yaml"]
    assert not re.search(r"\d{12}", body) and "${AWS::Region}:" not in body
    assert all(arn.startswith("arn:${AWS::Partition}:") and ":${AWS::AccountId}:" in arn for arn in _arns(body))
    properties = _template(body)["Resources"]["ExecutionRole"]["Properties"]
    resources = [r["Fn::Sub"] for s in properties["Policies"][0]["PolicyDocument"]["Statement"] for r in s["Resource"]]
    for region in ("us-east-1", "eu-west-1"):
        assert f"arn:${{AWS::Partition}}:logs:{region}:${{AWS::AccountId}}:log-group:/ecs/app" in resources
        assert f"arn:${{AWS::Partition}}:secretsmanager:{region}:${{AWS::AccountId}}:secret:app/db-??????" in resources
    source_arns = properties["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"]
    assert [a["Fn::Sub"] for a in source_arns] == ["arn:${AWS::Partition}:ecs:us-east-1:${AWS::AccountId}:*",
                                                  "arn:${AWS::Partition}:ecs:eu-west-1:${AWS::AccountId}:*"]
    assert not any("eu-west-1" in r for r in _arns(_compile(write_spec, TRUSTING.format(name="app"), "plain")
                                                   .files["cloudformation/plain.yaml"]))


def test_region_placeholder_renders_as_the_deploying_region_in_both_targets(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-{region}-x"))
    cfn = _template(compiled.files["cloudformation/app.yaml"])
    assert cfn["Resources"]["ExecutionRole"]["Properties"]["RoleName"] == {"Fn::Sub": "app-${AWS::Region}-x"}
    module = json.loads(compiled.files["terraform/app/main.tf.json"])
    assert module["resource"]["aws_iam_role"]["this"]["name"] == "app-${data.aws_region.current.name}-x"
    assert "aws_region" in module["data"]
    assert not any(path.startswith("stacksets/") for path in compiled.files)


def test_region_placeholder_fits_the_longest_region_exactly(write_spec, tmp_path):
    name = "a" * (64 - len(LONGEST_REGION)) + "{region}"
    assert _compile(write_spec, ROLE.format(name=name)).role.name == name
    result = CliRunner().invoke(main, ["build", str(write_spec(ROLE.format(name="a" + name), "long")),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "the role name has 65 characters; IAM allows at most 64" in result.stderr


@pytest.mark.parametrize("stackset, allowed", [
    ("home_region: us-east-1", True),        # one region creates the role
    ("", False),                             # two regions, one fixed name
])
def test_fixed_name_needs_a_home_region_with_several_regions(write_spec, tmp_path, stackset, allowed):
    text = ROLE.format(name="app-execution") + SELF_MANAGED + (f"  {stackset}\n" if stackset else "")
    result = CliRunner().invoke(main, ["build", str(write_spec(text, "app")), "--out", str(tmp_path / "out")])
    assert (result.exit_code == 0) is allowed, result.stderr
    if not allowed:
        assert "EntityAlreadyExists" in result.stderr and "role.name" in result.stderr


def test_generated_names_and_single_region_need_no_home_region(write_spec):
    unnamed = ROLE.replace("role:\n  name: {name}\n", "") + SELF_MANAGED
    body = _template(_compile(write_spec, unnamed).embedded["stacksets/app.yaml"])
    assert "RoleName" not in body["Resources"]["ExecutionRole"]["Properties"]
    one_region = ROLE.format(name="app") + SELF_MANAGED.replace("[us-east-1, eu-west-1]", "[eu-west-1]")
    assert "Conditions" not in _compile(write_spec, one_region).embedded["stacksets/app.yaml"]


def test_terraform_stackset_module(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-execution") + SERVICE_MANAGED)
    module = json.loads(compiled.files["stacksets/app.tf.json"])
    stack_set = module["resource"]["aws_cloudformation_stack_set"]["this"]
    body = compiled.embedded["stacksets/app.yaml"]
    # Terraform reads "$${" as a literal "${": unescaped, the body is the CloudFormation StackSet's.
    assert stack_set["template_body"].replace("$${", "${") == body
    assert "${" not in stack_set["template_body"].replace("$${", "")
    assert stack_set["permission_model"] == "SERVICE_MANAGED" and stack_set["call_as"] == "DELEGATED_ADMIN"
    assert stack_set["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert stack_set["auto_deployment"] == [{"enabled": True, "retain_stacks_on_account_removal": True}]
    instances = module["resource"]["aws_cloudformation_stack_set_instance"]
    assert sorted(i["region"] for i in instances.values()) == ["ap-southeast-2", "eu-west-1", "us-east-1"]
    assert all(i["deployment_targets"] == [{"organizational_unit_ids": ["ou-ab12-cdef3456", "r-ab12"],
                                            "accounts": ["111122223333"], "account_filter_type": "DIFFERENCE"}]
               for i in instances.values())
    assert not any("depends_on" in i for i in instances.values())  # parallel


def test_terraform_self_managed_instances_per_account_in_sequence(write_spec):
    compiled = _compile(write_spec, ROLE.format(name="app-{region}") + SELF_MANAGED)
    instances = json.loads(compiled.files["stacksets/app.tf.json"])["resource"]["aws_cloudformation_stack_set_instance"]
    assert instances["us_east_1"]["for_each"] == '${toset(["111122223333","444455556666"])}'
    assert instances["us_east_1"]["account_id"] == "${each.value}"
    assert "depends_on" not in instances["us_east_1"]
    stack_set = json.loads(compiled.files["stacksets/app.tf.json"])["resource"]["aws_cloudformation_stack_set"]["this"]
    assert stack_set["administration_role_arn"] == (
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}"
        ":role/AWSCloudFormationStackSetAdministrationRole")
    assert "lifecycle" not in stack_set and "call_as" not in stack_set
    assert instances["eu_west_1"]["depends_on"] == ["aws_cloudformation_stack_set_instance.us_east_1"]


@pytest.mark.parametrize("spec", sorted(p.name for p in SPECS.glob("*.yaml")))
def test_every_stackset_output_is_cfn_lint_clean(spec):
    compiled = compile_spec(SPECS / spec)
    for path, text in [*compiled.files.items(), *compiled.embedded.items()]:
        if path.endswith(".yaml"):
            _lint_clean(text)


def test_lint_findings_inside_the_template_body_fail_the_build(write_spec, tmp_path, monkeypatch):
    real = stackset_target.role_template
    monkeypatch.setattr(stackset_target, "role_template",
                        lambda role, ss: real(role, ss).replace("Type: AWS::IAM::Role", "Type: AWS::IAM::Rolle"))
    result = CliRunner().invoke(main, ["build", str(write_spec(ROLE.format(name="app-{region}") + SELF_MANAGED, "app")),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert re.search(r"out/stacksets/app\.yaml:\d+:\d+: error: TemplateBody: E3006 .*AWS::IAM::Rolle", result.stderr)
    assert not (tmp_path / "out").exists()


def test_template_body_over_51200_bytes_is_refused(write_spec, tmp_path):
    repositories = "".join(f"      - {'r' * 200}/{i:03d}\n" for i in range(190))
    text = ("version: 1\nfeatures:\n  ecr_pull:\n    repositories:\n" + repositories + SELF_MANAGED)
    result = CliRunner().invoke(main, ["build", str(write_spec(text, "app")), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.stderr
    line = 4 + 190 + 2  # the first line inside the stackset section
    assert re.fullmatch(rf"\S+/app\.yaml:{line}:3: error: stackset: the role template is [\d,]+ bytes, over the 51,200 "
                        r"bytes CloudFormation accepts as a StackSet's TemplateBody; .*\n", result.stderr)
    assert not (tmp_path / "out").exists()
    # The same role without a StackSet still builds: the limit is the StackSet's, not the role's.
    plain = text[: text.index("stackset:")]
    assert CliRunner().invoke(main, ["build", str(write_spec(plain, "plain")), "--out", str(tmp_path / "o2")]).exit_code == 0


def test_stackset_outputs_are_listed_in_the_manifest_and_removed_with_the_section(write_spec, tmp_path):
    path = write_spec(ROLE.format(name="app-{region}") + SELF_MANAGED, "app")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(path), "--out", str(out)]).exit_code == 0
    assert (out / "stacksets" / "app.yaml").is_file() and (out / "stacksets" / "app.tf.json").is_file()
    path.write_text(ROLE.format(name="app-{region}"))
    assert CliRunner().invoke(main, ["build", str(path), "--out", str(out)]).exit_code == 0
    assert not (out / "stacksets").exists()
    assert (out / "cloudformation" / "app.yaml").is_file()
    assert CliRunner().invoke(main, ["check", str(path), "--out", str(out)]).exit_code == 0
    assert pipeline.stackset_paths("app")[0] == "stacksets/app.yaml"
