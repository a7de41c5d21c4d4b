"""Audit results for people (text), tools (JSON, versioned; schema in docs/audit.md) and code scanning
(SARIF 2.1.0, findings located on the role-source lines that grant them)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import __version__
from ..iam.actions import dataset as actions_dataset
from ..iam.managed import dataset as managed_dataset
from ..roles.model import Where
from .compare import RoleAudit

JSON_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = {
    "missing": ("error", "A permission the tasks need is not granted: the task would fail to start."),
    "missing-undecided": ("error", "Whether a needed permission is granted depends on something rolec cannot see."),
    "excess": ("warning", "The role grants actions or resources that nothing the tasks do needs."),
    "trust": ("warning", "The trust policy lets more than ecs-tasks.amazonaws.com assume the role, or has unusual conditions."),
    "unknown-policy": ("warning", "An attached policy whose document rolec cannot see."),
    "note": ("note", "Something rolec cannot check; it does not change the exit code."),
}


@dataclass(frozen=True)
class Unpaired:
    roles: tuple[str, ...]
    needs: tuple[str, ...]


def _where(where: Where | None) -> dict | None:
    return None if where is None else {"path": where.path, "line": where.line, "col": where.col}


def _summary(audit: RoleAudit) -> dict:
    new = {(n.action.lower(), n.resource) for n in audit.needs.needs}
    return {"old": {"pairs": audit.granted_pairs, "write": audit.granted_write_pairs, "on_star": audit.granted_star_pairs},
            "new": {"pairs": len(new), "write": sum(1 for n in audit.needs.needs if _writes(n.action)),
                    "on_star": sum(1 for n in audit.needs.needs if n.resource == "*")}}


def _writes(action: str) -> bool:
    found = actions_dataset().find(action)
    return bool(found and found.writes)


def to_dict(audits: list[RoleAudit], unpaired: Unpaired) -> dict:
    roles = []
    for audit in audits:
        roles.append({
            "name": audit.name,
            "source": _where(audit.source.where),
            "exact": audit.exact,
            "missing": [{"action": m.action, "resource": m.resource, "decision": m.decision, "reasons": list(m.reasons),
                         "needed_by": [{"path": o.path, "line": o.line, "col": o.col, "detail": o.detail} for o in m.origins],
                         "locations": [_where(w) for w in m.where]} for m in audit.missing],
            "excess": [{"action": e.action, "actions": list(e.actions), "resource": e.resource, "location": _where(e.where), "policy": e.policy,
                        "actions_granted": e.actions_granted, "unneeded": list(e.unneeded), "wider": list(e.wider), "risky": list(e.risky),
                        "needed": [{"action": n.action, "resource": n.resource} for n in e.needed],
                        "risk": e.risk, "risks": list(e.risks), "conditional": e.conditions} for e in audit.excess],
            "trust": [{"action": t.action, "resource": t.resource, "message": t.message, "location": _where(t.where),
                       "note": t.note} for t in audit.trust],
            "unknown_policies": [{"name": p.name, "arn": p.arn, "location": _where(p.where)} for p in audit.unknown_policies],
            "permissions": _summary(audit),
            "notes": list(audit.source.notes + audit.notes),
        })
    actions, managed = actions_dataset(), managed_dataset()
    return {"version": JSON_VERSION, "rolec": __version__,
            "datasets": {"actions": {"source": actions.source, "version": actions.version, "updated": actions.updated},
                         "managed_policies": {"source": managed.source, "version": managed.version, "updated": managed.updated}},
            "roles": roles, "unpaired": {"roles": list(unpaired.roles), "needs": list(unpaired.needs)}}


def to_json(audits: list[RoleAudit], unpaired: Unpaired) -> str:
    return json.dumps(to_dict(audits, unpaired), indent=2, sort_keys=False) + "\n"


def _few(names, limit: int = 3) -> str:
    """A few action names, without their service prefix when they share one."""
    if len({n.split(":", 1)[0] for n in names}) == 1:
        names = [n.split(":", 1)[-1] for n in names]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _risk_order(action: str) -> tuple:
    """Permissions-management actions first, then deletions, then other writes."""
    found = actions_dataset().find(action)
    return (not (found and found.manages_permissions), ":Delete" not in action, action)


def excess_line(e) -> str:
    """`secretsmanager:* on *: 23 actions incl. DeleteSecret, PutResourcePolicy …; the tasks need GetSecretValue on 1 secret`."""
    granted = f"{e.actions_granted} action{'s' if e.actions_granted != 1 else ''}" if e.actions_granted > 1 else "1 action"
    shown = e.action if len(e.actions) <= 4 else ", ".join(e.actions[:4]) + f" (+{len(e.actions) - 4} patterns)"
    text = f"{shown} on {e.resource}: {granted}"
    if e.risky:
        text += f" incl. {_few(sorted(e.risky, key=_risk_order))}"
    elif e.unneeded:
        text += f", {len(e.unneeded)} not needed ({_few(e.unneeded)})"
    if e.needed:
        actions = sorted({n.action.split(':', 1)[-1] for n in e.needed})
        resources = sorted({n.resource for n in e.needed})
        text += f"; the tasks need {', '.join(actions)} on {len(resources)} resource{'s' if len(resources) != 1 else ''}"
        if len(resources) == 1:
            text += f" ({resources[0]})"
    else:
        text += "; the tasks need none of it"
    if e.conditions:
        text += " (the statement has conditions)"
    return text


def to_text(audits: list[RoleAudit], unpaired: Unpaired) -> str:
    lines = []
    for audit in audits:
        verdict = "exact" if audit.exact else "findings"
        lines.append(f"role {audit.name} ({audit.source.where}): {verdict}")
        for m in audit.missing:
            origin = m.origins[0] if m.origins else None
            more = f" and {len(m.origins) - 1} more" if len(m.origins) > 1 else ""
            lines.append(f"  missing: {m.action} on {m.resource}" + (f" — needed by {origin}{more}" if origin else "")
                         + ("" if m.decision == "implicit deny" and not m.reasons
                            else f" [{m.decision}{': ' + '; '.join(m.reasons) if m.reasons else ''}]"))
        for e in audit.excess:
            lines.append(f"  excess {e.where}: {excess_line(e)}")
            lines.append(f"      risk {e.risk}: {'; '.join(e.risks) or 'low'}")
        for p in audit.unknown_policies:
            lines.append(f"  unknown policy {p.where}: {p.arn or p.name} is attached but its document is not known")
        for t in audit.trust:
            lines.append(f"  {'note' if t.note else 'trust'}: {t.message}" + (f" ({t.where})" if t.where else ""))
        for note in audit.source.notes + audit.notes:
            lines.append(f"  note: {note}")
        s = _summary(audit)
        lines.append(f"  permissions: old role {s['old']['pairs']} action×resource grants ({s['old']['write']} write, "
                     f"{s['old']['on_star']} on *) → rolec role {s['new']['pairs']} ({s['new']['write']} write, "
                     f"{s['new']['on_star']} on *)")
    for name in unpaired.roles:
        lines.append(f"unpaired role: {name} (no task definition or spec names it)")
    for name in unpaired.needs:
        lines.append(f"unpaired: {name} (no role in the sources matches its execution role)")
    return "\n".join(lines) + "\n"


def _sarif_location(where: Where) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": where.path},
                                 "region": {"startLine": where.line, "startColumn": where.col}}}


def to_sarif(audits: list[RoleAudit], unpaired: Unpaired) -> str:
    results = []

    def add(rule: str, message: str, where: Where, related: list[Where] = ()) -> None:
        result = {"ruleId": rule, "level": RULES[rule][0], "message": {"text": message},
                  "locations": [_sarif_location(where)]}
        if related:
            result["relatedLocations"] = [{"id": i, **_sarif_location(w)} for i, w in enumerate(related)]
        results.append(result)

    for audit in audits:
        for m in audit.missing:
            rule = "missing" if m.decision != "undecided" else "missing-undecided"
            origins = [Where(o.path, o.line, o.col) for o in m.origins]
            add(rule, f"role {audit.name} does not grant {m.action} on {m.resource} ({m.decision})",
                m.where[0] if m.where else audit.source.where, origins)
        for e in audit.excess:
            add("excess", excess_line(e), e.where)
        for p in audit.unknown_policies:
            add("unknown-policy", f"{p.arn or p.name} is attached but its document is not known", p.where)
        for t in audit.trust:
            add("note" if t.note else "trust", t.message, t.where or audit.source.where)
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "rolec", "version": __version__,
                            "rules": [{"id": rule, "shortDescription": {"text": text},
                                       "defaultConfiguration": {"level": level}} for rule, (level, text) in RULES.items()]}},
        "results": results}]}
    return json.dumps(log, indent=2) + "\n"


RENDERERS = {"text": to_text, "json": to_json, "sarif": to_sarif}
