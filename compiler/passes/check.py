"""rolec's own invariants (compiler/rules) on what a rollout deploys, before any target renders it."""

from __future__ import annotations

from .. import rules
from ..errors import Diagnostic, LintError
from ..ir import Role


def run(role: Role) -> Role:
    findings = rules.check(role)
    if findings:
        raise LintError([Diagnostic(role.spec_path, f.line, 1, str(f)) for f in findings])
    return role
