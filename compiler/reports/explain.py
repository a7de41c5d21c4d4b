"""`rolec explain`: why each statement of a role exists, read from the permission IR's provenance.

Nothing here re-parses the outputs: every line comes from `ir.Statement.sources`,
`ir.Role.notes` and the role-level sources, which the features and `lower` fill in. A spec
with a StackSet also shows the role the StackSet deploys (with `home_region`, each name
granted in every StackSet region), as the invariants and the targets see it.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Mapping

from ..aws.iam import ECS_TASKS_PRINCIPAL
from ..features import catalog
from ..ir import Condition, Role, Source, Statement
from . import owners


def _condition(c: Condition) -> dict:
    return {"operator": c.operator, "key": c.key, "values": [v.key for v in c.values]}


def _sources(role: Role, sources: tuple[Source, ...]) -> list[dict]:
    return [{"feature": s.feature, "key": s.key, "file": role.spec_path, "line": s.line, "reason": s.reason}
            for s in sources]


def _statements(role: Role, statements: tuple[Statement, ...]) -> list[dict]:
    return [
        {
            "sid": s.sid,
            "actions": list(s.actions),
            "resources": [r.key for r in s.resources],
            "conditions": [_condition(c) for c in s.conditions],
            "sources": _sources(role, s.sources),
        }
        for s in statements
    ]


def _rollout(deployed: Role | None) -> dict | None:
    """Where a StackSet creates the role, and the statements of the role it creates."""
    if deployed is None:
        return None
    rollout = deployed.rollout
    return {
        "permission_model": rollout.permission_model,
        "regions": list(rollout.regions),
        "home_region": rollout.home_region,
        "accounts": list(rollout.accounts),
        "organizational_units": list(rollout.organizational_units),
        "statements": _statements(deployed, deployed.statements),
    }


def explain(role: Role, rollout: Role | None = None) -> dict:
    """The role as data: trust, managed policies, statements with their sources, and features that grant nothing;
    `rollout` is the role its StackSet deploys, if any."""
    granting = {s.feature for statement in role.statements for s in statement.sources}
    features = {f.name for f in catalog()}
    silent = list(dict.fromkeys(n.feature for n in role.notes if n.feature in features and n.feature not in granting))
    existing = role.existing
    return {
        "id": role.id,
        "spec": role.spec_path,
        "existing": {"name": existing.name, "path": existing.path, "arn": existing.arn} if existing else None,
        "trust": None if existing else {
            "principal": ECS_TASKS_PRINCIPAL,
            "action": "sts:AssumeRole",
            "conditions": [_condition(c) for c in role.trust_conditions],
            "sources": _sources(role, role.trust_sources),
        },
        "managed_policies": [{"arn": p.key, "sources": _sources(role, role.managed_policy_sources)}
                             for p in role.managed_policies],
        "statements": _statements(role, role.statements),
        "grants_nothing": silent,
        "notes": [{"feature": n.feature, "key": n.key, "line": n.line, "message": n.message} for n in role.notes],
        "stackset": _rollout(rollout),
        "account_checks": [{"account": c.account, "message": c.message, "sources": _sources(role, (c.source,))}
                           for c in role.account_checks],
        "owner_policies": owners.as_data(owners.owner_grants(role)),
    }


Rollouts = Mapping[str, Role]
"""The role each spec's StackSet deploys, by role id."""


def to_json(roles: list[Role], rollouts: Rollouts = MappingProxyType({})) -> str:
    return json.dumps({"roles": [explain(r, rollouts.get(r.id)) for r in roles]}, indent=2) + "\n"


def _conditions_text(conditions: list[dict]) -> list[str]:
    return [f"{c['operator']} {c['key']} = {', '.join(c['values'])}" for c in conditions]


def _why(lines: list[str], sources: list[dict], indent: str = "  ") -> None:
    """Group sources by feature and reason: one sentence, then every spec line that asked for it."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for s in sources:
        groups.setdefault((s["feature"], s["reason"]), []).append(s)
    for (feature, reason), members in groups.items():
        lines.append(f"{indent}  why ({feature}): {reason}.")
        for s in members:
            lines.append(f"{indent}    {s['file']}:{s['line']}  {s['key']}")


def _statement_lines(lines: list[str], statements: list[dict], indent: str = "  ") -> None:
    for statement in statements:
        lines.append(f"{indent}{statement['sid']}")
        lines.append(f"{indent}  actions:   {', '.join(statement['actions'])}")
        lines.append(f"{indent}  resources: {statement['resources'][0]}")
        lines.extend(f"{indent}             {r}" for r in statement["resources"][1:])
        for text in _conditions_text(statement["conditions"]):
            lines.append(f"{indent}  condition: {text}")
        _why(lines, statement["sources"], indent)


def to_text(roles: list[Role], rollouts: Rollouts = MappingProxyType({})) -> str:
    lines: list[str] = []
    for role in roles:
        data = explain(role, rollouts.get(role.id))
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
        _statement_lines(lines, data["statements"])
        for feature in data["grants_nothing"]:
            lines.append(f"  {feature}: grants nothing of its own")
        for note in data["notes"]:
            lines.append(f"  note ({note['feature']}): {note['message']}.")
            lines.append(f"      {role.spec_path}:{note['line']}  {note['key']}")
        rollout = data["stackset"]
        if rollout and rollout["home_region"]:
            lines.append(f"  StackSet: the role is created in {rollout['home_region']} only and serves every StackSet "
                         f"region ({', '.join(rollout['regions'])}), so it deploys these statements:")
            _statement_lines(lines, rollout["statements"], "    ")
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
