"""A single container definition object (e.g. the terraform-aws-modules container-definition output)."""

from __future__ import annotations

from dataclasses import replace

from ...sources import Node
from . import Format, Input
from ..model import TaskDefinition, task_definition


def claims(source: Input) -> bool:
    return source.looks_like_json and isinstance(source.json.value, dict) and any(
        key in source.json.value for key in ("image", "name"))


def read(source: Input) -> list[TaskDefinition]:
    root = source.placeholders(source.json)
    listed = Node([root], root.at)
    return [replace(task_definition(root, source.display, listed, root.at), has_task_level=False, compatibilities=None)]


FORMAT = Format("container", 60, "a single container definition object", claims, read)
