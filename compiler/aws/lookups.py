"""The values rolec looks up per deploying region (`text.Lookup`), by name: the targets render them (CloudFormation
Mappings, Terraform a local map) and the readers of rolec's own outputs recognise them there."""

from __future__ import annotations

from ..text import Lookup
from .guardduty_agent_accounts import ACCOUNTS, REPOSITORY, RETRIEVED, SOURCES

GUARDDUTY_AGENT_ACCOUNT = Lookup(
    "GuardDutyAgentAccount", tuple(sorted(ACCOUNTS.items())),
    f"runtime_monitoring: GuardDuty lists no {REPOSITORY} repository for this region in rolec's table "
    f"(retrieved {RETRIEVED} from {SOURCES[0]}); deploy in a region the table lists, or refresh the table "
    "(make guardduty-accounts) if GuardDuty has added this region since",
)
"""The account hosting the GuardDuty agent image for Fargate in the deploying region (runtime_monitoring)."""

LOOKUPS: dict[str, Lookup] = {lookup.name: lookup for lookup in (GUARDDUTY_AGENT_ACCOUNT,)}
