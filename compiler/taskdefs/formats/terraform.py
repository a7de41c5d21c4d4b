"""Terraform `aws_ecs_task_definition` resources, in HCL (`.tf`) or Terraform JSON (`.tf.json`):
container_definitions as jsonencode(...), a JSON string or heredoc, or file()/templatefile() of a file next to it.

A file is read with what it references from its module (the other `.tf`/`.tf.json` files of its folder), so its
values may come from any file of it; the task definitions are the file's own, or every one of the module when a
folder is given."""

from __future__ import annotations

from ...sources import Node, Span, fail
from . import Format, Input
from ..model import TaskDefinition, task_definition

TYPE = "aws_ecs_task_definition"
ARGUMENTS = {"family": "family", "execution_role_arn": "executionRoleArn", "task_role_arn": "taskRoleArn",
             "requires_compatibilities": "requiresCompatibilities", "network_mode": "networkMode"}


def claims(source: Input) -> bool:
    return source.path.suffix == ".tf" or source.path.name.endswith(".tf.json") or source.path.is_dir()


def read(source: Input) -> list[TaskDefinition]:
    from ...sources import terraform  # python-hcl2 and Lark cost 0.1 s to import: only for Terraform files

    module = terraform.read(source.path, source.display, source.bindings)
    blocks = module.resources(TYPE)
    if not blocks:
        what = "module" if source.path.is_dir() else "file"
        first = module.blocks[0].at if module.blocks else Span(source.display, 1, 1)
        raise fail(first, f"the {what} has no {TYPE} resource")
    result = []
    for block in blocks:
        root = Node({json_name: module.evaluate(block.attributes[name])
                     for name, json_name in ARGUMENTS.items() if name in block.attributes}, block.at)
        definitions = block.attributes.get("container_definitions")
        containers = terraform.decode_json(module.evaluate(definitions), source.bindings) if definitions is not None else None
        result.append(task_definition(root, block.at.path, containers, block.at))
    return result


FORMAT = Format("terraform", 10, f"Terraform {TYPE} resources (HCL .tf or Terraform JSON .tf.json, or a module's folder)",
                claims, read)
