"""A bare `containerDefinitions` array (Terraform templatefile inputs, console exports)."""

from __future__ import annotations

from dataclasses import replace

from . import Format, Input
from ..model import TaskDefinition, task_definition


def claims(source: Input) -> bool:
    return source.looks_like_json and isinstance(source.json.value, list)


def read(source: Input) -> list[TaskDefinition]:
    root = source.placeholders(source.json)
    return [replace(task_definition(root, source.display, root, root.at), has_task_level=False, compatibilities=None)]


FORMAT = Format("container-list", 50, "a bare containerDefinitions array", claims, read)
