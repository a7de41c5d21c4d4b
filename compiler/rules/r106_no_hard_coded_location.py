"""R106: an ARN built from a name takes partition, region and account from the deployment.

A resource the spec gave as a name is built with pseudo parameters; an ARN the spec
gave is kept literally (no pseudo parameters at all). A mix - a pseudo parameter next
to a literal partition, region or 12-digit account - means a name was resolved with a
hard-coded location. The one exception is the deployment context: the role a
home-region StackSet deploys grants each name in every StackSet region, so those
regions are baked in on purpose (passes/expand_regions.py).
"""

from __future__ import annotations

from ..text import Pseudo, Text
from . import COMPILER_BUG, Rule, Violation

_MARK = {p: f"<{p.name}>" for p in Pseudo}
_GLOBAL_SERVICES = {"iam"}
_GLOBAL_ACCOUNTS = {"", "aws"}
"""IAM ARNs have no region; AWS managed policies live in the account named `aws`."""


def problem(text: Text, baked_regions: tuple[str, ...] = ()) -> str | None:
    if not text.pseudos or not text.key.startswith("arn:"):
        return None
    fields = text.render(_MARK.get).split(":", 5)
    if len(fields) < 6:
        return "it is not an ARN"
    _, partition, service, region, account, _ = fields
    if partition != _MARK[Pseudo.PARTITION]:
        return "its partition is not the deploying partition"
    if service in _GLOBAL_SERVICES:
        if region or (account != _MARK[Pseudo.ACCOUNT] and account not in _GLOBAL_ACCOUNTS):
            return "its account is neither the deploying account nor 'aws'"
        return None
    if (region != _MARK[Pseudo.REGION] and region not in baked_regions) or account != _MARK[Pseudo.ACCOUNT]:
        return "its region and account are not the deployment's"
    return None


def check(role):
    baked = role.rollout.regions if role.home_region else ()
    for text, statement in role.texts():
        why = problem(text, baked)
        if why:
            where = f"statement {statement.sid}" if statement else "the role"
            yield Violation(f"{text.key} in {where}: {why}", statement)


RULE = Rule(
    id="R106",
    description="no hard-coded partition, region or account for a name",
    source="ARN format (partition, region, account): a name deploys in any partition, region and account, "
           "China and GovCloud included",
    blame=COMPILER_BUG,
    check=check,
)
