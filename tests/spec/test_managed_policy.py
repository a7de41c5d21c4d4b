"""rolec's facts about AmazonECSTaskExecutionRolePolicy against IAM's published policy (moto's copy of IAM's data)."""

from __future__ import annotations

import json

from moto.iam.aws_managed_policies import aws_managed_policies_data

from rolec.spec.names import MANAGED_POLICY, MANAGED_POLICY_ACTIONS

NAME = "AmazonECSTaskExecutionRolePolicy"


def _published() -> dict:
    return json.loads(aws_managed_policies_data)[NAME]


def test_managed_policy_actions_are_what_iam_publishes_on_every_resource():
    statements = _published()["Document"]["Statement"]
    assert [(s["Effect"], s["Resource"]) for s in statements] == [("Allow", "*")]
    assert set(statements[0]["Action"]) == MANAGED_POLICY_ACTIONS


def test_managed_policy_arn_has_the_published_path_and_name():
    assert MANAGED_POLICY.key.endswith(f":iam::aws:policy{_published()['Path']}{NAME}")
