"""`rolec explain`: each statement with the feature, spec line and rule that require it."""

from __future__ import annotations

from pathlib import Path

import click

from ..reports import explain as explanation
from . import SPECS, compile_specs


@click.command()
@SPECS
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
def explain(inputs: tuple[Path, ...], fmt: str) -> None:
    """Say why each permission of each role exists (default: every spec in specs/)."""
    compiled = compile_specs(inputs)
    roles = [item.role for item in compiled]
    rollouts = {item.role_id: item.roles[1] for item in compiled if len(item.roles) > 1}
    click.echo(explanation.to_json(roles, rollouts) if fmt == "json" else explanation.to_text(roles, rollouts), nl=False)
