"""rolec's errors: one hierarchy, each class with the exit code the CLI maps it to (in one place, cli.py).

| exit | meaning |
|---:|---|
| 0 | ok |
| 1 | findings: stale out/ in `check`, lint findings, permission changes under `diff --exit-code`, audit findings |
| 2 | invalid input or usage |
| 3 | the environment failed: I/O, a missing `terraform`, an unknown git ref |
| 70 | a bug in rolec |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, printed as `path:line:col: severity: message` (1-based, like compilers), or as
    `path: severity: message` when it concerns the path itself (line 0: no line to point at)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.path}: {self.severity}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


EXIT_OK, EXIT_FINDINGS, EXIT_INVALID, EXIT_ENVIRONMENT, EXIT_BUG = 0, 1, 2, 3, 70


class RolecError(Exception):
    """Base of every error rolec reports on purpose; anything else is a bug (exit 70)."""

    exit_code = EXIT_BUG


class InvalidInput(RolecError):
    """The input (a spec, a task definition, a role file, a command line) cannot be used as given."""

    exit_code = EXIT_INVALID


class Findings(RolecError):
    """rolec ran and found something the user must act on (lint findings, stale outputs, audit findings)."""

    exit_code = EXIT_FINDINGS


class EnvironmentFailure(RolecError):
    """Something outside rolec failed: the file system, a missing tool, git."""

    exit_code = EXIT_ENVIRONMENT


class SpecError(InvalidInput):
    """Raised with every diagnostic found in one or more specs."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(map(str, self.diagnostics)))
