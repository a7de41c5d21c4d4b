"""Diagnostics that point at a place in a spec file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, printed as `path:line:col: severity: message` (1-based, like compilers)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


class SpecError(Exception):
    """Raised with every diagnostic found in one or more specs."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(map(str, self.diagnostics)))
