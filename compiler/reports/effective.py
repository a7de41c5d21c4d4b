"""Effective permissions of a deployed role, in a form two builds can be compared in.

A role's permissions are the set of (action, resource, conditions) it allows - its own
statements and those of the AWS managed policy it attaches - plus its trust conditions,
permissions boundary and, for a StackSet, where the StackSet rolls it out. Sids, statement
merging, packing and the order of anything are formatting and do not appear here.

The form is computed from the IR (`from_role`), and the build writes it next to the outputs
(targets/record.py), so `diff` compares rolec's data with rolec's data and never reads a
generated template back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..aws.iam import MANAGED_POLICY, MANAGED_POLICY_ACTIONS, MANAGED_POLICY_NAME
from ..errors import InvalidInput
from ..ir import Condition, Role

ConditionKey = tuple[tuple[str, str, tuple[str, ...]], ...]
"""Conditions as sorted (operator, key, sorted values) triples; () for none."""
Allow = tuple[str, str, ConditionKey]
"""(action, resource, conditions)."""
STACKSET = "StackSet"
ROLLOUT_KEYS = ("permission_model", "regions", "home_region", "accounts", "organizational_units", "account_filter")
"""What of a StackSet decides where the role exists (the rest - concurrency, tolerance - is how it gets there)."""
FORMAT = 1


class UnreadableRecord(InvalidInput):
    """A permissions record that is not one rolec writes."""


@dataclass(frozen=True)
class Permissions:
    role_id: str
    deployment: str
    """"" for the stand-alone role, "StackSet" for the role its StackSet rolls out."""
    trust: ConditionKey
    managed_policies: frozenset[str]
    boundary: str | None
    existing: str | None
    """The ARN (`Text.key` form) of the existing role the permissions are added to; None when rolec creates the role."""
    allows: frozenset[Allow]
    name: str | None = None
    """The fixed role name (`{region}` kept), None for a generated one."""
    path: str = "/"
    rollout: tuple[tuple[str, object], ...] = ()
    """For a StackSet: the ROLLOUT_KEYS that are set, with their values."""
    sids: dict[Allow, str] = field(default_factory=dict, compare=False, hash=False)
    """The statement (or managed policy) each triple comes from: shown to reviewers, never compared."""

    @property
    def key(self) -> tuple[str, str]:
        return self.role_id, self.deployment


def _conditions(conditions: tuple[Condition, ...]) -> ConditionKey:
    merged: dict[tuple[str, str], set[str]] = {}
    for c in conditions:
        merged.setdefault((c.operator, c.key), set()).update(v.key for v in c.values)
    return tuple(sorted((op, key, tuple(sorted(values))) for (op, key), values in merged.items()))


def from_role(role: Role) -> Permissions:
    sids = {(action, resource.key, _conditions(s.conditions)): s.sid
            for s in role.statements for action in s.actions for resource in s.resources}
    if MANAGED_POLICY in role.managed_policies:
        sids.update({(action, "*", ()): MANAGED_POLICY_NAME for action in sorted(MANAGED_POLICY_ACTIONS)})
    rollout = ()
    if role.rollout:
        values = {key: getattr(role.rollout, key) for key in ROLLOUT_KEYS}
        rollout = tuple((key, value) for key, value in values.items() if value not in (None, ()))
    return Permissions(
        role_id=role.id,
        deployment=STACKSET if role.rollout else "",
        trust=_conditions(role.trust_conditions),
        managed_policies=frozenset(p.key for p in role.managed_policies),
        boundary=role.permissions_boundary.key if role.permissions_boundary else None,
        existing=(role.existing.arn or role.existing.arn_text.key) if role.existing else None,
        allows=frozenset(sids),
        name=role.name,
        path=role.path,
        rollout=rollout,
        sids=sids,
    )


def to_json(permissions: Permissions) -> str:
    """The record the build writes: sorted, so that equal permissions give equal bytes; one allowed
    (action, resource, conditions, Sid) per line, so that a review reads it as a list."""
    head = {
        "format": FORMAT,
        "role": permissions.role_id,
        "deployment": permissions.deployment,
        "existing": permissions.existing,
        "name": permissions.name,
        "path": permissions.path,
        "trust": [list(c[:2]) + [list(c[2])] for c in permissions.trust],
        "managed_policies": sorted(permissions.managed_policies),
        "boundary": permissions.boundary,
        "rollout": {key: list(value) if isinstance(value, tuple) else value for key, value in permissions.rollout},
    }
    allows = [json.dumps([action, resource, [[op, key, list(values)] for op, key, values in conditions],
                          permissions.sids.get((action, resource, conditions), "")])
              for action, resource, conditions in sorted(permissions.allows)]
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    return "{\n" + "\n".join(lines) + '\n  "allows": [\n    ' + ",\n    ".join(allows) + "\n  ]\n}\n"


def from_json(text: str, where: str) -> Permissions:
    """Read a record written by `to_json`; `where` names it in errors."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise UnreadableRecord(f"{where}: a permissions record of another format ({data.get('format')!r}); "
                                   "rebuild it with this rolec")

        def conditions(items) -> ConditionKey:
            return tuple((op, key, tuple(values)) for op, key, values in items)

        sids = {(action, resource, conditions(c)): sid for action, resource, c, sid in data["allows"]}
        rollout = tuple((key, tuple(value) if isinstance(value, list) else value)
                        for key, value in data["rollout"].items())
        return Permissions(
            role_id=data["role"], deployment=data["deployment"], trust=conditions(data["trust"]),
            managed_policies=frozenset(data["managed_policies"]), boundary=data["boundary"],
            existing=data["existing"], allows=frozenset(sids), name=data["name"], path=data["path"],
            rollout=rollout, sids={k: v for k, v in sids.items() if v},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadableRecord(f"{where}: not a permissions record written by rolec "
                               f"({type(exc).__name__}: {exc})") from None
