"""A role as its source file writes it: trust policy, permission policies and attachments, each
with the file:line:col it is written at, so findings land on the lines that grant them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..errors import Diagnostic, SpecError

INLINE, CUSTOMER_MANAGED, AWS_MANAGED = "inline", "customer managed", "AWS managed"


@dataclass(frozen=True, order=True)
class Where:
    """1-based line and column in a role source file."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Policy:
    name: str
    kind: str
    """INLINE, CUSTOMER_MANAGED or AWS_MANAGED."""
    where: Where
    """Where the policy, or its attachment to the role, is written."""
    document: Mapping | None = None
    """The IAM JSON; None for an AWS managed policy (looked up in the dataset) or a customer managed
    policy the source only attaches by ARN (its document is unknown)."""
    statement_where: tuple[Where, ...] = ()
    """Where each statement of `document` is written (same order)."""
    arn: str | None = None


@dataclass(frozen=True)
class SourceRole:
    name: str | None
    """The role's name (or logical id); None for a fragment that names no role (a bare policy document,
    `list-attached-role-policies` output), which joins the one role of the other sources."""
    where: Where
    trust: Mapping | None = None
    trust_where: Where | None = None
    policies: tuple[Policy, ...] = ()
    boundary: str | None = None
    arn: str | None = None
    notes: tuple[str, ...] = field(default=())
    deployed_by: str | None = None
    """The StackSet (logical id or resource address) whose template deploys this role, if any."""
    logical_id: str | None = None
    """The role's logical id in a CloudFormation template (a task definition of the template names it so)."""
    boundary_policy: Policy | None = None
    """The permissions boundary's document when the source holds it (a managed policy of the same template);
    an AWS managed boundary is looked up in the managed-policy dataset by its ARN, `boundary`."""


class RoleSourceError(SpecError):
    """A role source that cannot be read: every diagnostic found, each with its location (exit 2)."""


def error(where: Where, message: str) -> RoleSourceError:
    return RoleSourceError([Diagnostic(where.path, where.line, where.col, message)])
