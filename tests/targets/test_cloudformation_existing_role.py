"""Finding 26: CloudFormation cannot check the path of an existing role given by name; it says so."""

from __future__ import annotations

from cfnlint.decode import decode_str

from rolec.build.pipeline import compile_spec


def outputs(write_spec, existing: str):
    compiled = compile_spec(write_spec(f"version: 1\nrole: {{existing: '{existing}'}}\nmanaged_policy: true\n", "app"))
    template, _ = decode_str(compiled.files["cloudformation/app.yaml"])
    return template["Outputs"], compiled.role.notes


def test_finding_26_role_arn_of_an_existing_role_given_by_name_says_what_it_assumes(write_spec):
    described, notes = outputs(write_spec, "ecsTaskExecutionRole")
    assert "if it is at path /" in described["RoleArn"]["Description"]
    assert any("CloudFormation cannot" in n.message and n.key == "role.existing" for n in notes)


def test_an_existing_role_given_by_arn_needs_no_caveat(write_spec):
    described, notes = outputs(write_spec, "arn:aws:iam::123456789012:role/ecs/ecsTaskExecutionRole")
    assert described["RoleArn"]["Description"] == "ARN of the execution role (taskDefinition executionRoleArn)"
    assert not any(n.key == "role.existing" for n in notes)
