"""`rolec validate`: check specs without writing anything (the pre-commit hook `rolec-validate`).

A spec that links task definitions (`task_definitions:`) is checked against them as the build checks it
(`build.pipeline.link_errors`): a need it does not grant fails (exit 1), a grant none needs is a warning (an
error with --strict), a task definition that cannot be read or resolved is invalid input (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import ui
from ..build.pipeline import link_errors
from ..errors import LintError
from . import SPECS, compile_specs


@click.command()
@click.option("--strict", is_flag=True, help="Fail when a spec grants something none of its linked task definitions needs.")
@SPECS
def validate(inputs: tuple[Path, ...], strict: bool) -> None:
    """Check that specs are valid and still cover their linked task definitions (default: specs/); write nothing."""
    compiled = compile_specs(inputs)
    errors = [d for item in compiled for d in link_errors(item, strict)]
    for item in compiled:
        for diagnostic in item.link.diagnostics(strict) if item.link is not None else ():
            if diagnostic.severity != "error":
                ui.diagnostic(str(diagnostic), diagnostic.severity)
    if errors:
        raise LintError(errors)
    for item in compiled:
        ui.detail(f"{item.role.spec_path}: valid ({len(item.role.statements)} statements)")
    ui.info(f"{len(compiled)} spec{'s' if len(compiled) != 1 else ''} valid")
