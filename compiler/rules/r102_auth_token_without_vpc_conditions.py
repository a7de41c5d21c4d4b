"""R102: ecr:GetAuthorizationToken never carries aws:SourceVpc or aws:SourceVpce."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation, condition_keys

FORBIDDEN = {"aws:sourcevpc", "aws:sourcevpce"}


def check(role):
    for s in role.statements:
        if "ecr:GetAuthorizationToken" in s.actions and condition_keys(s) & FORBIDDEN:
            yield Violation(f"statement {s.sid} puts ecr:GetAuthorizationToken under "
                            f"{', '.join(sorted(c.key for c in s.conditions))}; Fargate makes that call through its "
                            "own network interface, so the condition would deny every image pull", s)


RULE = Rule(
    id="R102",
    description="ecr:GetAuthorizationToken without VPC endpoint conditions",
    source="ECS task execution IAM role, 'Fargate tasks pulling Amazon ECR images over interface endpoints': "
           "do not add aws:SourceVpc or aws:SourceVpce to ecr:GetAuthorizationToken",
    blame=COMPILER_BUG,
    check=check,
)
