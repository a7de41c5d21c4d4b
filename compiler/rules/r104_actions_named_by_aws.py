"""R104: every action is one the AWS page names for these features."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation

PAGE_ACTIONS = frozenset({
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
    "logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup",
    "ssm:GetParameters", "secretsmanager:GetSecretValue", "kms:Decrypt",
})
"""The actions /work/shared/seed names for the execution role (sts:AssumeRole is the trust policy's)."""


def check(role):
    for s in role.statements:
        extra = sorted(set(s.actions) - PAGE_ACTIONS)
        if extra:
            yield Violation(f"statement {s.sid} grants {', '.join(extra)}, which the AWS page does not name", s)


RULE = Rule(
    id="R104",
    description="only actions the AWS page names",
    source="Amazon ECS task execution IAM role (the page rolec implements): the actions each feature needs",
    blame=COMPILER_BUG,
    check=check,
)
