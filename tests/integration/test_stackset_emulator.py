"""StackSets in the emulator: a compiled role rolled out to 2 accounts x 2 regions.

moto creates a real stack per account and region for each stack instance (IAM global per
account, CloudFormation per region), evaluates Conditions with the instance's own region,
and reports a role-name collision as EntityAlreadyExists. The StackSet resource's properties
are replayed as the CreateStackSet / CreateStackInstances calls CloudFormation makes for it
(moto has no AWS::CloudFormation::StackSet resource type).

Shown here: (a) with home_region, exactly one role per account, self- and service-managed;
(b) with a {region} name, one role per account and region; (c) the template the compiler
refuses (fixed name, two regions, no home_region) does fail with EntityAlreadyExists.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from cfnlint.decode import decode_str

from rolec.spec import stackset as stackset_model
from rolec.build.pipeline import compile_spec
from rolec.errors import SpecError
from tests.conftest import STACKSET_ROLE
from tests.support import emulator

REGIONS = ("us-east-1", "eu-west-1")
ROLE = STACKSET_ROLE + """stackset:
  permission_model: {model}
  {targets}
  regions: [us-east-1, eu-west-1]
{extra}"""


@pytest.fixture(scope="module")
def endpoint(moto_endpoint):
    """One emptied emulator for the module: every test uses its own accounts and StackSet name, because
    each reset and each account's first IAM call (managed policies load) cost seconds."""
    emulator.reset(moto_endpoint)
    return moto_endpoint


def _spec(name: str, accounts: tuple[str, ...] = (), model: str = "self_managed", targets: str = "",
          extra: str = "") -> str:
    targets = targets or f"accounts: [{', '.join(accounts)}]"
    return ROLE.format(name=name, model=model, targets=targets, extra=extra)


def _session(endpoint: str, account: str) -> dict:
    """Credentials that moto routes to `account` (any role ARN in it can be assumed)."""
    sts = emulator.client("sts", endpoint)
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/rolec-test", RoleSessionName="rolec-test")
    c = credentials["Credentials"]
    return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"]}


def _client(endpoint: str, service: str, account: str, region: str = "us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=endpoint, **_session(endpoint, account))


def _stackset_properties(compiled) -> dict:
    parsed, errors = decode_str(compiled.files[f"stacksets/{compiled.role.id}.yaml"])
    assert not errors
    return parsed["Resources"]["ExecutionRoleStackSet"]["Properties"]


def deploy_stackset(endpoint: str, compiled) -> None:
    """What CloudFormation does for the StackSet resource: create the set, then its instances."""
    props = _stackset_properties(compiled)
    cfn = emulator.client("cloudformation", endpoint)
    cfn.create_stack_set(StackSetName=props["StackSetName"], TemplateBody=str(props["TemplateBody"]),
                         Description=props["Description"], Capabilities=list(props["Capabilities"]),
                         PermissionModel=props["PermissionModel"])
    for group in props["StackInstancesGroup"]:
        targets = dict(group["DeploymentTargets"])
        placement = ({"Accounts": list(targets["Accounts"])} if props["PermissionModel"] == "SELF_MANAGED"
                     else {"DeploymentTargets": {k: list(v) if isinstance(v, list) else v for k, v in targets.items()}})
        preferences = {k: (list(v) if isinstance(v, list) else v) for k, v in props["OperationPreferences"].items()}
        cfn.create_stack_instances(StackSetName=props["StackSetName"], Regions=list(group["Regions"]),
                                   OperationPreferences=preferences, **placement)


def roles(endpoint: str, account: str) -> list[str]:
    return sorted(r["RoleName"] for r in _client(endpoint, "iam", account).list_roles()["Roles"])


def instance_stacks(endpoint: str, compiled) -> dict[tuple[str, str], dict]:
    """The stack behind each stack instance, by (account, region), with its status, resources and outputs.

    Self-managed only: moto keeps service-managed instance stacks out of the regional stack list.
    """
    cfn = emulator.client("cloudformation", endpoint)
    name = _stackset_properties(compiled)["StackSetName"]
    stacks = {}
    for summary in cfn.list_stack_instances(StackSetName=name)["Summaries"]:
        account, region = summary["Account"], summary["Region"]
        client = _client(endpoint, "cloudformation", account, region)
        [stack] = client.describe_stacks()["Stacks"]  # the instance's stack is the only one there
        resources = client.describe_stack_resources(StackName=stack["StackId"])["StackResources"]
        stacks[(account, region)] = {
            "status": stack["StackStatus"],
            # moto lists a resource whose Condition is false (and the WaitConditionHandle, which it
            # does not model) without a type; only the created ones carry ResourceType.
            "resources": sorted(r["ResourceType"] for r in resources if "ResourceType" in r),
            "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        }
    return stacks


def _role_policy(endpoint: str, account: str, name: str) -> dict:
    iam = _client(endpoint, "iam", account)
    [policy_name] = iam.list_role_policies(RoleName=name)["PolicyNames"]
    return emulator.parse_policy_document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])


def test_a_home_region_gives_exactly_one_role_per_account(endpoint, write_spec):
    accounts = ("111111111111", "222222222222")
    compiled = compile_spec(write_spec(_spec("app-execution", accounts, extra="  home_region: eu-west-1\n"), "home"))
    deploy_stackset(endpoint, compiled)

    stacks = instance_stacks(endpoint, compiled)
    assert sorted(stacks) == sorted((a, r) for a in accounts for r in REGIONS)
    for account in accounts:
        assert roles(endpoint, account) == ["app-execution"]
        home, elsewhere = stacks[(account, "eu-west-1")], stacks[(account, "us-east-1")]
        assert home["status"] == elsewhere["status"] == "CREATE_COMPLETE"
        assert home["resources"] == ["AWS::IAM::Role"]
        assert home["outputs"]["RoleArn"] == f"arn:aws:iam::{account}:role/app-execution"
        assert elsewhere["resources"] == []
        assert elsewhere["outputs"] == {}
        # Names resolved in the deploying account and home region: nothing was hard-coded.
        resources = {r for s in _role_policy(endpoint, account, "app-execution")["Statement"]
                     for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}
        for region in REGIONS:  # the one role serves the tasks of both regions
            assert f"arn:aws:logs:{region}:{account}:log-group:/ecs/app" in resources
            assert f"arn:aws:secretsmanager:{region}:{account}:secret:app/db-??????" in resources


def test_a_service_managed_home_region_gives_one_role_per_account_of_the_ou(endpoint, write_spec):
    org = emulator.client("organizations", endpoint)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    members = []
    for name in ("one", "two"):
        status = org.create_account(AccountName=name, Email=f"{name}@example.invalid")["CreateAccountStatus"]
        org.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=ou)
        members.append(status["AccountId"])
    spec = _spec("app-execution", model="service_managed", targets=f"organizational_units: [{ou}]",
                 extra="  home_region: us-east-1\n  auto_deployment: true\n")
    compiled = compile_spec(write_spec(spec, "org"))
    deploy_stackset(endpoint, compiled)

    summaries = emulator.client("cloudformation", endpoint).list_stack_instances(
        StackSetName=_stackset_properties(compiled)["StackSetName"])["Summaries"]
    assert sorted((i["Account"], i["Region"]) for i in summaries) == sorted((a, r) for a in members for r in REGIONS)
    for account in members:  # moto's create_account adds OrganizationAccountAccessRole, as AWS does
        assert roles(endpoint, account) == ["OrganizationAccountAccessRole", "app-execution"]


def test_b_a_region_placeholder_gives_one_role_per_account_and_region(endpoint, write_spec):
    accounts = ("333333333333", "444444444444")
    compiled = compile_spec(write_spec(_spec("app-{region}", accounts), "regional"))
    deploy_stackset(endpoint, compiled)

    stacks = instance_stacks(endpoint, compiled)
    for account in accounts:
        assert roles(endpoint, account) == ["app-eu-west-1", "app-us-east-1"]
        for region in REGIONS:
            assert stacks[(account, region)]["outputs"]["RoleName"] == f"app-{region}"
            statements = _role_policy(endpoint, account, f"app-{region}")["Statement"]
            assert any(f"arn:aws:logs:{region}:{account}:log-group:/ecs/app" in s["Resource"] for s in statements)


def test_c_the_refused_template_really_fails_with_entity_already_exists(endpoint, write_spec, monkeypatch):
    accounts = ("555555555555", "666666666666")
    path = write_spec(_spec("app-execution", accounts), "forced")
    with pytest.raises(SpecError, match="collides when the StackSet deploys to 2 regions"):
        compile_spec(path)

    monkeypatch.setattr(stackset_model, "check_with_role", lambda document, checker: None)  # force it through
    forced = compile_spec(path)
    assert "Conditions" not in _stackset_properties(forced)["TemplateBody"]
    with pytest.raises(ClientError) as failure:
        deploy_stackset(endpoint, forced)
    assert failure.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert "Role with name app-execution already exists" in failure.value.response["Error"]["Message"]
    # The first region created the role in each account; the second region's instance collided with it.
    assert roles(endpoint, accounts[0]) == ["app-execution"]
