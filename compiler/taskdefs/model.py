"""One task definition as every input format reads it: located container definitions and task-level fields.

Field names are looked up in ECS's JSON spelling (`logConfiguration`) and CloudFormation's
(`LogConfiguration`), so one mapping serves every format.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sources import Hole, Node, Span, fail


@dataclass(frozen=True)
class TaskDefinition:
    path: str
    at: Span
    containers: list[Node]
    family: Node | None = None
    execution_role: Node | None = None
    task_role: Node | None = None
    compatibilities: tuple[str, ...] | None = None
    """requiresCompatibilities as written; None when the format has no task level (a container list)."""
    task_arn: Node | None = None
    has_task_level: bool = True
    root: Node | None = None
    """The task-level object as read (None for a container list), for the fields only checked, not used."""

    @property
    def name(self) -> str | None:
        return self.family.literal if self.family is not None else None


def field(node: Node | None, name: str) -> Node | None:
    """`name` in ECS's spelling or CloudFormation's (first letter upper case); None when absent or null."""
    if node is None or not isinstance(node.value, dict):
        return None
    found = node.value.get(name)
    if found is None:
        found = node.value.get(name[:1].upper() + name[1:])
    return None if found is None or found.value is None else found


def items(node: Node | None, what: str) -> list[Node]:
    """The items of a list field (none when absent); a located error for any other shape."""
    if node is None:
        return []
    if isinstance(node.value, Hole):
        raise fail(node.at, node.value.message(what))
    if not isinstance(node.value, list):
        raise fail(node.at, f"{what}: expected a list, got {_kind(node)}")
    return node.value


def mapping(node: Node | None, what: str) -> Node | None:
    if node is None:
        return None
    if isinstance(node.value, Hole):
        raise fail(node.at, node.value.message(what))
    if not isinstance(node.value, dict):
        raise fail(node.at, f"{what}: expected an object, got {_kind(node)}")
    return node


def task_definition(root: Node, path: str, containers: Node | None, at: Span) -> TaskDefinition:
    """A task definition from its task-level object (register/describe JSON, CloudFormation Properties,
    Terraform's arguments as the JSON names)."""
    if containers is None:
        raise fail(at, "the task definition has no containerDefinitions")
    if isinstance(containers.value, Hole):
        raise fail(containers.at, containers.value.message("containerDefinitions"))
    listed = items(containers, "containerDefinitions")
    for container in listed:
        if isinstance(container.value, Hole):
            raise fail(container.at, container.value.message("a container definition"))
        mapping(container, "a container definition")
    return TaskDefinition(path, at, listed, field(root, "family"), field(root, "executionRoleArn"),
                          field(root, "taskRoleArn"), platforms(root), field(root, "taskDefinitionArn"), root=root)


def platforms(root: Node) -> tuple[str, ...]:
    """Where the task can run: requiresCompatibilities as written; without it, EC2 only unless the network
    mode is awsvpc (Fargate requires awsvpc), else EC2 or Fargate."""
    written = field(root, "requiresCompatibilities")
    if written is not None and isinstance(written.value, list) and all(i.literal for i in written.value):
        return tuple(sorted({i.literal.upper() for i in written.value}))
    mode = field(root, "networkMode")
    if mode is not None and mode.literal == "awsvpc":
        return ("EC2", "FARGATE")
    return ("EC2",)


def _kind(node: Node) -> str:
    value = node.value
    if isinstance(value, tuple):
        return f"the string {node.plain()!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__
