"""R105: the trust policy's principal is the literal ecs-tasks.amazonaws.com, and only rolec's conditions narrow it."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation

PRINCIPAL = "ecs-tasks.amazonaws.com"
"""Spelled out here rather than imported from aws/iam.py, so that the rule checks the IR against the page."""
TRUST_CONDITION_KEYS = {"aws:SourceAccount", "aws:SourceArn"}


def check(role):
    if role.trust_principal != PRINCIPAL:
        yield Violation(f"the trust principal is {role.trust_principal!r}; ECS tasks assume the role as {PRINCIPAL!r} "
                        "in every partition (China included, never .amazonaws.com.cn)")
    extra = sorted({c.key for c in role.trust_conditions} - TRUST_CONDITION_KEYS)
    if extra:
        yield Violation(f"the trust policy is conditioned on {', '.join(extra)}; only aws:SourceAccount and "
                        "aws:SourceArn (confused deputy) are expected")


RULE = Rule(
    id="R105",
    description="trust principal is the literal ecs-tasks.amazonaws.com",
    source="ECS task execution IAM role, trust relationship: Principal Service ecs-tasks.amazonaws.com",
    blame=COMPILER_BUG,
    check=check,
)
