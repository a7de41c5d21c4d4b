"""The permissions record: what each deployed role may do (reports/effective.py), written next to the
outputs so that `rolec diff` compares with a committed build without reading a template back."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from . import File

if TYPE_CHECKING:
    from ..ir import Role

FOLDER = "permissions"


def path(role_id: str, deployment: str = "") -> str:
    return f"{FOLDER}/{role_id}{'.' + deployment.lower() if deployment else ''}.json"


def files(role: Role) -> list[File]:
    # Imported here: a no-op build imports this module for its paths only, and the IR's modules cost it 15 ms.
    from ..reports.effective import from_role, to_json

    permissions = from_role(role)
    return [File(path(role.id, permissions.deployment), to_json(permissions))]


def head(text: str) -> dict:
    """The `existing` and `name` lines of a record (to_json writes one key a line), read without parsing its
    list of grants: the build's clash checks want them for every spec, and the index keeps them."""
    found = {}
    for line in text.splitlines()[1:]:
        key, _, value = line.strip().rstrip(",").partition(": ")
        if key in ('"existing"', '"name"'):
            found[json.loads(key)] = json.loads(value)
        if len(found) == 2:
            return found
    raise ValueError("a permissions record without its existing and name lines")
