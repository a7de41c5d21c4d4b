"""From needs to a spec: merge task definitions that share an execution role, build the document, write its YAML.

The YAML is written like `rolec new`'s starter, and every list entry carries a comment naming
the task-definition file, line, container and field it comes from. Entries are sorted, so the
output does not depend on the order of the files or containers (deterministic).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import Diagnostic, SpecError
from ..features import catalog
from ..sources import Bindings
from ..spec.role_id import ROLE_ID_RE
from ..spec.starter import SCHEMA_PATH
from . import Inferred, NothingNeeded, Origin
from .formats import read
from .model import TaskDefinition
from .needs import Needs, needs_of

LISTS = {
    "ecr_pull": ("repositories",),
    "awslogs": ("log_groups",),
    "private_registry_auth": ("secrets",),
    "secrets": ("ssm_parameters", "secrets_manager"),
    "s3_files": ("environment_files", "firelens_config"),
}
"""The spec lists infer fills, in the order they are written."""


def infer_all(paths: list[str], bindings: dict[str, str], role_id: str | None, *, split: bool,
              variables: dict | None = None) -> list[Inferred]:
    bound = Bindings(dict(bindings), variables=dict(variables or {}))
    tasks: list[TaskDefinition] = []
    errors: list[Diagnostic] = []
    for path in paths:
        try:
            tasks.extend(read(Path(path), path, bound))
        except SpecError as exc:
            errors.extend(exc.diagnostics)
    per_task: list[tuple[TaskDefinition, Needs]] = []
    warnings: list[Diagnostic] = []
    for task in tasks:
        result = Needs()
        try:
            needs_of(task, bound, result)
        except SpecError as exc:
            result.errors.extend(exc.diagnostics)
        errors.extend(result.errors)
        warnings.extend(result.warnings)
        per_task.append((task, result))
    if errors:
        raise SpecError(sorted(set(errors)) + sorted(set(warnings)))
    groups = _groups(per_task, split)
    unused = tuple(sorted(set(bindings) - bound.used))
    inferred = []
    notes = []
    taken: dict[str, int] = {}
    for key, members in sorted(groups.items(), key=lambda group: str(group[0])):
        kept, note = _without_instance_role_duties(members, warnings)
        if note:
            notes.append(note)
        if not any(r.needs for _, r in kept):
            continue
        ident = role_id or _default_id(kept)
        taken[ident] = taken.get(ident, 0) + 1
        if taken[ident] > 1:  # one spec per role (-o FOLDER): roles of task definitions with the same family or file
            ident = f"{ident[:60]}-{taken[ident]}"
        inferred.append(_inferred(kept, ident, key, sorted(set(warnings)), tuple(paths), unused))
    if not inferred:
        raise NothingNeeded("; ".join(notes) or "the task definitions need nothing from an execution role "
                            "(no private ECR image, awslogs, secret, registry credentials or S3 file)", sorted(set(warnings)))
    return inferred


def _groups(per_task, split: bool) -> dict:
    roles: dict[str | None, list] = {}
    for task, result in per_task:
        key = task.execution_role.plain() if task.execution_role is not None else None
        roles.setdefault(key, []).append((task, result))
    named = [k for k in roles if k is not None]
    if len(named) > 1 and not split:
        diagnostics = [t.execution_role.at.error(
            f"executionRoleArn {k!r}: these task definitions name {len(named)} different execution roles; one spec "
            "describes one role: infer them separately, or pass -o FOLDER to write one spec per role")
            for k in named for t, _ in roles[k][:1]]
        raise SpecError(diagnostics)
    if None in roles and len(named) == 1:
        roles[named[0]].extend(roles.pop(None))
    return roles


INSTANCE_ROLE_DUTIES = frozenset({"ecr_pull", "awslogs"})
"""What the container instance role does on EC2 for a task without an execution role."""


def _without_instance_role_duties(members, warnings: list[Diagnostic]):
    """On EC2 without an execution role the container instance role pulls from ECR and writes awslogs (needs.py
    leaves those out); a task that needs more (secrets, registry credentials, S3 files), or runs on Fargate,
    must name an execution role (needs.py then keeps the pulls and awslogs, which the agent makes with it)."""
    kept, notes = [], []
    for task, result in members:
        if not task.has_task_level or task.execution_role is not None:
            kept.append((task, result))
            continue
        ec2_only = set(task.compatibilities or ()) <= {"EC2"}
        if not result.needs:
            if ec2_only:
                notes.append(f"{task.path}: the task definition names no executionRoleArn and runs on EC2 only, where "
                             "the container instance role pulls the images and sends awslogs: it needs no execution role")
            continue
        asking = [n for n in result.needs if not ec2_only or n.feature not in INSTANCE_ROLE_DUTIES]
        needs = ", ".join(sorted({n.origin.field.split("[")[0].split(".")[0] for n in asking}))
        warnings.append(task.at.error(
            f"the task definition names no executionRoleArn, but it needs one for {needs} (the task fails at launch "
            "without it); add executionRoleArn naming the role this spec builds", "warning"))
        kept.append((task, result))
    return kept, " ".join(notes)


def _default_id(members) -> str:
    family = next((t.name for t, _ in members if t.name), None)
    base = family or Path(members[0][0].path).name.split(".")[0]
    ident = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:64].rstrip("-") or "role"
    return ident if ROLE_ID_RE.fullmatch(ident) else "role"


def _inferred(members, role_id: str, execution_role, warnings, sources, unused) -> Inferred:
    collected: dict[tuple[str, str], dict[str, Origin]] = {}
    create_group: Origin | None = None
    for _, result in members:
        for need in result.needs:
            collected.setdefault((need.feature, need.key), {}).setdefault(need.entry, need.origin)
        create_group = create_group or result.create_group
    features: dict[str, dict] = {}
    origins: dict[str, Origin] = {}
    for feature, keys in LISTS.items():
        block = {}
        for key in keys:
            entries = collected.get((feature, key))
            if not entries:
                continue
            block[key] = sorted(entries)
            for index, entry in enumerate(block[key]):
                origins[f"features.{feature}.{key}[{index}]"] = entries[entry]
        if feature == "awslogs" and block and create_group is not None:
            block["create_group"] = True
            origins["features.awslogs.create_group"] = create_group
        if block:
            features[feature] = block
    families = sorted({t.name for t, _ in members if t.name})
    description = (f"Execution role for {', '.join(families)}" if families
                   else f"Execution role inferred from {', '.join(sorted({t.path for t, _ in members}))}")
    document = {"version": 1, "description": _printable(description)[:1000], "managed_policy": False,
                "trust": {"source_account": True}, "features": features}
    platforms = tuple(sorted({p for t, _ in members for p in t.compatibilities or ()}))
    return Inferred(document, origins, execution_role, warnings, role_id, sources, unused, platforms)


def _printable(text: str) -> str:
    """Text copied from the task definitions into the YAML (a description, a comment): one line, never YAML syntax
    of its own (a line break in a container name would start a spec entry)."""
    return re.sub(r"[^\x20-\x7e]", "?", text)


def render(inferred: Inferred) -> str:
    document = inferred.document
    summaries = {f.name: f.summary for f in catalog()}
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_PATH}",
        f"# ECS task execution role '{inferred.role_id}', inferred by `rolec infer` from "
        f"{_printable(', '.join(inferred.sources))}.",
        "# Each entry names the task-definition field it comes from. Build with `rolec build`;",
        "# see why each permission exists with `rolec explain`. A customer managed KMS key that",
        "# encrypts a secret is not in the task definition: add it under kms_keys.",
        *(["# On Fargate, GuardDuty Runtime Monitoring (a cluster setting) pulls its agent sidecar with this",
           "# role: if the cluster has it, add features.runtime_monitoring: {guardduty_agent: true}."]
          if "FARGATE" in inferred.platforms else []),
        "version: 1",
        f"description: {_scalar(document['description'])}",
        "managed_policy: false  # true attaches AmazonECSTaskExecutionRolePolicy",
        "trust:",
        "  source_account: true  # aws:SourceAccount/aws:SourceArn: prevents the confused deputy problem",
        "features:",
    ]
    for feature, block in document["features"].items():
        lines.append(f"  # {summaries[feature]}")
        lines.append(f"  {feature}:")
        for key, value in block.items():
            if isinstance(value, list):
                lines.append(f"    {key}:")
                for index, entry in enumerate(value):
                    origin = inferred.origins[f"features.{feature}.{key}[{index}]"]
                    lines.append(f"      - {_scalar(entry)}  # {_printable(str(origin))}")
            else:
                origin = inferred.origins.get(f"features.{feature}.{key}")
                lines.append(f"    {key}: {str(value).lower()}" + (f"  # {_printable(str(origin))}" if origin else ""))
    return "\n".join(lines) + "\n"


_PLAIN = re.compile(r"[A-Za-z0-9/_.+=-](?:[A-Za-z0-9/_.:@+=, -]*[A-Za-z0-9/_.@+=-])?")
"""What YAML reads back as the same string unquoted ('@' and '`' are reserved at the start of a plain scalar)."""
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _scalar(value: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted (JSON escapes are YAML's)."""
    if _PLAIN.fullmatch(value) and value.lower() not in _SPECIAL and not re.fullmatch(r"[-+.\d][\d._eE+-]*", value) \
            and ": " not in value and " #" not in value:
        return value
    return json.dumps(value)
