"""The permission IR: what a role grants, each statement traced to the spec lines that need it.

`lower` fills a `Role` with the features' `Grant`s; the passes (compiler/passes) merge
them into `Statement`s, grant names in every region of a home-region StackSet, pack the
statements into policy documents and check the invariants. The resulting `Role` is what
one rollout deploys: every target, `explain` and `diff` read that value only, so they
cannot disagree about meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterator

from .text import Lookup, Pseudo, Text, with_region

if TYPE_CHECKING:
    from .spec.stackset import StackSet


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

    partition: str | None = None
    account: str | None = None
    """The partition and account of `arn`, as the spec's ARN was parsed (None for a name)."""

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
    """`statements` packed into the policies both targets render for a role rolec creates (passes/pack.py);
    empty for an existing role, whose statements go into one policy."""
    grants: tuple[Grant, ...] = field(default=())
    """What the features asked for, before passes/merge.py turns it into `statements`."""
    rollout: StackSet | None = None
    """The StackSet that deploys this form of the role; None for the stand-alone outputs."""
    anchors: tuple[tuple[str, tuple[int, int]], ...] = field(default=())
    """Spec positions (line, column) of the keys a pass or the build may blame (lower.ANCHORS)."""

    @property
    def policy_name(self) -> str:
        return f"rolec-{self.id}"

    @property
    def lookups(self) -> tuple[Lookup, ...]:
        """The per-region lookups the permissions use, in first-use order (each target declares their tables)."""
        texts = [t for s in self.statements for t in (*s.resources, *(v for c in s.conditions for v in c.values))]
        return tuple(dict.fromkeys(lookup for t in texts for lookup in t.lookups))

    def anchor(self, key: str) -> tuple[int, int]:
        return dict(self.anchors).get(key, (1, 1))

    @property
    def home_region(self) -> str | None:
        """The one region a StackSet creates the (global) role in; None when every stack instance creates it."""
        return self.rollout.home_region if self.rollout else None

    def texts(self) -> Iterator[tuple[Text, Statement | None]]:
        """Every `Text` of the role that a target writes, with the statement that holds it (None: the role's own)."""
        for s in self.statements:
            for text in s.resources:
                yield text, s
            for c in s.conditions:
                for text in c.values:
                    yield text, s
        for c in self.trust_conditions:
            for text in c.values:
                yield text, None
        yield from ((text, None) for text in self.managed_policies)
        if self.permissions_boundary:
            yield self.permissions_boundary, None
        if self.name:
            yield with_region(self.name), None

    def map_texts(self, fn: Callable[[tuple[Text, ...]], tuple[Text, ...]]) -> "Role":
        """The role with every list of permission `Text`s (resources, condition values) replaced by `fn` of it."""

        def conditions(items: tuple[Condition, ...]) -> tuple[Condition, ...]:
            return tuple(replace(c, values=fn(c.values)) for c in items)

        return replace(
            self,
            statements=tuple(replace(s, resources=fn(s.resources), conditions=conditions(s.conditions))
                             for s in self.statements),
            trust_conditions=conditions(self.trust_conditions),
        )


