"""The `rolec` command line: a thin click shell over the pipeline and the writer."""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__, ui
from .commands import COMMANDS
from .errors import EnvironmentFailure, SpecError
from .build.cache import DEFAULT_DIR, BuildCache
from .build.clashes import check_clashes
from .build.discover import discover
from .build.template_size import large_templates
from .reports.owners import output_path as owner_policies_path
from .build.pipeline import BuildStats, LintError, build as build_outputs, output_paths
from .validate.terraform import TerraformUnavailable
from .build.writer import UnsafeOutput, apply, locked, plan

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

SPECS = click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
OUT = click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path, file_okay=False),
                   help="Folder the outputs are written to.")


class Commands(click.Group):
    """build and check are defined here; the other commands are imported when they run or are listed,
    so that a build does not pay for what diff or explain import."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            return getattr(importlib.import_module(COMMANDS[name]), name)
        return super().get_command(ctx, name)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolec")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also say what each step did (on stderr).")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Compile ECS task execution role specs to CloudFormation and Terraform."""
    if quiet and verbose:
        raise click.UsageError("use either -q/--quiet or -v/--verbose, not both")
    ctx.obj = {"verbosity": ui.QUIET if quiet else ui.VERBOSE if verbose else ui.NORMAL}


TERRAFORM_VALIDATE = click.option("--terraform-validate", is_flag=True,
                                  help="Also run `terraform validate` on every Terraform module (offline, needs terraform).")


CACHE = click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_DIR,
                     envvar="ROLEC_CACHE_DIR", show_default=True, help="Where unchanged specs' validated outputs are kept between builds.")
NO_CACHE = click.option("--no-cache", is_flag=True, help="Compile and validate every spec, ignoring the cache.")
STRICT = click.option("--strict", is_flag=True,
                      help="Fail when a spec grants something none of its linked task definitions needs.")
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="cores",
                    help="Processes that compile and lint in parallel on large builds.")


def _compile(inputs: tuple[Path, ...], out_dir: Path, options: dict, stats: BuildStats | None = None):
    """Everything up to the writer; exits with the right code on bad input or validation findings."""
    terraform_validate, strict = options["terraform_validate"], options["strict"]
    cache = None if options["no_cache"] else BuildCache(options["cache_dir"],
                                                        f"terraform_validate={terraform_validate} strict={strict}")
    try:
        built = build_outputs(discover(list(inputs) or [Path("specs")]), out_dir, cache=cache,
                              terraform_validate=terraform_validate, jobs=options["jobs"], stats=stats, strict=strict)
        check_clashes(out_dir, built)
        _report(d for item in built for d in (item.link.diagnostics(strict) if getattr(item, "link", None) else ()))
        return built
    except SpecError as exc:
        _report(exc.diagnostics)
        sys.exit(EXIT_INVALID)
    except LintError as exc:
        _report(exc.diagnostics)
        ui.failure("rolec: validation found problems; nothing was written")
        sys.exit(EXIT_FAILED)
    except TerraformUnavailable as exc:
        ui.failure(f"rolec: error: {exc}")
        sys.exit(EXIT_FAILED)


def _sync(out_dir: Path, compiled, *, write: bool):
    """Plan (and for a build, apply) under the out directory's lock, so concurrent runs never interleave."""
    try:
        with locked(out_dir, exclusive=write):
            changes = plan(out_dir, compiled)
            if write:
                apply(out_dir, changes)
            return changes
    except UnsafeOutput as exc:
        ui.failure(f"rolec: error: {exc}")
        sys.exit(EXIT_FAILED)
    except EnvironmentFailure as exc:
        ui.failure(f"rolec: error: {exc}")
        sys.exit(exc.exit_code)


def _report(diagnostics) -> None:
    for diagnostic in diagnostics:
        ui.diagnostic(str(diagnostic), diagnostic.severity)


def build_options(command):
    for option in (STRICT, JOBS, NO_CACHE, CACHE, TERRAFORM_VALIDATE, OUT, SPECS):
        command = option(command)
    return command


@main.command()
@build_options
def build(inputs: tuple[Path, ...], out_dir: Path, **options) -> None:
    """Compile specs (default: specs/) and write the outputs (default: out/)."""
    started = time.perf_counter()
    stats = BuildStats()
    compiled = _compile(inputs, out_dir, options, stats)
    _report(large_templates(out_dir, compiled))
    ui.detail(str(stats))
    changes = _sync(out_dir, compiled, write=True)
    for path in changes.write:
        ui.detail(f"wrote {out_dir / path}")
    for path in changes.remove:
        ui.detail(f"removed {out_dir / path}")
    for item in compiled:
        listing = item.files.get(owner_policies_path(item.role_id))
        if listing:
            count = len(json.loads(listing)["owners"])
            ui.detail(f"{item.role_id}: {count} resource{'s' if count != 1 else ''} named with a literal account; "
                      "where that is not the role's account, the owner must allow the role too: "
                      f"{out_dir / owner_policies_path(item.role_id)}")
    ui.info(build_summary(compiled, changes, time.perf_counter() - started))


def build_summary(compiled, changes, seconds: float) -> str:
    """`built 12 roles (3 changed) in 0.8 s`: roles whose outputs changed, not files; removed roles too."""
    written = set(changes.write)
    changed = sum(1 for item in compiled if written & set(output_paths(item.role_id)))
    removed = len({Path(p).stem if p.startswith("cloudformation/") else Path(p).parent.name for p in changes.remove})
    gone = f", {removed} removed" if removed else ""
    return f"built {len(compiled)} role{'s' if len(compiled) != 1 else ''} ({changed} changed{gone}) in {seconds:.1f} s"


@main.command()
@build_options
def check(inputs: tuple[Path, ...], out_dir: Path, **options) -> None:
    """Exit 1 and name the stale files when the outputs do not match the specs."""
    changes = _sync(out_dir, _compile(inputs, out_dir, options), write=False)
    if not changes.changed and not changes.unlisted:
        ui.info("out/ is up to date" if out_dir == Path("out") else f"{out_dir} is up to date")
        return
    for path in sorted(changes.write):
        state = "stale" if (out_dir / path).exists() else "missing"
        click.echo(f"{out_dir / path}: {state}", err=True)
    for path in changes.remove:
        click.echo(f"{out_dir / path}: left over from a spec that is gone or no longer produces it", err=True)
    for path in changes.unlisted:
        click.echo(f"{out_dir / path}: not written by rolec (no spec's outputs in the manifest list it); remove it", err=True)
    if changes.changed:
        ui.failure("rolec: outputs are out of date; run `make templates` (rolec build) and commit them")
    if changes.unlisted:
        ui.failure("rolec: the generated folders hold files rolec did not write; remove them (rolec build never does)")
    sys.exit(EXIT_FAILED)


def run() -> None:
    """Console entry point: never show a traceback unless ROLEC_DEBUG is set.

    The process ends with os._exit once output is flushed: tearing down cfn-lint's and sympy's
    objects at interpreter exit takes up to 0.7 s and serves nothing (files are written and
    closed, worker pools joined, locks released by then)."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # noqa: BLE001 - last line of defence for users
        if os.environ.get("ROLEC_DEBUG"):
            raise
        click.echo(f"rolec: internal error: {type(exc).__name__}: {exc} (set ROLEC_DEBUG=1 for details)", err=True)
        code = 70
    else:
        code = 0
    _exit(code)


def _exit(code: int | str | None) -> None:
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`rolec explain | head`): nothing left to say
        code = code or 1
    os._exit(code or 0)
