"""Commands beyond build/check, one small module each; `cli.py` adds `COMMANDS` to the group.

A command raises a `RolecError` (errors.py) for anything it reports; `cli.py` prints it and exits
with its code, so no command picks an exit code of its own.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import click

from ..build.discover import discover
from ..build.pipeline import Compiled, compile_all

SPECS = click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
VAR_FILES = click.option(
    "--var-file", "var_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
    help="Read Terraform var.NAME values from a variable file (.tfvars or .tfvars.json), as terraform -var-file does "
         "(repeatable; a later file wins, --set wins over both). rolec reads no variable file unless given.")
"""`infer` and `audit` read Terraform task definitions and roles alike."""


def compile_specs(inputs: tuple[Path, ...]) -> list[Compiled]:
    """Load, lower and pass the specs (default: specs/); SpecError names every problem."""
    return compile_all(discover(list(inputs) or [Path("specs")]))


COMMANDS = {module.name: f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__)
            if not module.name.startswith("_")}
"""Command name -> module defining a click command of that name; imported only when that command runs or is listed."""
