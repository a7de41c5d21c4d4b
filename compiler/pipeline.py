"""The build: discover specs, load and lower each, render every target, lint, and hand files to the writer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import Diagnostic, SpecError
from .ir import Role
from .lower import lower
from .model import load_spec
from .targets import cloudformation, terraform
from .validate.cfnlint import FAILING_SEVERITIES, CfnLint


class LintError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(map(str, diagnostics)))


@dataclass(frozen=True)
class Compiled:
    role: Role
    spec_file: Path
    files: dict[str, str]
    """Output path relative to the out directory (POSIX form) -> file text."""


def display(path: Path) -> str:
    relative = os.path.relpath(path)
    return Path(relative if not relative.startswith("..") else path).as_posix()


def discover(inputs: list[Path]) -> list[Path]:
    """Spec files named by `inputs`: files as given, folders by their `*.yaml` files (not recursive)."""
    found: list[Path] = []
    problems = []
    for item in inputs:
        if item.is_dir():
            found.extend(sorted(p for p in item.glob("*.yaml") if p.is_file()))
        elif item.is_file() and item.suffix == ".yaml":
            found.append(item)
        else:
            problems.append(Diagnostic(display(item), 1, 1, "not a .yaml spec file or a folder of them"))
    if problems:
        raise SpecError(problems)
    return list(dict.fromkeys(found))


def output_paths(role_id: str) -> tuple[str, str]:
    return f"cloudformation/{role_id}.yaml", f"terraform/{role_id}/main.tf.json"


def compile_spec(path: Path) -> Compiled:
    role = lower(load_spec(path, display(path)))
    cfn_path, tf_path = output_paths(role.id)
    return Compiled(role, path, {cfn_path: cloudformation.render(role), tf_path: terraform.render(role)})


def compile_all(spec_files: list[Path]) -> list[Compiled]:
    """Compile every spec; report the problems of all specs together, and duplicate role ids."""
    compiled, diagnostics = [], []
    seen: dict[str, Path] = {}
    for path in spec_files:
        try:
            result = compile_spec(path)
        except SpecError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        except OSError as exc:
            diagnostics.append(Diagnostic(display(path), 1, 1, f"cannot read spec: {exc.strerror}"))
            continue
        if result.role.id in seen:
            diagnostics.append(Diagnostic(display(path), 1, 1,
                                          f"role id '{result.role.id}' is also used by {display(seen[result.role.id])}"))
            continue
        seen[result.role.id] = path
        compiled.append(result)
    if diagnostics:
        raise SpecError(diagnostics)
    return compiled


@cache
def linter() -> CfnLint:
    """One cfn-lint runner per process: building its rule set costs about half a second."""
    return CfnLint()


def lint_all(compiled: list[Compiled], out_dir: Path) -> None:
    """Lint every CloudFormation output; any error or warning fails the build."""
    lint = linter().lint
    diagnostics = []
    for item in compiled:
        cfn_path, _ = output_paths(item.role.id)
        for f in lint(item.files[cfn_path]):
            if f.severity in FAILING_SEVERITIES:
                diagnostics.append(Diagnostic(display(out_dir / cfn_path), f.line, f.col,
                                              f"{f.rule} {f.message} (cfn-lint)", f.severity))
    if diagnostics:
        raise LintError(diagnostics)


def terraform_validate_all(compiled: list[Compiled], out_dir: Path) -> list[Diagnostic]:
    """Run `terraform validate` over every module at once; errors fail the build, warnings are returned."""
    from .validate.terraform import validate_modules

    modules = {item.role.id: item.files[output_paths(item.role.id)[1]] for item in compiled}
    diagnostics = []
    for f in validate_modules(modules):
        where = display(out_dir / output_paths(f.module)[1]) if f.module else display(out_dir / "terraform")
        diagnostics.append(Diagnostic(where, f.line, f.col, f"{f.message} (terraform validate)", f.severity))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise LintError(errors)
    return diagnostics
