"""rolec's own invariants, checked on the permission IR before any target renders it.

In the style of cfn-lint: one rule per module, discovered by walking this package.
A module defines `RULE = Rule(...)` with an id (R1xx), a short description, the AWS
rule it enforces (`source`), who is to blame when it fires, and a check from an
`ir.Role` to violation messages. A spec that passed the schema should never trip a
rule, so a violation is reported as a compiler bug unless the rule says the spec is
unsafe; either way nothing is written.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Callable, Iterable

from ..ir import Role, Statement

COMPILER_BUG = "compiler bug"
UNSAFE_SPEC = "unsafe spec"


@dataclass(frozen=True)
class Violation:
    """One broken invariant; `statement` points at the spec lines that asked for it, if any."""

    message: str
    statement: Statement | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    source: str
    """The AWS rule (page, section) the invariant enforces."""
    blame: str
    check: Callable[[Role], Iterable[Violation]]


@dataclass(frozen=True)
class Finding:
    rule: Rule
    violation: Violation

    @property
    def line(self) -> int:
        statement = self.violation.statement
        return min((s.line for s in statement.sources), default=1) if statement else 1

    def __str__(self) -> str:
        hint = ("this is a bug in rolec, please report it" if self.rule.blame == COMPILER_BUG
                else "the spec asks for something unsafe")
        return f"{self.rule.id} {self.rule.description}: {self.violation.message} ({self.rule.blame}: {hint})"


@cache
def rules() -> tuple[Rule, ...]:
    found = [importlib.import_module(f"{__name__}.{m.name}").RULE for m in pkgutil.iter_modules(__path__)]
    return tuple(sorted(found, key=lambda r: r.id))


def check(role: Role) -> list[Finding]:
    return [Finding(rule, v) for rule in rules() for v in rule.check(role)]


def condition_keys(statement: Statement) -> set[str]:
    """Condition keys are case-insensitive in IAM."""
    return {c.key.lower() for c in statement.conditions}
