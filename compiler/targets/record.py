"""The permissions record: what each deployed role may do (reports/effective.py), written next to the
outputs so that `rolec diff` compares with a committed build without reading a template back."""

from __future__ import annotations

from ..ir import Role
from ..reports.effective import from_role, to_json
from . import File

FOLDER = "permissions"


def path(role_id: str, deployment: str = "") -> str:
    return f"{FOLDER}/{role_id}{'.' + deployment.lower() if deployment else ''}.json"


def files(role: Role) -> list[File]:
    permissions = from_role(role)
    return [File(path(role.id, permissions.deployment), to_json(permissions))]
