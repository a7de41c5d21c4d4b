"""R105: only rolec's own conditions (confused deputy) narrow the trust policy.

The principal is not checked here: it is one constant (`ir.TRUST_PRINCIPAL`), which no spec can change, so a
rule comparing it with a copy of itself could never fire. What the targets render for it, in every partition
(never ecs-tasks.amazonaws.com.cn), is tested on both outputs in tests/features/test_permissions.py.
"""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation

TRUST_CONDITION_KEYS = {"aws:SourceAccount", "aws:SourceArn"}


def check(role):
    extra = sorted({c.key for c in role.trust_conditions} - TRUST_CONDITION_KEYS)
    if extra:
        yield Violation(f"the trust policy is conditioned on {', '.join(extra)}; only aws:SourceAccount and "
                        "aws:SourceArn (confused deputy) are expected")


RULE = Rule(
    id="R105",
    description="trust conditioned only on aws:SourceAccount and aws:SourceArn",
    source="ECS task execution IAM role, trust relationship (Principal Service ecs-tasks.amazonaws.com), and "
           "'Cross-service confused deputy prevention': aws:SourceAccount and aws:SourceArn",
    blame=COMPILER_BUG,
    check=check,
)
