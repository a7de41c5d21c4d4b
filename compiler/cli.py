"""The `rolec` command line: a thin click shell over the pipeline and the writer."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import SpecError
from .pipeline import LintError, compile_all, discover, lint_all, terraform_validate_all
from .validate.terraform import TerraformUnavailable
from .writer import UnsafeOutput, apply, plan

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

SPECS = click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
OUT = click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path, file_okay=False),
                   help="Folder the outputs are written to.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolec")
def main() -> None:
    """Compile ECS task execution role specs to CloudFormation and Terraform."""


TERRAFORM_VALIDATE = click.option("--terraform-validate", is_flag=True,
                                  help="Also run `terraform validate` on every Terraform module (offline, needs terraform).")


def _compile(inputs: tuple[Path, ...], out_dir: Path, terraform_validate: bool = False):
    """Everything up to the writer; exits with the right code on bad input or validation findings."""
    try:
        compiled = compile_all(discover(list(inputs) or [Path("specs")]))
        lint_all(compiled, out_dir)
        if terraform_validate:
            _report(terraform_validate_all(compiled, out_dir))
        return compiled, plan(out_dir, compiled)
    except SpecError as exc:
        _report(exc.diagnostics)
        sys.exit(EXIT_INVALID)
    except LintError as exc:
        _report(exc.diagnostics)
        click.echo("rolec: validation found problems; nothing was written", err=True)
        sys.exit(EXIT_FAILED)
    except TerraformUnavailable as exc:
        click.echo(f"rolec: error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except UnsafeOutput as exc:
        click.echo(f"rolec: error: {exc}", err=True)
        sys.exit(EXIT_FAILED)


def _report(diagnostics) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


@main.command()
@SPECS
@OUT
@TERRAFORM_VALIDATE
def build(inputs: tuple[Path, ...], out_dir: Path, terraform_validate: bool) -> None:
    """Compile specs (default: specs/) and write the outputs (default: out/)."""
    started = time.perf_counter()
    compiled, changes = _compile(inputs, out_dir, terraform_validate)
    apply(out_dir, changes)
    click.echo(f"built {len(compiled)} role{'s' if len(compiled) != 1 else ''} "
               f"({len(changes.changed)} file{'s' if len(changes.changed) != 1 else ''} changed) "
               f"in {time.perf_counter() - started:.1f} s")


@main.command()
@SPECS
@OUT
@TERRAFORM_VALIDATE
def check(inputs: tuple[Path, ...], out_dir: Path, terraform_validate: bool) -> None:
    """Exit 1 and name the stale files when the outputs do not match the specs."""
    _, changes = _compile(inputs, out_dir, terraform_validate)
    if not changes.changed:
        click.echo("out/ is up to date" if out_dir == Path("out") else f"{out_dir} is up to date")
        return
    for path in sorted(changes.write):
        state = "stale" if (out_dir / path).exists() else "missing"
        click.echo(f"{out_dir / path}: {state}", err=True)
    for path in changes.remove:
        click.echo(f"{out_dir / path}: left over from a spec that is gone", err=True)
    click.echo("rolec: outputs are out of date; run `make templates` (rolec build) and commit them", err=True)
    sys.exit(EXIT_FAILED)


def run() -> None:
    """Console entry point: never show a traceback unless ROLEC_DEBUG is set."""
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence for users
        if os.environ.get("ROLEC_DEBUG"):
            raise
        click.echo(f"rolec: internal error: {type(exc).__name__}: {exc} (set ROLEC_DEBUG=1 for details)", err=True)
        sys.exit(70)
