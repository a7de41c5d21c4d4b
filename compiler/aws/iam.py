"""IAM facts rolec relies on: the policy language version, path syntax, the ECS tasks principal and
AmazonECSTaskExecutionRolePolicy (what it grants, and its statement for a role a stack does not own)."""

from __future__ import annotations

from ..text import Pseudo, Text

POLICY_VERSION = "2012-10-17"
"""The current version of the IAM policy language."""
PATH_RE = r"/(?:[\x21-\x7e]+/)?"
"""IAM's path pattern (`\u002F[\u0021-\u007E]+\u002F`, or a lone `/`): `//` is refused."""
ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
"""The ECS tasks service principal: the same literal in every partition, China included."""

MANAGED_POLICY_NAME = "AmazonECSTaskExecutionRolePolicy"
MANAGED_POLICY = Text.of("arn:", Pseudo.PARTITION, f":iam::aws:policy/service-role/{MANAGED_POLICY_NAME}")
"""AmazonECSTaskExecutionRolePolicy, in the deploying partition."""
MANAGED_POLICY_ACTIONS = frozenset({
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents",
})
"""What the managed policy grants, all on "*" (the AWS page quotes it; tests/aws check it against moto's copy)."""
MANAGED_POLICY_SID = f"{MANAGED_POLICY_NAME}Statements"
"""The Sid of the managed policy's statement where rolec writes a copy of it (a role the stack does not own)."""
