"""Task definitions as the source of truth: read them (every format in `formats/`), map what they need from
the execution role onto spec features (`needs.py`), and write the spec (`spec.py`).

The audit engineer codes against `Origin`, `Inferred` and `infer`; keep their shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EXIT_OK, RolecError


@dataclass(frozen=True)
class Origin:
    """Where a need comes from."""

    path: str
    line: int
    col: int
    container: str | None
    field: str
    """e.g. "secrets[0].valueFrom"."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where} container {self.container} ({self.field})" if self.container else f"{where} ({self.field})"


@dataclass(frozen=True)
class Inferred:
    document: dict
    """The spec as data (version 1, features ...), valid v1."""
    origins: dict[str, Origin]
    """Spec key path as the IR's Source.key writes it, e.g. "features.secrets.secrets_manager[0]"."""
    execution_role: str | None
    """executionRoleArn as written/resolved, None when absent."""
    warnings: list
    """Diagnostics (severity "warning")."""
    role_id: str = "role"
    sources: tuple[str, ...] = ()
    unused_bindings: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    """Where the tasks can run (requiresCompatibilities, or what their network mode allows); () when unknown."""

    def yaml(self) -> str:
        from .spec import render

        return render(self)


class NothingNeeded(RolecError):
    """The task definitions need nothing from an execution role: rolec writes no spec (exit 0)."""

    exit_code = EXIT_OK

    def __init__(self, message: str, warnings: list):
        self.warnings = warnings
        super().__init__(message)


def infer(paths: list[str], bindings: dict[str, str], role_id: str | None = None, variables: dict | None = None) -> Inferred:
    """The spec for the execution role these task definitions share. `variables` are Terraform `var.NAME` values
    read from variable files (`sources.terraform.read_var_files`).

    Raises errors.SpecError with located diagnostics on bad or unresolved input (and when the
    task definitions name different execution roles), NothingNeeded when no role is needed."""
    from .spec import infer_all

    inferred = infer_all(paths, bindings, role_id, split=False, variables=variables)
    return inferred[0]


def infer_each(paths: list[str], bindings: dict[str, str], variables: dict | None = None) -> list[Inferred]:
    """One spec per execution role (role id: each group's family), for `rolec infer -o FOLDER`."""
    from .spec import infer_all

    return infer_all(paths, bindings, None, split=True, variables=variables)


__all__ = ["Origin", "Inferred", "NothingNeeded", "infer", "infer_each"]
