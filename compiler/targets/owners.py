"""The cross-account listing: for a role that names ECR repositories, secrets or KMS keys with a literal
account, the statement each owner adds to its resource policy (reports/owners.py), written next to the
outputs because rolec writes only the role's side of a cross-account grant."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from . import File

if TYPE_CHECKING:
    from ..ir import Role

FOLDER = "cross-account"
APPLIES_WHEN = ("each entry applies when the resource's account is not the account the role is deployed in: "
                "cross-account access needs the owner's grant as well as the role's; ${Partition} and ${AccountId} "
                "in the principal are the role's partition and account")


def path(role_id: str) -> str:
    return f"{FOLDER}/{role_id}.json"


def files(role: Role) -> list[File]:
    """The listing of the stand-alone role, only when it names resources of possibly other accounts."""
    # Imported here: a no-op build imports this module for its paths only, and the IR's modules cost it 15 ms.
    from ..reports.owners import as_data, owner_grants, role_arn

    grants = owner_grants(role)
    if role.rollout or not grants:
        return []
    text = json.dumps({"role": role.id, "principal": role_arn(role), "applies_when": APPLIES_WHEN,
                       "owners": as_data(grants)}, indent=2) + "\n"
    return [File(path(role.id), text)]
