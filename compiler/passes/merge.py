"""Merge the features' grants into statements: equal actions and conditions share one statement."""

from __future__ import annotations

from dataclasses import replace

from ..ir import Condition, Grant, Role, Statement


def run(role: Role) -> Role:
    return replace(role, statements=merge(role.grants))


def merge(grants: tuple[Grant, ...]) -> tuple[Statement, ...]:
    """Merge grants with equal actions and conditions, keeping first-seen order.

    The Sid joins the contributing features' prefixes with the first grant's purpose,
    so it names who needs the statement and stays stable while resources change.
    """
    groups: dict[tuple, list[Grant]] = {}
    for grant in grants:
        key = (tuple(sorted(set(grant.actions))), _condition_key(grant.conditions))
        groups.setdefault(key, []).append(grant)
    statements = []
    used: dict[str, int] = {}
    for (actions, _), members in groups.items():
        prefixes = list(dict.fromkeys(g.feature_sid for g in members))
        sid = "".join(prefixes) + members[0].purpose
        used[sid] = used.get(sid, 0) + 1
        if used[sid] > 1:
            sid = f"{sid}{used[sid]}"
        resources = {r.key: r for g in members for r in g.resources}
        sources = tuple(dict.fromkeys(s for g in members for s in g.sources))
        statements.append(Statement(
            sid=sid,
            actions=actions,
            resources=tuple(resources[k] for k in sorted(resources)),
            conditions=_normal_conditions(members[0].conditions),
            sources=sources,
        ))
    return tuple(statements)


def _normal_conditions(conditions: tuple[Condition, ...]) -> tuple[Condition, ...]:
    normal = []
    for c in conditions:
        values = {v.key: v for v in c.values}
        normal.append(Condition(c.operator, c.key, tuple(values[k] for k in sorted(values))))
    return tuple(sorted(normal, key=lambda c: (c.operator, c.key)))


def _condition_key(conditions: tuple[Condition, ...]) -> tuple:
    return tuple((c.operator, c.key, tuple(v.key for v in c.values)) for c in _normal_conditions(conditions))
