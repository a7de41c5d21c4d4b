"""passes/expand_regions.py: only a home-region StackSet bakes its regions in, and only where a name has a region."""

from __future__ import annotations

from dataclasses import replace

from rolec.ir import Condition, Role, Statement
from rolec.passes import expand_regions
from rolec.spec.stackset import StackSet
from rolec.text import Pseudo, Text, arn

LOGS = arn("logs", "log-group:/ecs/app")
BOUNDARY = arn("iam", "policy/b", region=False)
SOURCE_ARN = Text.of("arn:", Pseudo.PARTITION, ":ecs:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":*")


def role(home_region: str | None) -> Role:
    rollout = StackSet("self_managed", (), ("111122223333",), None, ("us-east-1", "eu-west-1"), home_region,
                       False, False, None, None, "sequential", None)
    return Role(id="app", spec_path="app.yaml", description=None, name=None, path="/", permissions_boundary=BOUNDARY,
                max_session_duration=None, tags=(), managed_policies=(),
                trust_conditions=(Condition("ArnLike", "aws:SourceArn", (SOURCE_ARN,)),),
                statements=(Statement("S", ("logs:PutLogEvents",), (LOGS, Text.of("*")), (), ()),), rollout=rollout)


def test_a_home_region_stackset_grants_each_name_in_every_region():
    expanded = expand_regions.run(role("us-east-1"))
    assert [r.key for r in expanded.statements[0].resources] == [
        "arn:${Partition}:logs:us-east-1:${AccountId}:log-group:/ecs/app",
        "arn:${Partition}:logs:eu-west-1:${AccountId}:log-group:/ecs/app",
        "*",
    ]
    assert [v.key for v in expanded.trust_conditions[0].values] == [
        "arn:${Partition}:ecs:us-east-1:${AccountId}:*", "arn:${Partition}:ecs:eu-west-1:${AccountId}:*"]
    assert expanded.permissions_boundary == BOUNDARY


def test_other_roles_pass_unchanged():
    for unchanged in (role(None), replace(role("us-east-1"), rollout=None)):
        assert expand_regions.run(unchanged) is unchanged
