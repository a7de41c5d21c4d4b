"""Send container logs to CloudWatch Logs with the awslogs log driver."""

from __future__ import annotations

from ..ir import Grant
from ..spec.names import log_group
from ..spec.types import Bool, Field, List, Obj, Str
from ..text import Text
from . import Context, Feature

KEY = "features.awslogs"

SCHEMA = Obj(
    "a mapping with log_groups and optionally create_group",
    {
        "log_groups": Field(List(Str("a log group name or ARN", convert=log_group), max_items=200), required=True,
                            doc="Log groups named in the task definition's awslogs-group option."),
        "create_group": Field(Bool(), default=False,
                              doc="true when the task definition sets awslogs-create-group: the agent creates the group."),
    },
)

WRITE_REASON = "the awslogs log driver creates a log stream in this group and puts the container's log events into it"
CREATE_REASON = "awslogs-create-group makes the ECS agent create this log group when it does not exist yet"


def group_and_streams(group: Text) -> tuple[Text, Text]:
    """The group's ARN and its streams' ARNs: exactly this group, never one whose name merely starts the same."""
    return group, Text.of(*group.parts, ":log-stream:*")


def grants(block: dict, ctx: Context):
    groups = block["log_groups"]
    resources = tuple(arn for group in groups for arn in group_and_streams(group))
    yield Grant("Awslogs", "Write", ("logs:CreateLogStream", "logs:PutLogEvents"), resources,
                tuple(ctx.source(f"{KEY}.log_groups[{i}]", WRITE_REASON) for i in range(len(groups))))
    if block["create_group"]:
        # Same ARNs as the write grant: CloudWatch Logs has authorised CreateLogGroup against both
        # `log-group:NAME` and `log-group:NAME:log-stream:` (empty stream); either form stays inside NAME.
        yield Grant("Awslogs", "CreateGroup", ("logs:CreateLogGroup",), resources,
                    (ctx.source(f"{KEY}.create_group", CREATE_REASON),))


FEATURE = Feature(
    name="awslogs",
    sid="Awslogs",
    order=20,
    summary="Send container logs to CloudWatch Logs with the awslogs log driver.",
    schema=SCHEMA,
    grants=grants,
)
