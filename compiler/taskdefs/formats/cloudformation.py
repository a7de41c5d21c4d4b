"""CloudFormation templates (YAML with short-form tags, or JSON) holding AWS::ECS::TaskDefinition resources."""

from __future__ import annotations

from ...sources import Node, fail
from ...sources import cfnyaml
from ...sources.cloudformation import Template, is_template
from . import Format, Input
from ..model import TaskDefinition, field, task_definition

TYPE = "AWS::ECS::TaskDefinition"


def claims(source: Input) -> bool:
    if source.looks_like_json:
        return source.text.lstrip().startswith("{") and is_template(source.json)
    return source.path.suffix in (".yaml", ".yml", ".template")


def read(source: Input) -> list[TaskDefinition]:
    root = source.json if source.looks_like_json else cfnyaml.parse(source.text, source.display)
    if not is_template(root):
        raise fail(root.at, "expected a CloudFormation template with a Resources section")
    template = Template(root, source.bindings)
    found = template.resources_of_type(TYPE)
    if not found:
        raise fail(root.at, f"the template has no {TYPE} resource")
    result = []
    for _, resource in found:
        properties = template.resolve(Node(template.properties(resource), resource.at))
        result.append(task_definition(properties, source.display, field(properties, "containerDefinitions"), resource.at))
    return result


FORMAT = Format("cloudformation", 20, f"CloudFormation templates (YAML or JSON) with {TYPE} resources", claims, read)
