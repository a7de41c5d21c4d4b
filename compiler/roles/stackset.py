"""The role template a StackSet deploys, embedded in the file that creates the StackSet
(CloudFormation `AWS::CloudFormation::StackSet` `TemplateBody`, Terraform `aws_cloudformation_stack_set`
`template_body`): read as a template of its own, its positions mapped back into the outer file."""

from __future__ import annotations

from ..sources import Node, Span, cfnyaml, jsonfile


def _shifted(node: Node, move) -> Node:
    value = node.value
    if isinstance(value, dict):
        value = {key: _shifted(item, move) for key, item in value.items()}
    elif isinstance(value, list):
        value = [_shifted(item, move) for item in value]
    return Node(value, move(node.at))


def embedded_template(body: Node, outer_text: str | None) -> Node:
    """The located tree of a template written as a string at `body`. In a YAML block scalar (`|`, the outer
    file's text given) each body line is its own outer line, shifted by the block's indentation; a string
    with `\\n` escapes (Terraform JSON) maps every position to the string itself."""
    text = body.literal
    at = body.at
    inner = jsonfile.parse(text, at.path) if text.lstrip().startswith("{") else cfnyaml.parse(text, at.path)
    lines = outer_text.splitlines() if outer_text is not None else []
    if len(lines) > at.line and lines[at.line - 1].rstrip().endswith("|"):
        first = lines[at.line]
        indent = len(first) - len(first.lstrip(" "))
        return _shifted(inner, lambda span: Span(at.path, at.line + span.line, span.col + indent))
    return _shifted(inner, lambda span: at)
