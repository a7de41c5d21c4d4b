"""The `rolec` command line: a thin click shell over the pipeline and the writer.

Every error rolec reports on purpose is a `RolecError` (errors.py), whose class says the exit
code; `Commands.invoke` is the one place that turns one into a message and that code.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__, ui
from .commands import COMMANDS, SPECS
from .errors import EXIT_BUG, EXIT_FINDINGS, Diagnostic, Findings, LintError, RolecError
from .build.cache import DEFAULT_DIR, BuildCache
from .build.clashes import check_clashes
from .build.discover import discover
from .build.index import Index
from .build.template_size import large_templates
from .build.pipeline import BuildStats, build as build_outputs
from .build.writer import apply, locked, plan
from .targets.owners import path as owner_policies_path

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

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RolecError as exc:
            report(exc)
            ctx.exit(exc.exit_code)


def report(exc: RolecError) -> None:
    """Print an error: each diagnostic as `file:line:col: error: ...`, or one `rolec: error: ...` line."""
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics is None:
        if str(exc):
            ui.failure(f"rolec: {exc}" if isinstance(exc, Findings) else f"rolec: error: {exc}")
        return
    for diagnostic in diagnostics:
        ui.diagnostic(str(diagnostic), diagnostic.severity)
    if isinstance(exc, LintError):
        ui.failure("rolec: validation found problems; nothing was written")


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
    """Everything up to the writer, and the out folder's index (None without a cache); the warnings of linked
    task definitions are printed here."""
    terraform_validate, strict = options["terraform_validate"], options["strict"]
    cache = None if options["no_cache"] else BuildCache(options["cache_dir"],
                                                        f"terraform_validate={terraform_validate} strict={strict}")
    index = Index(cache, out_dir) if cache is not None else None
    built = build_outputs(discover(list(inputs) or [Path("specs")]), out_dir, cache=cache,
                          terraform_validate=terraform_validate, jobs=options["jobs"], stats=stats, strict=strict,
                          index=index)
    check_clashes(out_dir, built)
    _report(d for item in built for d in (item.link.diagnostics(strict) if getattr(item, "link", None) else ()))
    return built, index


def _sync(out_dir: Path, compiled, index: Index | None, *, write: bool):
    """Plan (and for a build, apply) under the out directory's lock, so concurrent runs never interleave;
    then record in the index what was verified."""
    with locked(out_dir, exclusive=write):
        changes = plan(out_dir, compiled, find_unlisted=not write, index=index)
        if write:
            apply(out_dir, changes)
        if index is not None:
            index.save()
        return changes


def _report(diagnostics) -> None:
    for diagnostic in diagnostics:
        ui.diagnostic(str(diagnostic), diagnostic.severity)


def _warn_of_replacements(out_dir: Path, compiled) -> None:
    """Warn when a recompiled role with a fixed name gets another name or path: a deploy replaces it. The old
    side is the permissions record the last build wrote (specs taken from the cache did not change)."""
    from .build.pipeline import Compiled

    fresh = [item for item in compiled if isinstance(item, Compiled)]
    if not fresh:
        return
    from .reports.effective import from_json, from_role
    from .reports.permdiff import replacement
    from .targets import record

    for item in fresh:
        for role in item.roles:
            new = from_role(role)
            path = out_dir / record.path(role.id, new.deployment)
            if path.is_file():
                old = from_json(path.read_text(encoding="utf-8"), str(path))
                replaced = replacement(old, new)
                if replaced:
                    line, col = role.anchor("role.path" if old.path != new.path else "role.name")
                    ui.diagnostic(str(Diagnostic(role.spec_path, line, col, f"a deploy replaces {replaced}",
                                                 "warning")), "warning")


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
    compiled, index = _compile(inputs, out_dir, options, stats)
    _report(large_templates(out_dir, compiled))
    ui.detail(str(stats))
    _warn_of_replacements(out_dir, compiled)
    changes = _sync(out_dir, compiled, index, write=True)
    for path in changes.write:
        ui.detail(f"wrote {out_dir / path}")
    for path in changes.remove:
        ui.detail(f"removed {out_dir / path}")
    for item in compiled if ui.level() >= ui.VERBOSE else ():  # the texts of cached specs are read only for this
        listing = item.files.get(owner_policies_path(item.role_id))
        if listing:
            count = len(json.loads(listing)["owners"])
            ui.detail(f"{item.role_id}: {count} resource{'s' if count != 1 else ''} named with a literal account; "
                      "where that is not the role's account, the owner must allow the role too: "
                      f"{out_dir / owner_policies_path(item.role_id)}")
    ui.info(build_summary(compiled, changes, time.perf_counter() - started))


def build_summary(compiled, changes, seconds: float) -> str:
    """`built 12 roles (3 changed) in 0.8 s`: roles whose outputs changed, not files; removed roles too
    (the writer's plan says which, from the files each role produces)."""
    changed, removed = len(changes.changed_roles), len(changes.removed_roles)
    gone = f", {removed} removed" if removed else ""
    return f"built {len(compiled)} role{'s' if len(compiled) != 1 else ''} ({changed} changed{gone}) in {seconds:.1f} s"


@main.command()
@build_options
def check(inputs: tuple[Path, ...], out_dir: Path, **options) -> None:
    """Exit 1 and name the stale files when the outputs do not match the specs."""
    changes = _sync(out_dir, *_compile(inputs, out_dir, options), write=False)
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
    if changes.unlisted and not changes.changed:
        raise Findings("the generated folders hold files rolec did not write; remove them (rolec build never does)")
    raise Findings("outputs are out of date; run `make templates` (rolec build) and commit them")


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
        code = EXIT_BUG
    else:
        code = 0
    _exit(code)


def _exit(code: int | str | None) -> None:
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = EXIT_FINDINGS
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`rolec explain | head`): nothing left to say
        code = code or 1
    os._exit(code or 0)
