"""`rolec diff`: what a change to the specs does to effective permissions, in markdown for a PR comment.

Both sides are reduced to `effective.Permissions`, so reordering, reformatting,
comments, Sids and statement merging never show up: only what a role may do. A grant
the other side still covers (AmazonECSTaskExecutionRolePolicy's actions on `*`, for
instance) is neither a new permission nor a lost one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..iam.wildcards import glob_match
from .effective import Allow, ConditionKey, Permissions


@dataclass(frozen=True)
class RoleChange:
    role_id: str
    kind: str  # "added", "removed" or "changed"
    lines: tuple[str, ...]
    deployment: str = ""


def uncovered(allows: frozenset[Allow], other: frozenset[Allow]) -> frozenset[Allow]:
    """The triples of `allows` that `other` does not allow: not listed there, and not matched by a wildcard
    resource of the same action whose conditions are none or the same."""
    wildcards: dict[str, list[tuple[str, ConditionKey]]] = {}
    for action, resource, conditions in other:
        if "*" in resource or "?" in resource:
            wildcards.setdefault(action, []).append((resource, conditions))

    def covered(allow: Allow) -> bool:
        action, resource, conditions = allow
        return allow in other or any(
            (not held or held == conditions) and glob_match(pattern, resource)
            for pattern, held in wildcards.get(action, ()))

    return frozenset(a for a in allows if not covered(a))


def _code(text: str) -> str:
    return f"`{text}`"


def _condition(operator: str, key: str, values: tuple[str, ...]) -> str:
    return f"{_code(key)} {operator} {' or '.join(_code(v) for v in values)}"


def _when(conditions: ConditionKey) -> str:
    return " when " + " and ".join(_condition(*c) for c in conditions) if conditions else ""


def _grants(allows: frozenset, verb: str, sids: dict) -> list[str]:
    """One line per (conditions, actions) group: the resources it covers and the statements (Sids) that hold them."""
    by_resource: dict[tuple[ConditionKey, str], set[str]] = {}
    for action, resource, conditions in allows:
        by_resource.setdefault((conditions, resource), set()).add(action)
    groups: dict[tuple[ConditionKey, tuple[str, ...]], list[str]] = {}
    for (conditions, resource), actions in by_resource.items():
        groups.setdefault((conditions, tuple(sorted(actions))), []).append(resource)
    lines = []
    for (conditions, actions), resources in sorted(groups.items()):
        statements = sorted({sids[(a, r, conditions)] for a in actions for r in resources if sids.get((a, r, conditions))})
        held = f" ({', '.join(map(_code, statements))})" if statements else ""
        lines.append(f"- {verb} {', '.join(map(_code, actions))} on {', '.join(map(_code, sorted(resources)))}"
                     f"{_when(conditions)}{held}")
    return lines


def _trust_lines(old: ConditionKey, new: ConditionKey) -> list[str]:
    lines = []
    for condition in sorted(set(new) - set(old)):
        lines.append(f"- trust now requires {_condition(*condition)}")
    for condition in sorted(set(old) - set(new)):
        lines.append(f"- trust no longer requires {_condition(*condition)}")
    return lines


def compare_role(old: Permissions | None, new: Permissions | None) -> RoleChange | None:
    if old is None and new is None:
        return None
    if old is None:
        return RoleChange(new.role_id, "added", tuple(_whole(new, added=True)), new.deployment)
    if new is None:
        return RoleChange(old.role_id, "removed", tuple(_whole(old, added=False)), old.deployment)
    lines: list[str] = []
    if old.existing != new.existing:
        before = f"existing role {_code(old.existing)}" if old.existing else "a role rolec creates"
        after = f"existing role {_code(new.existing)}" if new.existing else "a role rolec creates"
        lines.append(f"- the permissions now go to {after} (was {before})")
    lines += _trust_lines(old.trust, new.trust)
    lines += [f"- attaches managed policy {_code(p)}" for p in sorted(new.managed_policies - old.managed_policies)]
    lines += [f"- detaches managed policy {_code(p)}" for p in sorted(old.managed_policies - new.managed_policies)]
    if old.boundary != new.boundary:
        before = _code(old.boundary) if old.boundary else "none"
        after = _code(new.boundary) if new.boundary else "none"
        lines.append(f"- permissions boundary: {before} → {after}")
    lines += _rollout_lines(dict(old.rollout), dict(new.rollout))
    lines += _replacement_lines(old, new)
    lines += _grants(uncovered(new.allows, old.allows), "**allows**", new.sids)
    lines += _grants(uncovered(old.allows, new.allows), "**no longer allows**", old.sids)
    return RoleChange(new.role_id, "changed", tuple(lines), new.deployment) if lines else None


ROLLOUT_WORDS = {"regions": "regions", "accounts": "accounts", "organizational_units": "organizational units"}


def _rollout_lines(old: dict, new: dict) -> list[str]:
    """Where a StackSet creates the role: regions, accounts and OUs gained or lost, other settings changed."""
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in ROLLOUT_WORDS:
            gained = [v for v in after or () if v not in (before or ())]
            lost = [v for v in before or () if v not in (after or ())]
            if gained:
                lines.append(f"- the StackSet now also deploys to {ROLLOUT_WORDS[key]} {', '.join(map(_code, gained))}")
            if lost:
                lines.append(f"- the StackSet no longer deploys to {ROLLOUT_WORDS[key]} {', '.join(map(_code, lost))}")
        else:
            lines.append(f"- StackSet {key}: {_code(before) if before else 'none'} → {_code(after) if after else 'none'}")
    return lines


def replacement(old: Permissions, new: Permissions) -> str | None:
    """What a change replaces, if anything: IAM cannot rename a role or move it to another path, so a role
    with a fixed name is replaced."""
    if old.existing or new.existing or not old.name or (old.name, old.path) == (new.name, new.path):
        return None
    after = _code(f"{new.path}{new.name}") if new.name else f"a generated name at {_code(new.path)}"
    return (f"the role {_code(f'{old.path}{old.name}')} with {after}: IAM cannot change a role's name "
            "or path, so the role is deleted and created again with a new ARN (CloudFormation refuses this while the "
            "name stays the same)")


def _replacement_lines(old: Permissions, new: Permissions) -> list[str]:
    replaced = replacement(old, new)
    return [f"- **replaces** {replaced}"] if replaced else []


def _whole(p: Permissions, added: bool) -> list[str]:
    """Everything a role that appeared grants, or everything a role that is gone no longer grants."""
    if not added:
        lines = [f"- detaches managed policy {_code(m)}" for m in sorted(p.managed_policies)]
        return lines + _grants(p.allows, "**no longer allows**", p.sids)
    lines = [f"- adds permissions to existing role {_code(p.existing)}"] if p.existing else []
    lines += _trust_lines((), p.trust)
    lines += _rollout_lines({}, dict(p.rollout))
    lines += [f"- attaches managed policy {_code(m)}" for m in sorted(p.managed_policies)]
    if p.boundary:
        lines.append(f"- permissions boundary {_code(p.boundary)}")
    return lines + _grants(p.allows, "**allows**", p.sids)


def compare(old: dict[tuple[str, str], Permissions], new: dict[tuple[str, str], Permissions]) -> list[RoleChange]:
    changes = [compare_role(old.get(key), new.get(key)) for key in sorted(set(old) | set(new))]
    return [c for c in changes if c is not None]


def markdown(changes: list[RoleChange], baseline: str) -> str:
    if not changes:
        return f"rolec diff: no permission changes (compared with {baseline})\n"
    count = len(changes)
    lines = [f"### rolec diff: {count} role{'s' if count != 1 else ''} with permission changes", "",
             f"Compared with {baseline}.", ""]
    for change in changes:
        suffix = {"added": " (new role)", "removed": " (role removed)"}.get(change.kind, "")
        rollout = f" ({change.deployment})" if change.deployment else ""
        lines.append(f"#### `{change.role_id}`{rollout}{suffix}")
        lines.append("")
        lines.extend(change.lines)
        lines.append("")
    lines.append("`rolec explain` says which spec line and rule each statement (Sid) comes from.")
    return "\n".join(lines) + "\n"
