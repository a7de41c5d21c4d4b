"""`rolec schema`: the JSON Schema of spec format v1, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import ui
from ..spec.v1 import spec_json_schema


def schema_text() -> str:
    return json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n"


@click.command()
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the schema to this file (only when it changed) instead of printing it.")
def schema(out_file: Path | None) -> None:
    """Print the JSON Schema of spec format v1 (generated from the schema rolec validates with)."""
    text = schema_text()
    if out_file is None:
        click.echo(text, nl=False)
        return
    if out_file.is_file() and out_file.read_text(encoding="utf-8") == text:
        ui.info(f"{out_file} is up to date")
        return
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text, encoding="utf-8")
    ui.info(f"wrote {out_file}")
