"""JSON with a line and column for every value (the standard library's parser gives none).

The standard parser checks the text first (its messages and positions for bad JSON); a
small scanner then builds the located tree. Duplicate keys are refused: JSON parsers keep
one of them silently, so the file would not mean what it seems to.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Callable

from . import Hole, Node, Part, Span, fail, position

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")

Strings = Callable[[str, Span], list]
"""How a string's text becomes parts (e.g. `${NAME}` placeholders resolved), given where it stands."""


def literal_strings(text: str, at: Span) -> list:
    return [text]


def placeholders(lookup: Callable[[str], str | None]) -> Strings:
    """`${NAME}` placeholders (shell, envsubst, Terraform templatefile) become their bound value or a hole."""

    def parts(text: str, at: Span) -> list[Part]:
        result: list[Part] = []
        last = 0
        for match in _PLACEHOLDER.finditer(text):
            result.append(text[last:match.start()])
            value = lookup(match[1])
            col = at.col + 1 + match.start()
            result.append(value if value is not None else Hole(match[0], match[1], Span(at.path, at.line, col)))
            last = match.end()
        result.append(text[last:])
        return result

    return parts


def parse(text: str, display: str, strings: Strings = literal_strings, *, line: int = 1, col: int = 1) -> Node:
    """The located tree of a JSON text; `line`/`col` place a text embedded in another file."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        at_line, at_col = exc.lineno + line - 1, exc.colno + (col - 1 if exc.lineno == 1 else 0)
        raise fail(Span(display, at_line, at_col), f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise fail(Span(display, line, col), "invalid JSON: nested too deeply") from None
    scanner = _Scanner(text, display, strings, line, col)
    try:
        return scanner.value(scanner.skip(0))[0]
    except RecursionError:
        raise fail(Span(display, line, col), "invalid JSON: nested too deeply") from None


class _Scanner:
    def __init__(self, text: str, display: str, strings: Strings, line: int, col: int):
        self.text, self.display, self.strings, self.line, self.col = text, display, strings, line, col

    def span(self, offset: int) -> Span:
        line, col = position(self.text, offset)
        return Span(self.display, line + self.line - 1, col + (self.col - 1 if line == 1 else 0))

    def skip(self, offset: int) -> int:
        return _SPACE.match(self.text, offset).end()

    def value(self, offset: int) -> tuple[Node, int]:
        at = self.span(offset)
        char = self.text[offset]
        if char == '"':
            string, end = scanstring(self.text, offset + 1)
            return Node.string(self.strings(string, at), at), end
        if char == "{":
            return self.object(offset, at)
        if char == "[":
            items, offset = [], self.skip(offset + 1)
            while self.text[offset] != "]":
                item, offset = self.value(offset)
                items.append(item)
                offset = self.skip(offset)
                if self.text[offset] == ",":
                    offset = self.skip(offset + 1)
            return Node(items, at), offset + 1
        for word, constant in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, offset):
                return Node(constant, at), offset + len(word)
        number = _NUMBER.match(self.text, offset)
        written = number.group(0)
        return Node(float(written) if any(c in written for c in ".eE") else int(written), at), number.end()

    def object(self, offset: int, at: Span) -> tuple[Node, int]:
        entries: dict[str, Node] = {}
        offset = self.skip(offset + 1)
        while self.text[offset] != "}":
            key_at = self.span(offset)
            key, offset = scanstring(self.text, offset + 1)
            offset = self.skip(self.skip(offset) + 1)
            if key in entries:
                raise fail(key_at, f"duplicate key {key!r} (first at line {entries[key].at.line}); "
                                   "JSON readers keep only one of them")
            entries[key], offset = self.value(offset)
            offset = self.skip(offset)
            if self.text[offset] == ",":
                offset = self.skip(offset + 1)
        return Node(entries, at), offset + 1
