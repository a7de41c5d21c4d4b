"""A role whose statements exceed IAM's inline limit deploys in both targets with the same
permissions: its inline policy plus the customer managed policies rolec spilled into."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import compile_spec
from tests.support import emulator
from tests.support.big_specs import secret_names, secrets_spec
from tests.support.outputs import AWS, policies

pytestmark = pytest.mark.integration


def customer_managed(endpoint: str, role_name: str) -> dict[str, frozenset]:
    """Attached customer managed policies (not AWS's) by name, each in normal form."""
    iam = emulator.client("iam", endpoint)
    found = {}
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for attached in page["AttachedPolicies"]:
            if ":iam::aws:policy/" in attached["PolicyArn"]:
                continue
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            found[attached["PolicyName"]] = emulator.normalise_policy(
                emulator.parse_policy_document(version["PolicyVersion"]["Document"]))
    return found


def test_spilled_role_deploys_identically_in_both_targets(emulator_endpoint, terraform_available, tmp_path):
    spec = tmp_path / "many-secrets.yaml"
    spec.write_text(secrets_spec(secret_names(400)))
    compiled = compile_spec(spec)
    managed_documents = [d for d in compiled.role.documents if d.managed]
    assert managed_documents, "the spec must exceed the inline limit"
    expected = emulator.normalise_policy(policies(compiled, "cloudformation", AWS).permissions)

    outputs = emulator.deploy_cloudformation(emulator_endpoint, compiled.files["cloudformation/many-secrets.yaml"], "spill")
    cfn_role = emulator.read_role(emulator_endpoint, outputs["RoleName"])
    cfn_managed = customer_managed(emulator_endpoint, outputs["RoleName"])

    module = tmp_path / "tf" / "many_secrets"
    module.mkdir(parents=True)
    (module / "main.tf.json").write_text(compiled.files["terraform/many-secrets/main.tf.json"])
    workspace = emulator.TerraformWorkspace(tmp_path / "tf", emulator_endpoint)
    workspace.apply()
    tf_name = workspace.outputs()["many_secrets"]["role_name"]
    tf_role = emulator.read_role(emulator_endpoint, tf_name)
    tf_managed = customer_managed(emulator_endpoint, tf_name)

    assert len(cfn_managed) == len(tf_managed) == len(managed_documents)
    for role, managed in ((cfn_role, cfn_managed), (tf_role, tf_managed)):
        deployed = frozenset(role["inline"]).union(*managed.values())
        assert deployed == expected
    assert cfn_role["inline"] == tf_role["inline"]
    assert sorted(cfn_managed.values(), key=sorted) == sorted(tf_managed.values(), key=sorted)
    assert workspace.plan_is_empty(), workspace.last_plan
    workspace.destroy()
