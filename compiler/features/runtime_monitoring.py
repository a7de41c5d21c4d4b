"""Let ECS pull the GuardDuty agent sidecar that Runtime Monitoring adds to every Fargate task.

No task-definition field asks for it: when GuardDuty Runtime Monitoring manages the agent for a cluster,
ECS adds a sidecar pulled from an AWS-owned repository in a per-region account, with the task's
execution role; a role scoped to the task's own repositories makes every task fail with
CannotPullContainerError. Sources: GuardDuty "Prerequisites for AWS Fargate (Amazon ECS only) support"
(https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-ecs-support.html) and the
repository table (aws/guardduty_agent_accounts.py names its pages and date).
"""

from __future__ import annotations

from ..aws.guardduty_agent_accounts import ACCOUNTS, REPOSITORY, RETRIEVED, SOURCES
from ..aws.lookups import GUARDDUTY_AGENT_ACCOUNT
from ..ir import Grant
from ..spec.types import Bool, Field, Obj
from ..text import Pseudo, Text
from . import Context, Feature
from .ecr_pull import LAYER_ACTIONS

KEY = "features.runtime_monitoring"
AGENT_REPOSITORY = Text.of("arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":", GUARDDUTY_AGENT_ACCOUNT,
                           f":repository/{REPOSITORY}")
"""The agent repository of the deploying region's GuardDuty account."""

SCHEMA = Obj(
    "a mapping with guardduty_agent",
    {
        "guardduty_agent": Field(Bool(), required=True,
                                 doc="true when GuardDuty Runtime Monitoring manages the agent for the Fargate tasks "
                                     "that use this role: ECS pulls the agent sidecar with the execution role."),
    },
)

AUTH_TOKEN_REASON = ("ECS pulls the GuardDuty agent sidecar from Amazon ECR, which needs ecr:GetAuthorizationToken "
                     "(no resource-level permissions)")
AGENT_REASON = ("GuardDuty Runtime Monitoring adds its agent as a sidecar to each Fargate task, pulled from the "
                f"AWS-owned {REPOSITORY} repository of the deploying region's GuardDuty account")
TELEMETRY_NOTE = ("the agent sends runtime events with guardduty:SendSecurityTelemetry, which GuardDuty documents no "
                  "Allow for; make sure no permissions boundary, SCP or policy of this role denies it")
OFF_NOTE = "guardduty_agent: false: tasks pull no GuardDuty agent, so nothing is granted"


def grants(block: dict, ctx: Context):
    key = f"{KEY}.guardduty_agent"
    if not block["guardduty_agent"]:
        yield ctx.note(key, OFF_NOTE)
        return
    yield Grant("RuntimeMonitoring", "AuthToken", ("ecr:GetAuthorizationToken",), (Text.of("*"),),
                (ctx.source(key, AUTH_TOKEN_REASON),))
    yield Grant("RuntimeMonitoring", "AgentImage", LAYER_ACTIONS, (AGENT_REPOSITORY,), (ctx.source(key, AGENT_REASON),))
    yield ctx.note(key, TELEMETRY_NOTE)


def conflicts(block: dict, document: dict):
    """A StackSet region without an agent repository would fail at deploy time: say so now."""
    stackset = document.get("stackset")
    if not block["guardduty_agent"] or not stackset:
        return
    missing = [region for region in stackset["regions"] if region not in ACCOUNTS]
    if missing:
        yield ("stackset.regions",
               f"GuardDuty lists no {REPOSITORY} repository for {', '.join(missing)} (rolec's table, retrieved "
               f"{RETRIEVED} from {SOURCES[0]}); runtime_monitoring cannot be granted there")


FEATURE = Feature(
    name="runtime_monitoring",
    sid="RuntimeMonitoring",
    order=15,
    summary="Pull the GuardDuty Runtime Monitoring agent sidecar that ECS adds to Fargate tasks.",
    schema=SCHEMA,
    grants=grants,
    conflicts=conflicts,
)
