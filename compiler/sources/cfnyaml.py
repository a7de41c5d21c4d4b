"""CloudFormation YAML with a line and column for every value.

PyYAML composes the text (no objects are constructed); the short-form tags (`!Ref`, `!Sub`,
`!GetAtt a.b`, ...) become the JSON form (`{"Ref": ...}`, `{"Fn::GetAtt": [a, b]}`), as
CloudFormation reads them. Any other tag, anchors/aliases (CloudFormation refuses them) and
a second document are refused with their location.
"""

from __future__ import annotations

import yaml

from . import TOO_DEEP, Node, Span, fail

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STANDARD = "tag:yaml.org,2002:"
SHORT_FORMS = {
    "Ref": "Ref", "Condition": "Condition",
    **{name: f"Fn::{name}" for name in (
        "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join", "Not",
        "Or", "Select", "Split", "Sub", "Transform", "Length", "ToJsonString", "ForEach")},
}


def parse(text: str, display: str) -> Node:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = Span(display, mark.line + 1, mark.column + 1) if mark else Span(display, 1, 1)
        problem = exc.problem or "syntax error"
        if problem == "but found another document":
            problem = "a template holds one YAML document, but a second one starts here"
        raise fail(at, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise fail(Span(display, 1, 1), f"invalid YAML: {' '.join(str(exc).split())}") from None
    if root is None:
        raise fail(Span(display, 1, 1), "the file is empty")
    try:
        return _convert(root, display, set())
    except RecursionError:
        raise fail(Span(display, 1, 1), TOO_DEEP) from None


def _span(node: yaml.Node, display: str) -> Span:
    return Span(display, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, display: str, seen: set[int]) -> Node:
    """`seen` holds the ids of composed nodes, all alive while the root is: a node met twice is an alias."""
    at = _span(node, display)
    if id(node) in seen:
        raise fail(at, "YAML anchors and aliases are not supported (CloudFormation refuses them)")
    seen.add(id(node))
    if node.tag.startswith("!"):
        name = SHORT_FORMS.get(node.tag[1:])
        if name is None:
            raise fail(at, f"YAML tag '{node.tag}' is not a CloudFormation tag")
        if name == "Fn::GetAtt" and isinstance(node, yaml.ScalarNode):
            resource, _, attribute = node.value.partition(".")
            inner = Node([Node.string([resource], at), Node.string([attribute], at)], at)
        else:
            inner = _untagged(node, _PLAIN[type(node)], at, display, seen)
        return Node({name: inner}, at)
    return _untagged(node, node.tag, at, display, seen)


_PLAIN = {yaml.ScalarNode: _STANDARD + "str", yaml.SequenceNode: _STANDARD + "seq", yaml.MappingNode: _STANDARD + "map"}


def _untagged(node: yaml.Node, tag: str, at: Span, display: str, seen: set[int]) -> Node:
    """The value of `node` read as `tag` (a short form's operand is read as its plain kind)."""
    expected = {yaml.MappingNode: "map", yaml.SequenceNode: "seq"}.get(type(node))
    if expected is not None and tag != _STANDARD + expected:
        raise fail(at, f"YAML tag '{tag}' is not allowed")
    if isinstance(node, yaml.MappingNode):
        entries: dict[str, Node] = {}
        for key, value in node.value:
            key_at = _span(key, display)
            if not isinstance(key, yaml.ScalarNode):
                raise fail(key_at, "expected a plain key, got a complex YAML key")
            if key.value == "<<" and key.tag == _STANDARD + "merge":
                raise fail(key_at, "YAML merge keys (<<) are not supported (CloudFormation refuses them)")
            if key.value in entries:
                raise fail(key_at, f"duplicate key {key.value!r} (first at line {entries[key.value].at.line})")
            entries[key.value] = _convert(value, display, seen)
        return Node(entries, at)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, display, seen) for item in node.value], at)
    if not tag.startswith(_STANDARD) or tag[len(_STANDARD):] not in ("str", "int", "float", "bool", "null", "timestamp"):
        raise fail(at, f"YAML tag '{tag}' is not allowed")
    if tag == _STANDARD + "str" or tag == _STANDARD + "timestamp":
        return Node.string([node.value], at)
    return Node(_CONSTRUCTOR.construct_object(node), at)
