"""R101: `Resource: "*"` only for ecr:GetAuthorizationToken; only the AWS managed policy is attached."""

from __future__ import annotations

from ..aws.iam import MANAGED_POLICY
from . import COMPILER_BUG, Rule, Violation

ALLOWED_ON_EVERY_RESOURCE = frozenset({"ecr:GetAuthorizationToken"})


def check(role):
    for s in role.statements:
        if any(r.key == "*" for r in s.resources):
            others = sorted(set(s.actions) - ALLOWED_ON_EVERY_RESOURCE)
            if others:
                yield Violation(f"statement {s.sid} grants {', '.join(others)} on every resource ('*')", s)
    for arn in role.managed_policies:
        if arn != MANAGED_POLICY:
            yield Violation(f"managed policy {arn.key} is attached; only AmazonECSTaskExecutionRolePolicy "
                            "(managed_policy: true) may be")


RULE = Rule(
    id="R101",
    description="no Resource '*' except ecr:GetAuthorizationToken",
    source="ECS task execution IAM role: ecr:GetAuthorizationToken has no resource-level permissions; "
           "every other action the page names is scoped to the resource it is used on",
    blame=COMPILER_BUG,
    check=check,
)
