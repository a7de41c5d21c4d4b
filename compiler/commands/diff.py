"""`rolec diff`: effective-permission changes per deployed role, as markdown for a pull request comment."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import Findings
from ..reports import baseline
from ..reports.permdiff import compare, markdown
from . import SPECS, compile_specs


class PermissionChanges(Findings):
    """`--exit-code` and the specs change what a role may do (the markdown already says what: no message)."""


@click.command()
@SPECS
@click.option("--base", "ref", metavar="REF", help="Compare with the specs as they are at this git ref, compiled by this rolec.")
@click.option("--against", "against", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Compare with the build in this folder as it is on disk.")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder whose committed state (git HEAD) is the default baseline.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are permission changes (like git diff --exit-code).")
def diff(inputs: tuple[Path, ...], ref: str | None, against: Path | None, out_dir: Path, exit_code: bool) -> None:
    """Show what the specs (default: specs/) change in effective permissions.

    By default the working tree's specs are compared with the build committed under out/
    at git HEAD (or out/ on disk outside git): the permissions record each build writes
    (out/permissions/). Only permissions count: reformatting, comments, reordering and Sid
    changes are "no permission changes".
    """
    if ref and against:
        raise click.UsageError("use either --base or --against, not both")
    compiled = compile_specs(inputs)
    new = baseline.permissions(role for item in compiled for role in item.roles)
    if ref:
        old, where = baseline.specs_in_git(list(inputs) or [Path("specs")], ref), f"the specs at `{ref}`"
    elif against:
        old, where = baseline.records_in_folder(against), f"`{against.as_posix()}/`"
    else:
        old = baseline.records_in_git(out_dir, "HEAD")
        where = f"`{out_dir.as_posix()}/` at `HEAD`"
        if old is None:
            old, where = baseline.records_in_folder(out_dir), f"`{out_dir.as_posix()}/`"
    if any(not item.is_dir() for item in inputs):
        ids = {item.role_id for item in compiled}
        old = {key: p for key, p in old.items() if key[0] in ids}
    changes = compare(old, new)
    click.echo(markdown(changes, where), nl=False)
    if changes and exit_code:
        raise PermissionChanges()
