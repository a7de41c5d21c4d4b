"""`rolec validate`: check specs without writing anything (the pre-commit hook `rolec-validate`)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import ui
from . import SPECS, compile_specs


@click.command()
@SPECS
def validate(inputs: tuple[Path, ...]) -> None:
    """Check that specs are valid (default: specs/) and write nothing; exit 2 naming every problem."""
    compiled = compile_specs(inputs)
    for item in compiled:
        ui.detail(f"{item.role.spec_path}: valid ({len(item.role.statements)} statements)")
    ui.info(f"{len(compiled)} spec{'s' if len(compiled) != 1 else ''} valid")
