"""`rolec diff`: effective-permission changes per role, as markdown for a pull request comment."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..reports import baseline
from .. import ui
from ..reports.effective import UnreadableOutput, from_role
from ..errors import SpecError
from ..reports.permdiff import compare, markdown
from . import EXIT_FAILED, EXIT_INVALID, SPECS, compile_or_exit


@click.command()
@SPECS
@click.option("--base", "ref", metavar="REF", help="Compare with the specs as they are at this git ref, compiled by this rolec.")
@click.option("--against", "against", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Compare with the outputs in this folder as they are on disk.")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder whose committed state (git HEAD) is the default baseline.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are permission changes (like git diff --exit-code).")
def diff(inputs: tuple[Path, ...], ref: str | None, against: Path | None, out_dir: Path, exit_code: bool) -> None:
    """Show what the specs (default: specs/) change in effective permissions.

    By default the working tree's specs are compared with the outputs committed under
    out/ at git HEAD (or out/ on disk outside git). Only permissions count: reformatting,
    comments, reordering and Sid changes are "no permission changes".
    """
    if ref and against:
        raise click.UsageError("use either --base or --against, not both")
    new = {item.role.id: from_role(item.role) for item in compile_or_exit(inputs)}
    try:
        if ref:
            old, where = baseline.specs_in_git(list(inputs) or [Path("specs")], ref), f"the specs at `{ref}`"
        elif against:
            old, where = baseline.outputs_in_folder(against), f"`{against.as_posix()}/`"
        else:
            old = baseline.outputs_in_git(out_dir, "HEAD")
            where = f"`{out_dir.as_posix()}/` at `HEAD`"
            if old is None:
                old, where = baseline.outputs_in_folder(out_dir), f"`{out_dir.as_posix()}/`"
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            ui.diagnostic(str(diagnostic), diagnostic.severity)
        sys.exit(EXIT_INVALID)
    except (baseline.BaselineError, UnreadableOutput, OSError) as exc:
        ui.failure(f"rolec: error: {exc}")
        sys.exit(EXIT_FAILED)
    if any(not item.is_dir() for item in inputs):
        old = {role_id: p for role_id, p in old.items() if role_id in new}
    changes = compare(old, new)
    click.echo(markdown(changes, where), nl=False)
    if changes and exit_code:
        sys.exit(EXIT_FAILED)
