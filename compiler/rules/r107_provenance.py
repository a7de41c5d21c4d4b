"""R107: every statement traces to the spec lines and the reason that need it."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation


def check(role):
    for s in role.statements:
        if not s.sources or any(not src.reason for src in s.sources):
            yield Violation(f"statement {s.sid} does not say which spec line needs it and why", s)


RULE = Rule(
    id="R107",
    description="every statement has provenance",
    source="least privilege (IAM best practices): every permission traces to the feature that needs it",
    blame=COMPILER_BUG,
    check=check,
)
