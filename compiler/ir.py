"""The permission IR: what a role grants, each statement traced to the spec lines that need it.

Features emit `Grant`s; `merge` turns them into the policy's `Statement`s (same
actions and conditions share one statement), with stable Sids and order. Both
targets render from this IR only, so they cannot disagree about meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import Lookup, Pseudo, Text


@dataclass(frozen=True)
class Source:
    """Why a permission exists: the feature, the spec key and line that asked for it, and the rule."""

    feature: str
    key: str
    line: int
    reason: str


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str
    values: tuple[Text, ...]


@dataclass(frozen=True)
class Grant:
    """One feature's need, before merging. `purpose` names it within the feature (Sid suffix)."""

    feature_sid: str
    purpose: str
    actions: tuple[str, ...]
    resources: tuple[Text, ...]
    sources: tuple[Source, ...]
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[Text, ...]
    conditions: tuple[Condition, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Note:
    """A feature, or part of one, that grants nothing of its own, and why."""

    feature: str
    key: str
    line: int
    message: str


@dataclass(frozen=True)
class AccountCheck:
    """The deployment must be in `account`, checked before anything changes (a CloudFormation Rule, a
    Terraform precondition): for a resource ECS reads only in the task's own account."""

    account: str
    message: str
    source: Source


@dataclass(frozen=True)
class ExistingRole:
    """A role that exists already (`role.existing`): rolec adds permissions to it but never creates,
    changes or deletes the role itself. IAM looks roles up by name; `arn` is the ARN the spec gave,
    if any, whose partition and account the outputs check at deploy time."""

    name: str
    path: str
    arn: str | None = None

    @property
    def partition(self) -> str | None:
        return self.arn.split(":")[1] if self.arn else None

    @property
    def account(self) -> str | None:
        return self.arn.split(":")[4] if self.arn else None

    @property
    def arn_text(self) -> Text:
        """The role's ARN in the deploying partition and account (equal to `arn` once that is checked)."""
        return Text.of("arn:", Pseudo.PARTITION, ":iam::", Pseudo.ACCOUNT, f":role{self.path}{self.name}")


@dataclass(frozen=True)
class PolicyDocument:
    """One permissions policy of the role: inline, or a customer managed policy attached to it
    (when the statements outgrow IAM's inline limit; see limits.py)."""

    name: str
    managed: bool
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Role:
    id: str
    spec_path: str
    description: str | None
    name: str | None
    path: str
    permissions_boundary: Text | None
    max_session_duration: int | None
    tags: tuple[tuple[str, str], ...]
    trust_conditions: tuple[Condition, ...]
    managed_policies: tuple[Text, ...]
    statements: tuple[Statement, ...]
    notes: tuple[Note, ...] = field(default=())
    existing: ExistingRole | None = None
    """Set when the spec adds permissions to a role that exists already (then name, path,
    permissions_boundary, max_session_duration, tags and trust_conditions are unused)."""
    trust_sources: tuple[Source, ...] = field(default=())
    """Why the trust policy carries `trust_conditions` (empty when it has none)."""
    managed_policy_sources: tuple[Source, ...] = field(default=())
    """Where `managed_policies` were asked for, and why."""
    account_checks: tuple[AccountCheck, ...] = field(default=())
    """Accounts the deployment must be in, and why (each target refuses to deploy elsewhere)."""
    documents: tuple[PolicyDocument, ...] = field(default=())
    """`statements` packed into the policies both targets render for a role rolec creates (limits.pack);
    empty for an existing role, whose statements go into one policy (limits.check_existing)."""

    @property
    def policy_name(self) -> str:
        return f"rolec-{self.id}"

    @property
    def lookups(self) -> tuple[Lookup, ...]:
        """The per-region lookups the permissions use, in first-use order (each target declares their tables)."""
        texts = [t for s in self.statements for t in (*s.resources, *(v for c in s.conditions for v in c.values))]
        return tuple(dict.fromkeys(lookup for t in texts for lookup in t.lookups))


TRUST_PRINCIPAL = "ecs-tasks.amazonaws.com"
"""The ECS tasks service principal: the same literal in every partition, China included."""


def merge(grants: list[Grant]) -> tuple[Statement, ...]:
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
