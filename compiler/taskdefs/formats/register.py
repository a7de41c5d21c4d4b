"""`aws ecs register-task-definition --cli-input-json` input: the task definition object itself."""

from __future__ import annotations

from . import Format, Input
from ..model import field, task_definition


def claims(source: Input) -> bool:
    return source.looks_like_json and isinstance(source.json.value, dict) and field(source.json, "containerDefinitions") is not None


def read(source: Input):
    root = source.placeholders(source.json)
    return [task_definition(root, source.display, field(root, "containerDefinitions"), root.at)]


FORMAT = Format("register", 40, "register-task-definition JSON (an object with containerDefinitions)", claims, read)
