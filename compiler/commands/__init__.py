"""Commands beyond build/check, one small module each; `cli.py` adds `COMMANDS` to the group."""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

import click

from .. import ui
from ..errors import SpecError
from ..build.discover import discover
from ..build.pipeline import Compiled, compile_all

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
SPECS = click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))


def compile_or_exit(inputs: tuple[Path, ...]) -> list[Compiled]:
    """Load and lower the specs (default: specs/); on bad input print every diagnostic and exit 2."""
    try:
        return compile_all(discover(list(inputs) or [Path("specs")]))
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            ui.diagnostic(str(diagnostic), diagnostic.severity)
        sys.exit(EXIT_INVALID)


COMMANDS = {module.name: f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__)
            if not module.name.startswith("_")}
"""Command name -> module defining a click command of that name; imported only when that command runs or is listed."""
