"""`rolec audit`: judge hand-written execution roles against what their tasks need."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from .. import ui
from ..audit import report
from ..audit.compare import audit_role
from ..audit.needs import Needs, Origin, from_role
from ..audit.pairing import Wanted, pair
from ..errors import EXIT_ENVIRONMENT, EXIT_FINDINGS as EXIT_FAILED, EXIT_INVALID, SpecError
from ..iam.location import Location
from ..roles import RoleSourceError, load
from ..sources import Bindings, terraform_variables
from . import VAR_FILES

LOCATION_NAMES = {"AWS::Partition": "partition", "AWS::Region": "region", "AWS::AccountId": "account"}


def _bindings(sets: tuple[str, ...]) -> tuple[Bindings, Location]:
    values, where = {}, {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--set {item!r}: expected NAME=VALUE")
        if name in LOCATION_NAMES:
            where[LOCATION_NAMES[name]] = value
        else:
            values[name] = value
    return Bindings(values), Location(**where, account_known="account" in where)


def _fail(diagnostics) -> None:
    for diagnostic in diagnostics:
        ui.diagnostic(str(diagnostic), diagnostic.severity)
    sys.exit(EXIT_INVALID)


def _from_spec(spec: Path) -> tuple[Wanted, str | None]:
    from ..build.discover import display
    from ..build.pipeline import compile_spec

    roles = compile_spec(spec).roles
    role = roles[0]
    hint = role.existing.name if role.existing else role.name
    deployed = from_role(roles[1]) if len(roles) > 1 else None
    return Wanted(from_role(role), hint, display(spec), deployed), spec.read_text(encoding="utf-8")


def _from_task_definitions(paths: list[Path], bindings: Bindings, several_roles: bool) -> list[tuple[Wanted, str | None]]:
    """Through `rolec infer`'s readers: each inferred spec is compiled like a spec, and each need is traced
    back to the task definition line it comes from. With one role source the task definitions share that
    role (one spec, as `rolec infer` merges them); when the sources hold several roles, one spec per
    execution role the task definitions name, paired by that name. Needing no role, they need nothing."""
    from ..taskdefs import NothingNeeded, infer, infer_each

    label = ", ".join(p.as_posix() for p in paths)
    try:
        found = infer_each([str(p) for p in paths], bindings.values, bindings.variables) if several_roles \
            else [infer([str(p) for p in paths], bindings.values, variables=bindings.variables)]
    except NothingNeeded as exc:
        for warning in exc.warnings:
            ui.diagnostic(str(warning), warning.severity)
        return [(Wanted(Needs("none", (), (), ()), None, label), None)]
    return [_wanted(inferred, bindings) for inferred in found]


def _wanted(inferred, bindings: Bindings) -> tuple[Wanted, str]:
    from ..build.pipeline import compile_spec

    for warning in inferred.warnings:
        ui.diagnostic(str(warning), warning.severity)
    bindings.used.update(set(bindings.values) - set(inferred.unused_bindings))
    text = inferred.yaml()
    with tempfile.TemporaryDirectory(prefix="rolec-audit-") as folder:
        spec = Path(folder) / f"{inferred.role_id}.yaml"
        spec.write_text(text, encoding="utf-8")
        role = compile_spec(spec).role

    def origin(source) -> tuple[Origin, ...]:
        """The task-definition fields behind a spec key: the entry's own, or for a key of the list as a whole
        (`features.ecr_pull.repositories`: the auth token) its entries'. The spec is temporary, so a key infer
        did not write (`s3_files.bucket_owner`: the default) cites nothing of it."""
        found = [inferred.origins[source.key]] if source.key in inferred.origins else \
            [o for key, o in inferred.origins.items() if key.startswith(source.key + "[")]
        return tuple(Origin(o.path, o.line, o.col, f"container {o.container}, {o.field}" if o.container else o.field,
                            source.reason) for o in found)

    needs = from_role(role, origin)
    # The confused-deputy conditions infer writes are hardening, not something the tasks need: their absence
    # from the role is a note, as for any role.
    needs = Needs(needs.role_id, needs.needs, (), needs.managed_policy_arns, keys_unknown=True)
    files = sorted({o.path for o in inferred.origins.values()})
    return Wanted(needs, inferred.execution_role, ", ".join(files) or inferred.role_id), text


@click.command()
@click.argument("role_sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--task-definition", "task_definitions", multiple=True, type=click.Path(path_type=Path),
              help="A task definition the role serves (repeatable); its needs are inferred as by `rolec infer`.")
@click.option("--spec", type=click.Path(path_type=Path, dir_okay=False), help="A rolec spec whose compiled role is the need.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Bind a deploy-time value (as for `rolec infer`); AWS::Partition, AWS::Region and AWS::AccountId "
                   "choose the deployment the role is judged in (default aws, us-east-1, 123456789012).")
@VAR_FILES
@click.option("--format", "fmt", type=click.Choice(sorted(report.RENDERERS)), default="text", show_default=True,
              help="text for people, json for tools, sarif for code scanning.")
@click.option("--write-spec", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the rolec spec that grants exactly the needs to this file.")
@click.option("--force", is_flag=True, help="Let --write-spec replace an existing file whose text differs.")
def audit(role_sources: tuple[Path, ...], task_definitions: tuple[Path, ...], spec: Path | None, sets: tuple[str, ...],
          var_files: tuple[Path, ...], fmt: str, write_spec: Path | None, force: bool) -> None:
    """Compare hand-written execution roles (ROLE_SOURCE: IAM JSON, aws iam output, CloudFormation, Terraform)
    with what their task definitions or a spec need: missing and excess permissions, trust, and the replacement.

    Exit 0 when each role grants exactly the needs (notes allowed), 1 on findings, 2 on invalid input."""
    if bool(task_definitions) == bool(spec):
        raise click.UsageError("give the needs with either --task-definition FILE ... or --spec SPEC")
    bindings, location = _bindings(sets)
    diagnostics, roles, wanted = [], [], []
    try:
        bindings.variables = terraform_variables(list(var_files))
    except SpecError as exc:
        _fail(exc.diagnostics)
    try:
        roles = load(list(role_sources), bindings)
    except RoleSourceError as exc:
        diagnostics.extend(exc.diagnostics)
    try:
        wanted = [_from_spec(spec)] if spec else _from_task_definitions(list(task_definitions), bindings, len(roles) > 1)
    except SpecError as exc:
        diagnostics.extend(exc.diagnostics)
    if diagnostics:
        _fail(sorted(diagnostics))
    if write_spec is not None and len(wanted) > 1:
        raise click.UsageError("--write-spec: the task definitions name several execution roles; audit one role at a time")
    spec_text = wanted[0][1]
    if write_spec is not None and spec_text is not None and not force and write_spec.exists() \
            and write_spec.read_text(encoding="utf-8", errors="replace") != spec_text:
        ui.failure(f"rolec: error: {write_spec} exists and differs from the spec audit would write "
                   "(use --force to replace it)")
        ui.failure("rolec: nothing was written")
        sys.exit(EXIT_INVALID)
    for name in sorted(set(bindings.values) - bindings.used):
        ui.diagnostic(f"rolec: warning: --set {name} was not used", "warning")
    pairs, lone_roles, lone_needs = pair(roles, [w for w, _ in wanted])
    audits = [audit_role(role, w.for_role(role), location) for role, w in pairs]
    unpaired = report.Unpaired(tuple(r.name or "?" for r in lone_roles), tuple(w.label for w in lone_needs))
    click.echo(report.RENDERERS[fmt](audits, unpaired), nl=False)
    if write_spec is not None and spec_text is None:
        ui.diagnostic("rolec: note: the task definitions need no execution role; no spec written", "note")
    elif write_spec is not None:
        try:
            write_spec.write_text(spec_text, encoding="utf-8")
        except OSError as exc:
            ui.failure(f"rolec: error: cannot write {write_spec}: {exc.strerror}")
            sys.exit(EXIT_ENVIRONMENT)
        ui.detail(f"wrote {write_spec}")
    if any(not a.exact for a in audits) or lone_roles or lone_needs:
        sys.exit(EXIT_FAILED)
