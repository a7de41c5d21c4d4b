"""End-to-end proof that the emulator harness works for both targets.

Deploys hand-written samples in the shape the compiler emits - a CloudFormation
template and a Terraform JSON module for the same ECS task execution role - and
checks that the roles read back from moto are equivalent.
"""

import shutil
from pathlib import Path

import pytest

from tests.support import emulator

SAMPLES = Path(__file__).parent / "samples"
ACCOUNT = emulator.ACCOUNT_ID
TASK_EXECUTION_POLICY = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
)

# What the samples grant, with pseudo parameters resolved the way moto does
# (partition aws, region us-east-1, moto's default account). Written without
# Sids and with scalars/lists swapped on purpose: only the meaning must match.
EXPECTED_TRUST = {
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
        "Action": ["sts:AssumeRole"],
        "Condition": {
            "StringEquals": {"aws:SourceAccount": [ACCOUNT]},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:*"},
        },
    }
}
EXPECTED_INLINE = {
    "Statement": [
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]},
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db-??????",
        },
        {
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*",
            "Condition": {
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/payments"}
            },
        },
    ]
}


def _deploy_cfn_sample(endpoint: str) -> dict:
    template = (SAMPLES / "execution_role.cfn.yaml").read_text()
    outputs = emulator.deploy_cloudformation(endpoint, template, "rolec-smoke")
    assert outputs["RoleArn"].endswith("/ecs/" + outputs["RoleName"])
    return emulator.read_role(endpoint, outputs["RoleName"])


def test_cloudformation_sample_deploys_and_reads_back(emulator_endpoint):
    role = _deploy_cfn_sample(emulator_endpoint)

    assert role["trust"] == emulator.normalise_policy(EXPECTED_TRUST)
    assert role["inline"] == emulator.normalise_policy(EXPECTED_INLINE)
    assert role["path"] == "/ecs/"
    assert role["tags"] == {"team": "payments"}
    assert role["max_session_duration"] == 7200
    assert role["permissions_boundary"] is None

    emulator.delete_stack(emulator_endpoint, "rolec-smoke")
    assert emulator.client("iam", emulator_endpoint).list_roles()["Roles"] == []


def test_terraform_sample_matches_cloudformation(
    emulator_endpoint, terraform_available, tmp_path
):
    cfn_role = _deploy_cfn_sample(emulator_endpoint)
    (tmp_path / "role").mkdir()
    shutil.copy(SAMPLES / "execution_role.tf.json", tmp_path / "role" / "main.tf.json")
    workspace = emulator.TerraformWorkspace(tmp_path, emulator_endpoint)

    workspace.validate()
    workspace.apply()
    outputs = workspace.outputs()["role"]
    tf_role = emulator.read_role(emulator_endpoint, outputs["role_name"])

    # moto ignores AWS::IAM::Role ManagedPolicyArns, so the attachment can only
    # be checked on the Terraform side.
    assert tf_role["managed_policies"] == [TASK_EXECUTION_POLICY]
    assert cfn_role["managed_policies"] in ([], [TASK_EXECUTION_POLICY])
    for key in ("trust", "inline", "path", "tags", "max_session_duration",
                "permissions_boundary"):
        assert tf_role[key] == cfn_role[key], key

    assert workspace.plan_is_empty(), workspace.last_plan

    workspace.destroy()
    remaining = emulator.client("iam", emulator_endpoint).list_roles()["Roles"]
    assert outputs["role_name"] not in {r["RoleName"] for r in remaining}


@pytest.mark.parametrize(
    "document",
    [
        # JSON string, URL-encoded JSON (IAM's wire form), and Python repr
        # (what moto returns for inline policies created by CloudFormation).
        '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}',
        "%7B%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22"
        "%3A%20%22s3%3AGetObject%22%2C%20%22Resource%22%3A%20%22%2A%22%7D%5D%7D",
        "{'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}",
    ],
)
def test_parse_policy_document_accepts_every_form_moto_returns(document):
    assert emulator.parse_policy_document(document) == {
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
    }
