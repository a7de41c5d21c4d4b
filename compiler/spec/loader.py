"""Read a spec file into a YAML node tree that remembers where every value stands.

Only composition runs, never construction of arbitrary objects: tags such as
`!!python/object` are refused before anything is built, anchors and aliases are
refused (no alias bombs), and size is bounded before parsing starts.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Diagnostic, SpecError
from ..sources import MAX_BYTES as MAX_SPEC_BYTES

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")
}


def load(path: Path, display: str) -> yaml.Node:
    """Compose `path` into a node tree, or raise SpecError pointing at the problem."""
    data = path.read_bytes()
    if len(data) > MAX_SPEC_BYTES:
        _fail(display, 1, 1, f"spec is {len(data)} bytes; at most {MAX_SPEC_BYTES} are accepted")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        _fail(display, line, col, f"spec is not valid UTF-8 (byte 0x{data[exc.start]:02x})")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        _fail(display, line, col, f"invalid YAML: {_yaml_problem(exc)}")
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        _fail(display, line, col, f"invalid YAML: the character U+{ord(character):04X} is not allowed in a YAML document")
    except yaml.YAMLError as exc:
        _fail(display, 1, 1, f"invalid YAML: {' '.join(str(exc).split())}")
    if node is None:
        _fail(display, 1, 1, "spec is empty; expected a mapping that starts with 'version: 1'")
    _check_nodes(node, display)
    if "&" in text:
        _refuse_anchors(text, display)
    return node


def _refuse_anchors(text: str, display: str) -> None:
    """An anchor with no alias composes to an ordinary node, so anchors are found among the tokens
    (a second pass, only for the rare spec with an `&` in it)."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AnchorToken):
            _fail(display, token.start_mark.line + 1, token.start_mark.column + 1,
                  "YAML anchors and aliases are not supported in specs")


def _check_nodes(root: yaml.Node, display: str) -> None:
    """Refuse aliases (a node reached twice) and non-standard tags, in one linear walk."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            _fail(display, *position(node), "YAML anchors and aliases are not supported in specs")
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            _fail(display, *position(node), f"YAML tag '{_short_tag(node.tag)}' is not allowed in specs")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, with its context and where that context started (e.g. an unclosed `[`)."""
    problem = exc.problem or "syntax error"
    if problem == "but found another document":
        return "a spec holds one YAML document, but a second one starts here"
    if not exc.context:
        return problem
    where = ""
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        where = f" that starts at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
    return f"{problem} ({exc.context}{where})"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _fail(display: str, line: int, col: int, message: str) -> None:
    raise SpecError([Diagnostic(display, line, col, message)])
