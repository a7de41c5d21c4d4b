"""`rolec new`: write a commented starter spec that builds as is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import ui
from ..features import catalog
from ..spec.role_id import ROLE_ID_RE
from ..errors import EXIT_ENVIRONMENT
from ..spec.starter import DEFAULT_FEATURES, starter
from ..spec.v1 import SCHEMA_ID
from . import EXIT_INVALID
from .schema import schema_text


@click.command()
@click.argument("name")
@click.option("--feature", "features", multiple=True, type=click.Choice([f.name for f in catalog()]),
              help=f"A feature to include (repeatable; default: {', '.join(DEFAULT_FEATURES)}).")
@click.option("--dir", "folder", default="specs", show_default=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder the spec is written to.")
@click.option("--schema-path", default=None,
              help="What the yaml-language-server modeline points at (default: schema/rolec-spec-v1.json next to the folder, "
                   "written there when it is missing).")
@click.option("--force", is_flag=True, help="Overwrite an existing spec.")
def new(name: str, features: tuple[str, ...], folder: Path, schema_path: str | None, force: bool) -> None:
    """Write FOLDER/NAME.yaml: a commented starter spec (NAME is the role id)."""
    if not ROLE_ID_RE.fullmatch(name):
        ui.failure(f"rolec: error: '{name}' is not a role id: expected lowercase letters, digits and - "
                   "(starting with a letter or digit, at most 64 characters)")
        sys.exit(EXIT_INVALID)
    target = folder / f"{name}.yaml"
    if target.exists() and not force:
        ui.failure(f"rolec: error: {target} already exists (use --force to overwrite it)")
        sys.exit(EXIT_INVALID)
    schema_file = folder.parent / "schema" / SCHEMA_ID  # what the default modeline (../schema/…) points at
    written = [target]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if schema_path is None and not schema_file.exists():
            schema_file.parent.mkdir(parents=True, exist_ok=True)
            schema_file.write_text(schema_text(), encoding="utf-8")
            written.append(schema_file)
        kwargs = {"schema_path": schema_path} if schema_path else {}
        target.write_text(starter(name, tuple(dict.fromkeys(features)), **kwargs), encoding="utf-8")
    except OSError as exc:
        ui.failure(f"rolec: error: cannot write {exc.filename or target}: {exc.strerror or exc}")
        sys.exit(EXIT_ENVIRONMENT)
    extra = f" and {written[1]} (the schema its modeline names, for editor completion)" if len(written) > 1 else ""
    ui.info(f"wrote {target}{extra}; next: rolec build")
