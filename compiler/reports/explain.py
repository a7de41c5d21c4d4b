"""`rolec explain`: why each statement of a role exists, read from the permission IR's provenance.

Nothing here re-parses the outputs: every line comes from `ir.Statement.sources`,
`ir.Role.notes` and the role-level sources, which the features and `lower` fill in.
"""

from __future__ import annotations

import json

from ..features import catalog
from ..ir import TRUST_PRINCIPAL, Condition, Role, Source
from . import owners


def _condition(c: Condition) -> dict:
    return {"operator": c.operator, "key": c.key, "values": [v.key for v in c.values]}


def _sources(role: Role, sources: tuple[Source, ...]) -> list[dict]:
    return [{"feature": s.feature, "key": s.key, "file": role.spec_path, "line": s.line, "reason": s.reason}
            for s in sources]


def explain(role: Role) -> dict:
    """The role as data: trust, managed policies, statements with their sources, and features that grant nothing."""
    granting = {s.feature for statement in role.statements for s in statement.sources}
    features = {f.name for f in catalog()}
    silent = list(dict.fromkeys(n.feature for n in role.notes if n.feature in features and n.feature not in granting))
    existing = role.existing
    return {
        "id": role.id,
        "spec": role.spec_path,
        "existing": {"name": existing.name, "path": existing.path, "arn": existing.arn} if existing else None,
        "trust": None if existing else {
            "principal": TRUST_PRINCIPAL,
            "action": "sts:AssumeRole",
            "conditions": [_condition(c) for c in role.trust_conditions],
            "sources": _sources(role, role.trust_sources),
        },
        "managed_policies": [{"arn": p.key, "sources": _sources(role, role.managed_policy_sources)}
                             for p in role.managed_policies],
        "statements": [
            {
                "sid": s.sid,
                "actions": list(s.actions),
                "resources": [r.key for r in s.resources],
                "conditions": [_condition(c) for c in s.conditions],
                "sources": _sources(role, s.sources),
            }
            for s in role.statements
        ],
        "grants_nothing": silent,
        "notes": [{"feature": n.feature, "key": n.key, "line": n.line, "message": n.message} for n in role.notes],
        "account_checks": [{"account": c.account, "message": c.message, "sources": _sources(role, (c.source,))}
                           for c in role.account_checks],
        "owner_policies": owners.as_data(owners.owner_grants(role)),
    }


def to_json(roles: list[Role]) -> str:
    return json.dumps({"roles": [explain(r) for r in roles]}, indent=2) + "\n"


def _conditions_text(conditions: list[dict]) -> list[str]:
    return [f"{c['operator']} {c['key']} = {', '.join(c['values'])}" for c in conditions]


def _why(lines: list[str], sources: list[dict]) -> None:
    """Group sources by feature and reason: one sentence, then every spec line that asked for it."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for s in sources:
        groups.setdefault((s["feature"], s["reason"]), []).append(s)
    for (feature, reason), members in groups.items():
        lines.append(f"    why ({feature}): {reason}.")
        for s in members:
            lines.append(f"      {s['file']}:{s['line']}  {s['key']}")


def to_text(roles: list[Role]) -> str:
    lines: list[str] = []
    for role in roles:
        data = explain(role)
        if lines:
            lines.append("")
        lines.append(f"{role.id} ({role.spec_path})")
        trust, existing = data["trust"], data["existing"]
        if existing:
            lines.append(f"  existing role: {existing['arn'] or existing['name']} (rolec adds permissions to it; "
                         "its trust policy and other settings stay as they are)")
        else:
            lines.append(f"  trust: {trust['principal']} may call {trust['action']}")
            for text in _conditions_text(trust["conditions"]):
                lines.append(f"    condition: {text}")
            _why(lines, trust["sources"])
        for managed in data["managed_policies"]:
            lines.append(f"  managed policy: {managed['arn']}")
            _why(lines, managed["sources"])
        for statement in data["statements"]:
            lines.append(f"  {statement['sid']}")
            lines.append(f"    actions:   {', '.join(statement['actions'])}")
            lines.append(f"    resources: {statement['resources'][0]}")
            lines.extend(f"               {r}" for r in statement["resources"][1:])
            for text in _conditions_text(statement["conditions"]):
                lines.append(f"    condition: {text}")
            _why(lines, statement["sources"])
        for feature in data["grants_nothing"]:
            lines.append(f"  {feature}: grants nothing of its own")
        for note in data["notes"]:
            lines.append(f"  note ({note['feature']}): {note['message']}.")
            lines.append(f"      {role.spec_path}:{note['line']}  {note['key']}")
        for check in data["account_checks"]:
            lines.append(f"  deploys only in account {check['account']}: {check['message']}.")
            lines.extend(f"      {s['file']}:{s['line']}  {s['key']}" for s in check["sources"])
        for owner in data["owner_policies"]:
            lines.append(f"  owner of {owner['resource']} (account {owner['account']}) must add to its "
                         f"{owner['policy']}, unless the role is deployed in that account:")
            lines.append(f"    {json.dumps(owner['statement'])}")
            if owner["note"]:
                lines.append(f"    note: {owner['note']}.")
    return "\n".join(lines) + "\n"
