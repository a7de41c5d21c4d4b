"""`rolec infer`: write the spec of the execution role that task definitions need.

`-o` never silently replaces a different file: an existing target with the same text is left
as is ("unchanged"); one with other text is refused (exit 2) unless --force is given, as
`rolec new` does. Nothing is written when any task definition fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import ui
from ..errors import EXIT_ENVIRONMENT, EXIT_INVALID, SpecError
from ..sources import terraform_variables
from ..spec.role_id import ROLE_ID_RE
from ..taskdefs import Inferred, NothingNeeded, infer as infer_spec, infer_each
from . import VAR_FILES


def _bindings(values: tuple[str, ...]) -> dict[str, str]:
    bindings = {}
    for value in values:
        name, sep, bound = value.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--set {value!r}: expected NAME=VALUE (e.g. --set var.region=us-east-1)")
        bindings[name] = bound
    return bindings


@click.command()
@click.argument("taskdefs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "role_id", help="The role id, i.e. the spec file's stem (default: the task definition's family).")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Bind a deploy-time value: a CloudFormation parameter, ImportValue:EXPORT (an Fn::ImportValue by its "
                   "export name), var.NAME, local.NAME, a ${NAME} placeholder or a documentation placeholder (repeatable).")
@VAR_FILES
@click.option("-o", "--output", "output_arg", metavar="PATH",
              help="Write the spec to this file, or one spec per execution role into this folder (ending in /).")
@click.option("--force", is_flag=True, help="Replace an existing output file whose text differs.")
def infer(taskdefs: tuple[Path, ...], role_id: str | None, settings: tuple[str, ...], var_files: tuple[Path, ...],
          output_arg: str | None, force: bool) -> None:
    """Print (or write) the spec of the execution role that TASKDEF... need."""
    bindings = _bindings(settings)
    output = Path(output_arg) if output_arg else None
    folder = output is not None and (output.is_dir() or output_arg.endswith("/"))
    if output is not None and not folder:
        if output.suffix not in (".yaml", ".yml"):
            raise click.UsageError(f"-o {output}: expected a .yaml file or a folder ending in /")
        if role_id is not None and role_id != output.stem:
            raise click.UsageError(f"--id {role_id} and -o {output} disagree: the role id is the spec file's stem")
        role_id = output.stem
    if role_id is not None and not ROLE_ID_RE.fullmatch(role_id):
        raise click.UsageError(f"'{role_id}' is not a role id: expected lowercase letters, digits and - "
                               "(starting with a letter or digit, at most 64 characters)")
    paths = [str(p) for p in taskdefs]
    try:
        variables = terraform_variables(list(var_files))
        if folder and role_id is None:
            specs = infer_each(paths, bindings, variables)
        else:
            specs = [infer_spec(paths, bindings, role_id, variables)]
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            ui.diagnostic(str(diagnostic), diagnostic.severity)
        ui.failure("rolec: nothing was written")
        sys.exit(EXIT_INVALID)
    except NothingNeeded as exc:
        for diagnostic in exc.warnings:
            ui.diagnostic(str(diagnostic), diagnostic.severity)
        click.echo(f"rolec: {exc}; nothing was written", err=True)
        return
    _report(specs)
    if output is None:
        click.echo(specs[0].yaml(), nl=False)
        return
    targets = [(output / f"{spec.role_id}.yaml" if folder else output, spec.yaml()) for spec in specs]
    _write(targets, force)


def _report(specs: list[Inferred]) -> None:
    warnings = sorted({w for spec in specs for w in spec.warnings})
    for diagnostic in warnings:
        ui.diagnostic(str(diagnostic), diagnostic.severity)
    for name in specs[0].unused_bindings:
        ui.diagnostic(f"rolec: warning: --set {name}=... was not used by any task definition", "warning")


def _write(targets: list[tuple[Path, str]], force: bool) -> None:
    names = [t for t, _ in targets]
    if len(set(names)) != len(names):
        ui.failure("rolec: error: two execution roles would get the same spec file; infer them separately with --id")
        sys.exit(EXIT_INVALID)
    try:
        existing = {t: t.read_text(encoding="utf-8", errors="replace") if t.exists() else None for t, _ in targets}
        refused = [t for t, text in targets if existing[t] not in (None, text) and not force]
        if refused:
            for target in refused:
                ui.failure(f"rolec: error: {target} exists and differs from the inferred spec (use --force to replace it)")
            ui.failure("rolec: nothing was written")
            sys.exit(EXIT_INVALID)
        for target, text in targets:
            if existing[target] == text:
                ui.info(f"{target} unchanged")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            ui.info(f"wrote {target}; next: rolec build")
    except OSError as exc:  # a path that is a folder, under a file, or not writable: the environment, not the input
        ui.failure(f"rolec: error: cannot write {exc.filename or 'the spec'}: {exc.strerror}")
        sys.exit(EXIT_ENVIRONMENT)
