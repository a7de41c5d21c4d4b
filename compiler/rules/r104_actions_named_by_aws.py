"""R104: every action is one the AWS pages name for these features."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation

PAGE_ACTIONS = frozenset({
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
    "logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup",
    "ssm:GetParameters", "secretsmanager:GetSecretValue", "kms:Decrypt",
})
"""The actions the seed page names for the execution role (sts:AssumeRole is the trust policy's)."""
NEWER_PAGE_ACTIONS = frozenset({
    "s3:GetObject", "s3:GetBucketLocation",
    "ecr:BatchImportUpstreamImage", "ecr:CreateRepository",
})
"""Added by the newest pages: S3 files ("Amazon S3 file storage permissions" on the execution role page) and
ECR pull through cache ("IAM permissions required to sync an upstream registry", ECR User Guide)."""
ALLOWED_ACTIONS = PAGE_ACTIONS | NEWER_PAGE_ACTIONS


def check(role):
    for s in role.statements:
        extra = sorted(set(s.actions) - ALLOWED_ACTIONS)
        if extra:
            yield Violation(f"statement {s.sid} grants {', '.join(extra)}, which the AWS page does not name", s)


RULE = Rule(
    id="R104",
    description="only actions the AWS pages name",
    source="Amazon ECS task execution IAM role (the page rolec implements) and the pages it links for S3 files and "
           "pull through cache: the actions each feature needs",
    blame=COMPILER_BUG,
    check=check,
)
