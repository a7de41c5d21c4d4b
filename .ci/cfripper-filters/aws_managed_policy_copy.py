"""cfripper's own suppression mechanism (a rule filter; cfripper reads no template Metadata).

Exactly one finding is allowed: WildcardResourceRule on the statement Sid
AmazonECSTaskExecutionRolePolicyStatements of the ExecutionPolicy that rolec writes for
`role.existing` with `managed_policy: true`. The spec asked for AmazonECSTaskExecutionRolePolicy,
which grants these six actions on "*"; CloudFormation cannot attach an AWS managed policy to a role
it does not own, so the template carries the managed policy's statement as the AWS page quotes it.
"""

from cfripper.config.filter import Filter
from cfripper.model.enums import RuleMode

aws_managed_policy_copy = Filter(
    reason="copy of AmazonECSTaskExecutionRolePolicy for an existing role (managed_policy: true)",
    rule_mode=RuleMode.ALLOWED,
    rules={"WildcardResourceRule"},
    eval={"and": [
        {"eq": [{"ref": "logical_id"}, "ExecutionPolicy"]},
        {"eq": [{"ref": "statement.Sid"}, "AmazonECSTaskExecutionRolePolicyStatements"]},
    ]},
)

FILTERS = [aws_managed_policy_copy]
