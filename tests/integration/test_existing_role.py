"""`role.existing` against the emulator: rolec adds permissions to a role it does not own.

The role is created first with boto3, the way the AWS page does it (its trust policy,
tags, one customer managed policy and one inline policy of its own). Each target is
deployed on a fresh emulator; afterwards the new permissions must be there and the
role's own trust policy, tags and attachments untouched, and after `delete-stack` /
`terraform destroy` the role must be exactly as it was before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main
from rolec.build.pipeline import compile_spec
from tests.support import emulator
from tests.support.iam_eval import is_allowed

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "existing-execution-role.yaml"
ROLE = "ecsTaskExecutionRole"
ACCOUNT = emulator.ACCOUNT_ID
REGION = emulator.REGION
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
TASK_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
# The trust policy exactly as the AWS page gives it (ecs-tasks-trust-policy.json).
PAGE_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Sid": "", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
OWN_INLINE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-config/*"}]}
OWN_MANAGED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:audit"}]}

PARAMETER = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/prod/db/password"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db/credentials-AbCdEf"


def create_existing_role(endpoint: str, path: str = "/") -> dict:
    """The role as a team already has it; returns everything IAM says about it."""
    iam = emulator.client("iam", endpoint)
    iam.create_role(RoleName=ROLE, Path=path, AssumeRolePolicyDocument=json.dumps(PAGE_TRUST),
                    Description="created in the console", Tags=[{"Key": "team", "Value": "platform"}])
    iam.put_role_policy(RoleName=ROLE, PolicyName="team-inline", PolicyDocument=json.dumps(OWN_INLINE))
    policy = iam.create_policy(PolicyName="team-audit", PolicyDocument=json.dumps(OWN_MANAGED))["Policy"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=policy["Arn"])
    return snapshot(endpoint)


def snapshot(endpoint: str) -> dict:
    iam = emulator.client("iam", endpoint)
    role = iam.get_role(RoleName=ROLE)["Role"]
    return {**emulator.read_role(endpoint, ROLE), "arn": role["Arn"], "description": role.get("Description"),
            "customer_policies": sorted(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"])}


def effective_policy(endpoint: str) -> dict:
    """Every statement of every inline and attached policy of the role, as IAM stores them now."""
    iam = emulator.client("iam", endpoint)
    statements = []
    for name in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=ROLE, PolicyName=name)["PolicyDocument"]
        statements += emulator.parse_policy_document(document)["Statement"]
    for attached in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]
        body = emulator.parse_policy_document(document)["Statement"]
        statements += [body] if isinstance(body, dict) else body
    return {"Version": "2012-10-17", "Statement": statements}


def stack_policies(endpoint: str, stack: str) -> set[str]:
    resources = emulator.client("cloudformation", endpoint).describe_stack_resources(StackName=stack)["StackResources"]
    return {r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::IAM::ManagedPolicy"}


def delete_stack_and_snapshot(endpoint: str, stack: str) -> dict:
    """Delete the stack; the role as IAM then has it, without what moto fails to delete.

    moto has no delete handler for AWS::IAM::ManagedPolicy, so the stack's policy stays
    attached after delete-stack (real CloudFormation detaches and deletes it). Only that
    exact policy is discounted; anything else left behind still fails the comparison.
    """
    ours = stack_policies(endpoint, stack)
    emulator.delete_stack(endpoint, stack)
    after = snapshot(endpoint)
    return {**after, "managed_policies": [a for a in after["managed_policies"] if a not in ours],
            "customer_policies": [a for a in after["customer_policies"] if a not in ours]}


def assert_new_permissions(policy: dict) -> None:
    assert is_allowed(policy, "ssm:GetParameters", PARAMETER)
    assert is_allowed(policy, "secretsmanager:GetSecretValue", SECRET)
    assert is_allowed(policy, "ecr:GetAuthorizationToken", "*")
    assert is_allowed(policy, "logs:PutLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/app:log-stream:x")
    assert not is_allowed(policy, "ssm:GetParameters", PARAMETER.replace("password", "other"))
    assert not is_allowed(policy, "secretsmanager:GetSecretValue", SECRET.replace("credentials", "credentials-x"))
    # what the role had of its own still applies
    assert is_allowed(policy, "s3:GetObject", "arn:aws:s3:::team-config/app.json")
    assert is_allowed(policy, "sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:audit")


def assert_role_itself_untouched(before: dict, after: dict) -> None:
    for key in ("trust", "tags", "path", "description", "max_session_duration", "permissions_boundary", "arn"):
        assert after[key] == before[key], key
    assert set(before["managed_policies"]) <= set(after["managed_policies"])
    assert before["inline"] <= after["inline"]


@pytest.fixture(scope="module")
def compiled():
    return compile_spec(SPEC)


@pytest.fixture(scope="module")
def deployed(moto_endpoint, terraform_available, compiled, tmp_path_factory):
    """Each target deployed once onto its own fresh emulator account holding the existing role.

    Returns, per target, the role before, after deploy and after removal, the effective
    policy while deployed, and the outputs, so that the tests below (and the comparison of
    the two targets) look at the same deployments.
    """
    results = {}
    emulator.reset(moto_endpoint)
    before = create_existing_role(moto_endpoint)
    outputs = emulator.deploy_cloudformation(
        moto_endpoint, compiled.files["cloudformation/existing-execution-role.yaml"], "existing-role")
    results["cloudformation"] = {
        "before": before, "outputs": outputs, "after": snapshot(moto_endpoint),
        "effective": effective_policy(moto_endpoint),
        "removed": delete_stack_and_snapshot(moto_endpoint, "existing-role"),
    }

    emulator.reset(moto_endpoint)
    before = create_existing_role(moto_endpoint)
    folder = tmp_path_factory.mktemp("existing-tf")
    (folder / "existing").mkdir()
    (folder / "existing" / "main.tf.json").write_text(compiled.files["terraform/existing-execution-role/main.tf.json"])
    workspace = emulator.TerraformWorkspace(folder, moto_endpoint)
    workspace.apply()
    results["terraform"] = {
        "before": before, "outputs": workspace.outputs()["existing"], "after": snapshot(moto_endpoint),
        "effective": effective_policy(moto_endpoint), "plan_is_empty": workspace.plan_is_empty(),
        "last_plan": workspace.last_plan,
    }
    workspace.destroy()
    results["terraform"]["removed"] = snapshot(moto_endpoint)
    return results


def test_cloudformation_adds_a_managed_policy_and_leaves_the_role(deployed):
    result = deployed["cloudformation"]
    before, after = result["before"], result["after"]
    assert result["outputs"] == {"RoleArn": ROLE_ARN, "RoleName": ROLE}
    assert_role_itself_untouched(before, after)
    added = set(after["managed_policies"]) - set(before["managed_policies"])
    assert len(added) == 1 and ":iam::aws:" not in next(iter(added)), added  # one customer managed policy
    assert after["inline"] == before["inline"]
    assert_new_permissions(result["effective"])
    assert result["removed"] == before


def test_terraform_adds_inline_policy_and_attachment_and_leaves_the_role(deployed):
    result = deployed["terraform"]
    before, after = result["before"], result["after"]
    assert result["outputs"] == {"role_arn": ROLE_ARN, "role_name": ROLE}
    assert_role_itself_untouched(before, after)
    assert set(after["managed_policies"]) - set(before["managed_policies"]) == {TASK_EXECUTION_POLICY}
    assert after["inline"] > before["inline"]
    assert after["customer_policies"] == before["customer_policies"]
    assert_new_permissions(result["effective"])
    assert result["plan_is_empty"], result["last_plan"]
    assert result["removed"] == before


def test_both_targets_grant_the_existing_role_the_same(deployed):
    """Two targets, one meaning, for role.existing too: the role's effective statements (its own
    policies plus what each target added, AWS managed policy documents as moto holds them)
    normalise to the same set. CloudFormation carries a copy of AmazonECSTaskExecutionRolePolicy's
    statement where Terraform attaches the policy itself; this shows the copy matches."""
    cloudformation = emulator.normalise_policy(deployed["cloudformation"]["effective"])
    terraform = emulator.normalise_policy(deployed["terraform"]["effective"])
    assert cloudformation == terraform, {"only_cloudformation": cloudformation - terraform,
                                         "only_terraform": terraform - cloudformation}


def test_terraform_refuses_a_role_in_another_account_or_at_another_path(
        emulator_endpoint, terraform_available, tmp_path):
    """The deploy-time guards: plan stops before anything changes, naming the problem."""
    before = create_existing_role(emulator_endpoint, path="/ecs/")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "other-account.yaml").write_text(
        f"version: 1\nrole:\n  existing: arn:aws:iam::999988887777:role/ecs/{ROLE}\nmanaged_policy: true\n")
    (specs / "wrong-path.yaml").write_text(f"version: 1\nrole:\n  existing: {ROLE}\nmanaged_policy: true\n")
    for name in ("other-account", "wrong-path"):
        (tmp_path / "tf" / name).mkdir(parents=True)
        compiled = compile_spec(specs / f"{name}.yaml")
        (tmp_path / "tf" / name / "main.tf.json").write_text(compiled.files[f"terraform/{name}/main.tf.json"])
    workspace = emulator.TerraformWorkspace(tmp_path / "tf", emulator_endpoint)
    with pytest.raises(emulator.TerraformError) as failed:
        workspace.apply()
    message = " ".join(str(failed.value).split())
    assert "apply this module with a provider for account 999988887777" in message
    assert "the role named ecsTaskExecutionRole has another path; give role.existing as the role's ARN" in message
    assert snapshot(emulator_endpoint) == before


def test_cloudformation_role_arn_in_this_account_with_a_path(emulator_endpoint, tmp_path):
    """RoleArn is computed from the name and the ARN's path, and is the role's real ARN."""
    before = create_existing_role(emulator_endpoint, path="/ecs/")
    spec = tmp_path / "by-arn.yaml"
    spec.write_text(f"version: 1\nrole:\n  existing: arn:aws:iam::{ACCOUNT}:role/ecs/{ROLE}\nmanaged_policy: true\n")
    template = compile_spec(spec).files["cloudformation/by-arn.yaml"]
    outputs = emulator.deploy_cloudformation(emulator_endpoint, template, "by-arn")
    assert outputs == {"RoleArn": before["arn"], "RoleName": ROLE}
    assert is_allowed(effective_policy(emulator_endpoint), "ecr:BatchGetImage", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/x")
    assert delete_stack_and_snapshot(emulator_endpoint, "by-arn") == before


def test_both_forms_pass_terraform_validate(terraform_available, tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "by-name.yaml").write_text(SPEC.read_text())
    (specs / "by-arn.yaml").write_text(
        "version: 1\nrole:\n  existing: arn:aws-us-gov:iam::111122223333:role/ecs/payments\n"
        "features:\n  awslogs:\n    log_groups: [/ecs/payments]\n")
    result = CliRunner().invoke(main, ["build", str(specs), "--out", str(tmp_path / "out"), "--terraform-validate"])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == ""
