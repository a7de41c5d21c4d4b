"""A spec linked to its task definitions (`task_definitions:`): what they need against what the spec grants.

A need the spec does not grant is an error at the task definition's field (the task would not start);
a grant that no linked task definition needs is a warning at the spec's entry (`--strict` makes it an
error). Both sides are compared as the ARNs the spec's own converters make of them, so a name, an ARN and
an ECR repository URI of the same resource are the same grant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, SpecError
from ..features import catalog
from ..sources import Bindings, Span
from ..spec.types import Invalid
from .formats import read
from .needs import PLACEHOLDER, Needs, needs_of
from .spec import LISTS

ACTIONS = {
    ("ecr_pull", "repositories"): "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer",
    ("awslogs", "log_groups"): "logs:CreateLogStream and logs:PutLogEvents",
    ("private_registry_auth", "secrets"): "secretsmanager:GetSecretValue",
    ("secrets", "ssm_parameters"): "ssm:GetParameters",
    ("secrets", "secrets_manager"): "secretsmanager:GetSecretValue",
    ("s3_files", "environment_files"): "s3:GetObject",
    ("s3_files", "firelens_config"): "s3:GetObject",
}
MANAGED_POLICY_COVERS = {("ecr_pull", "repositories"), ("awslogs", "log_groups")}
"""AmazonECSTaskExecutionRolePolicy grants these actions on every resource."""


def _converter(feature: str, key: str):
    block = next(f for f in catalog() if f.name == feature).schema
    return block.fields[key].type.item.convert


@dataclass
class Link:
    missing: list[Diagnostic] = field(default_factory=list)
    """Needs the spec does not grant (errors: the task would not start)."""
    unneeded: list[Diagnostic] = field(default_factory=list)
    """Grants no linked task definition needs (warnings; errors with --strict)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """The task definitions' own warnings (e.g. a secret ARN in environment[].valueFrom)."""
    reads: tuple[str, ...] = ()
    """Files the containers were read from besides the linked files (`file()`/`templatefile()` of a Terraform
    module): known only once read, so the build keys the cached outputs on their bytes too."""

    def diagnostics(self, strict: bool) -> list[Diagnostic]:
        unneeded = [Diagnostic(d.path, d.line, d.col, d.message) for d in self.unneeded] if strict else self.unneeded
        return self.missing + unneeded + self.warnings


def check(spec, spec_file: Path) -> Link:
    """What the linked task definitions need against what the spec grants; SpecError for a bad task definition."""
    from ..build.discover import display

    results: list[Needs] = []
    problems: list[Diagnostic] = []
    reads: set[str] = set()
    for index, entry in enumerate(spec.task_definitions):
        where = Span(spec.path, *spec.positions.get(f"task_definitions[{index}].path", (1, 1)))
        path = spec_file.parent / entry["path"]
        if not path.is_file() and not path.is_dir():
            problems.append(where.error(f"task_definitions[{index}].path: {entry['path']!r} is not a file or a Terraform "
                                        f"module's folder (paths are relative to the spec)"))
            continue
        bindings = Bindings({k: str(v) for k, v in entry["set"].items()})
        try:
            for task in read(path, display(path), bindings):
                reads.update(c.at.path for c in task.containers if c.at.path != task.path)
                result = Needs()
                needs_of(task, bindings, result)
                problems += result.errors + result.warnings
                results.append(result)
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        for name in sorted(set(bindings.values) - bindings.used):
            at = Span(spec.path, *spec.positions.get(f"task_definitions[{index}].set.{name}", (where.line, where.col)))
            problems.append(at.error(f"task_definitions[{index}].set.{name} is not used by {entry['path']}", "warning"))
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    link = Link(warnings=problems, reads=tuple(sorted(reads)))
    _compare(spec, results, link)
    return link


def _compare(spec, results: list[Needs], link: Link) -> None:
    diagnostics = link.missing
    needed: dict[tuple[str, str], set] = {}
    for result in results:
        for need in result.needs:
            try:
                value = _converter(need.feature, need.key)(need.entry)
            except Invalid as exc:
                origin = need.origin
                raise SpecError([Diagnostic(origin.path, origin.line, origin.col, f"{origin.field}: {exc}")]) from None
            needed.setdefault((need.feature, need.key), set()).add(value)
            if not _granted(spec, need.feature, need.key, value):
                origin = need.origin
                container = f"container {origin.container} " if origin.container else ""
                diagnostics.append(Diagnostic(origin.path, origin.line, origin.col, (
                    f"{container}needs {ACTIONS[need.feature, need.key]} on {_shown(value)} ({origin.field}), which "
                    f"{spec.path} does not grant: add {need.entry!r} to features.{need.feature}.{need.key}")))
    wants_create = [r.create_group for r in results if r.create_group is not None]
    grants_create = bool(spec.features.get("awslogs", {}).get("create_group"))
    if wants_create and not grants_create:
        origin = wants_create[0]
        diagnostics.append(Diagnostic(origin.path, origin.line, origin.col, (
            f"container {origin.container} sets awslogs-create-group, so the agent needs logs:CreateLogGroup, which "
            f"{spec.path} does not grant: set features.awslogs.create_group: true")))
    if grants_create and not wants_create:
        link.unneeded.append(_unneeded(spec, "features.awslogs.create_group", "create_group: true (logs:CreateLogGroup)"))
    for (feature, key) in ((f, k) for f, keys in LISTS.items() for k in keys):
        for index, value in enumerate(spec.features.get(feature, {}).get(key) or ()):
            if value not in needed.get((feature, key), set()):
                link.unneeded.append(_unneeded(spec, f"features.{feature}.{key}[{index}]", _shown(value)))


def _granted(spec, feature: str, key: str, value) -> bool:
    if spec.managed_policy and (feature, key) in MANAGED_POLICY_COVERS:
        return True
    block = spec.features.get(feature) or {}
    if value in (block.get(key) or ()):
        return True
    if feature == "s3_files":
        return any(value.arn.key.startswith(prefix.arn.key[:-1]) for prefix in block.get("prefixes") or ())
    return False


def _unneeded(spec, key: str, what: str) -> Diagnostic:
    line, col = spec.positions.get(key, (1, 1))
    return Diagnostic(spec.path, line, col, f"{key}: {what} is granted, but no linked task definition needs it; "
                                            "remove it, or link the task definition that does", "warning")


def _shown(value) -> str:
    """An ARN as a spec writes it: the deploying partition/region/account as {partition}/{region}/{account}."""
    text = getattr(value, "arn", value)
    return text.render(PLACEHOLDER.get)
