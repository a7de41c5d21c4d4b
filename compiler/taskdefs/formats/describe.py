"""`aws ecs describe-task-definition` output, with or without the CLI's `{"taskDefinition": ...}` wrapper
(read-only fields such as taskDefinitionArn, revision, status and registeredAt are ignored)."""

from __future__ import annotations

from . import Format, Input
from ..model import field, mapping, task_definition

READ_ONLY = ("taskDefinitionArn", "revision", "status", "registeredAt", "registeredBy", "requiresAttributes", "compatibilities")


def claims(source: Input) -> bool:
    if not source.looks_like_json or not isinstance(source.json.value, dict):
        return False
    return "taskDefinition" in source.json.value or any(key in source.json.value for key in READ_ONLY)


def read(source: Input):
    root = source.placeholders(source.json)
    wrapped = root.value.get("taskDefinition")
    if wrapped is not None:
        root = mapping(wrapped, "taskDefinition")
    return [task_definition(root, source.display, field(root, "containerDefinitions"), root.at)]


FORMAT = Format("describe", 30, "describe-task-definition output (with or without the taskDefinition wrapper)", claims, read)
