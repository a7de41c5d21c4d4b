"""rolec's copy of AmazonECSTaskExecutionRolePolicy, checked against moto's bundled copy of AWS's document."""

from __future__ import annotations

import json

from rolec.aws.iam import MANAGED_POLICY, MANAGED_POLICY_ACTIONS, MANAGED_POLICY_NAME, POLICY_VERSION


def moto_policy() -> dict:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)[MANAGED_POLICY_NAME]


def test_managed_policy_actions_are_awss():
    document = moto_policy()["Document"]
    assert document["Version"] == POLICY_VERSION
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*" and "Condition" not in statement
    assert set(statement["Action"]) == MANAGED_POLICY_ACTIONS


def test_managed_policy_arn_is_awss():
    assert MANAGED_POLICY.key == f"arn:${{Partition}}:iam::aws:policy{moto_policy()['Path']}{MANAGED_POLICY_NAME}"
