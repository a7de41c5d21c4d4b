"""Commands beyond build/check, one small module each; `cli.py` adds `COMMANDS` to the group."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import ui
from ..errors import SpecError
from ..pipeline import Compiled, compile_all, discover

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


COMMANDS = {name: f"{__name__}.{name}" for name in ("audit", "diff", "explain", "new", "schema", "validate")}
"""Command name -> module defining a click command of that name; imported only when that command runs or is listed."""
