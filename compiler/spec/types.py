"""A small declarative schema for spec files, checked over located YAML nodes.

Each type says what it expects in words (for messages) and checks a node,
recording every problem with its line and column instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from ..errors import Diagnostic
from .loader import position

INVALID = object()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"


MAX_DIAGNOSTICS = 100
"""Problems reported per file; past them checking stops (a flood of unknown keys is one mistake, not 90,000)."""


class Invalid(ValueError):
    """Raised by a converter with the reason a value is refused."""


class TooManyProblems(Exception):
    """Raised by `Checker.error` past MAX_DIAGNOSTICS, after it has added the line that says checking stopped."""


@dataclass
class Checker:
    """Collects diagnostics and the position of every checked value, keyed by its path."""

    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def error(self, node: yaml.Node, path: str, message: str) -> object:
        line, col = position(node)
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            self.diagnostics.append(Diagnostic(self.display, line, col, (
                f"more problems from here on; checking stopped after {MAX_DIAGNOSTICS} (fix these and run rolec again)")))
            raise TooManyProblems
        self.diagnostics.append(Diagnostic(self.display, line, col, f"{path}: {message}" if path else message))
        return INVALID


SHOWN_CHARACTERS = 256
"""How much of a bad value a message echoes: enough to find it, never a whole megabyte."""


def shown(value: str) -> str:
    """`value` quoted for a message, cut after SHOWN_CHARACTERS characters with its full length named."""
    if len(value) <= SHOWN_CHARACTERS:
        return repr(value)
    return f"{value[:SHOWN_CHARACTERS]!r}… ({len(value):,} characters)"


def _number(text: str) -> str:
    return f"the number {text}" if len(text) <= SHOWN_CHARACTERS else f"a number of {len(text):,} characters"


def describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        if len(node.value) == 1 and node.value[0][1].tag == _TAG + "null":
            return "a mapping (quote a value that ends in ':' or contains ': ')"
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = node.tag[len(_TAG):] if node.tag.startswith(_TAG) else node.tag
    return {
        "str": f"the string {shown(node.value)}",
        "int": _number(node.value),
        "float": _number(node.value),
        "bool": f"the boolean {node.value}",
        "null": "nothing (null)",
        "timestamp": f"the date {node.value}",
    }.get(kind, f"a {kind}")


class Type:
    what: str

    def check(self, node: yaml.Node, path: str, checker: Checker) -> Any:
        raise NotImplementedError

    def wrong(self, node: yaml.Node, path: str, checker: Checker) -> object:
        return checker.error(node, path, f"expected {self.what}, got {describe_node(node)}")

    def json_schema(self) -> dict:
        """The same expectation as JSON Schema (draft 2020-12), for editors; converters stay rolec's own check."""
        raise NotImplementedError


@dataclass
class Str(Type):
    what: str
    pattern: str | None = None
    max_len: int | None = None
    convert: Callable[[str], Any] | None = None
    allow_number: bool = False
    characters: str | None = None
    """A regex character class (`[...]`) of the characters the value may hold, to name the first one it may not."""

    def check(self, node, path, checker):
        scalar_tags = {_TAG + "str"} | ({_TAG + "int"} if self.allow_number else set())
        if not isinstance(node, yaml.ScalarNode) or node.tag not in scalar_tags:
            return self.wrong(node, path, checker)
        try:
            return self.parse(node.value)
        except Invalid as exc:
            return checker.error(node, path, str(exc))

    def parse(self, value: str) -> Any:
        """The value as the spec holds it; raises Invalid with the reason it is refused."""
        if self.max_len is not None and len(value) > self.max_len:
            raise Invalid(f"expected {self.what} of at most {self.max_len} characters, got {len(value)}")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            stray = re.search(f"[^{self.characters[1:]}", value) if self.characters else None
            if stray:
                raise Invalid(f"the character {stray.group()!r} (U+{ord(stray.group()):04X}) at position "
                              f"{stray.start() + 1} is not allowed in {self.what}")
            raise Invalid(f"expected {self.what}, got {shown(value)}")
        return self.convert(value) if self.convert is not None else value

    def json_schema(self) -> dict:
        schema: dict = {"type": ["string", "integer"] if self.allow_number else "string", "description": self.what}
        if self.pattern is not None:
            schema["pattern"] = f"^(?:{self.pattern})$"
        if self.max_len is not None:
            schema["maxLength"] = self.max_len
        return schema


@dataclass
class Int(Type):
    minimum: int
    maximum: int

    @property
    def what(self) -> str:
        return f"a whole number from {self.minimum} to {self.maximum}"

    def check(self, node, path, checker):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "int":
            return self.wrong(node, path, checker)
        try:
            value = _CONSTRUCTOR.construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return checker.error(node, path, f"expected {self.what}, got a number of {len(node.value):,} characters")
        if not self.minimum <= value <= self.maximum:
            return checker.error(node, path, f"expected {self.what}, got {value}")
        return value

    def json_schema(self) -> dict:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum, "description": self.what}


@dataclass
class Bool(Type):
    what: str = "true or false"

    def check(self, node, path, checker):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "bool":
            return self.wrong(node, path, checker)
        return node.value.lower() in ("true", "yes", "on", "y")

    def json_schema(self) -> dict:
        return {"type": "boolean"}


@dataclass
class List(Type):
    item: Type
    min_items: int = 1
    max_items: int = 1000

    @property
    def what(self) -> str:
        return f"a list (each item {self.item.what})"

    def check(self, node, path, checker):
        if not isinstance(node, yaml.SequenceNode):
            return self.wrong(node, path, checker)
        count = len(node.value)
        if not self.min_items <= count <= self.max_items:
            bound = f"at least {self.min_items}" if count < self.min_items else f"at most {self.max_items}"
            return checker.error(node, path, f"expected {bound} item(s), got {count}")
        values = []
        for index, child in enumerate(node.value):
            child_path = f"{path}[{index}]"
            checker.positions[child_path] = position(child)
            values.append(self.item.check(child, child_path, checker))
        return INVALID if INVALID in values else values

    def json_schema(self) -> dict:
        return {"type": "array", "items": self.item.json_schema(), "minItems": self.min_items, "maxItems": self.max_items}


@dataclass
class Map(Type):
    key: Str
    value: Str
    max_items: int = 50
    keys_ignore_case: bool = False
    """Refuse keys that differ only in case (IAM tag keys are case-insensitive)."""

    @property
    def what(self) -> str:
        return f"a mapping of {self.key.what} to {self.value.what}"

    def check(self, node, path, checker):
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, path, checker)
        if len(node.value) > self.max_items:
            return checker.error(node, path, f"expected at most {self.max_items} entries, got {len(node.value)}")
        result: dict = {}
        folded: dict[str, tuple[str, int]] = {}
        ok = True
        for key_node, value_node in _unique_pairs(node, path, checker):
            key = self.key.check(key_node, path, checker)
            if key is INVALID:
                ok = False
                continue
            if self.keys_ignore_case:
                other, line = folded.setdefault(key.casefold(), (key, position(key_node)[0]))
                if other != key:
                    checker.error(key_node, path, f"key {shown(key)} differs from {shown(other)} (line {line}) only in "
                                                  "case; IAM tag keys are case-insensitive, so they name the same tag")
                    ok = False
                    continue
            child_path = f"{path}.{key}"
            checker.positions[child_path] = position(value_node)
            value = self.value.check(value_node, child_path, checker)
            ok = ok and value is not INVALID
            result[key] = value
        return result if ok else INVALID

    def json_schema(self) -> dict:
        return {"type": "object", "propertyNames": self.key.json_schema(), "additionalProperties": self.value.json_schema(),
                "maxProperties": self.max_items}


@dataclass
class Field:
    type: Type
    required: bool = False
    default: Any = None
    doc: str = ""


@dataclass
class Obj(Type):
    what: str
    fields: dict[str, Field]
    validate: Callable[[dict, yaml.Node, str, Checker], None] | None = None
    json_extra: dict | None = None
    """What `validate` checks, as far as JSON Schema can say it (e.g. anyOf required keys)."""

    def check(self, node, path, checker):
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, path, checker)
        result: dict = {}
        ok = True
        suggested: set[str] = set()
        for key_node, value_node in _unique_pairs(node, path, checker):
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            child_path = f"{path}.{name}" if path else str(name)
            spec = self.fields.get(name) if isinstance(name, str) else None
            if spec is None:
                checker.error(key_node, path, self._unknown(key_node, suggested))
                ok = False
                continue
            checker.positions[child_path] = position(value_node)
            value = spec.type.check(value_node, child_path, checker)
            ok = ok and value is not INVALID
            result[name] = value
        for name, spec in self.fields.items():
            if name in result:
                continue
            if spec.required and name not in suggested:
                checker.error(node, path, f"missing required key '{name}' ({spec.type.what})")
                ok = False
            else:
                result[name] = spec.default
        if ok and self.validate is not None:
            before = len(checker.diagnostics)
            self.validate(result, node, path, checker)
            ok = len(checker.diagnostics) == before
        return result if ok else INVALID

    def json_schema(self) -> dict:
        properties = {}
        for name, spec in self.fields.items():
            schema = spec.type.json_schema()
            if spec.doc:
                schema["description"] = spec.doc
            if isinstance(spec.default, (str, bool, int)):
                schema["default"] = spec.default
            properties[name] = schema
        schema = {"type": "object", "description": self.what, "properties": properties, "additionalProperties": False}
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        return {**schema, **(self.json_extra or {})}

    def _unknown(self, key_node: yaml.Node, suggested: set[str]) -> str:
        """Name the unknown key and the nearest known one: one it is a prefix of (`ecr` for `ecr_pull`), or else the most similar."""
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else describe_node(key_node)
        close = [k for k in self.fields if len(name) >= 3 and (k.startswith(name) or name.startswith(k))][:1]
        close = close or difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
        if close:
            suggested.add(close[0])
            return f"unknown key {shown(name)}; did you mean '{close[0]}'?"
        return f"unknown key {shown(name)}; expected one of: {', '.join(sorted(self.fields))}"


def _unique_pairs(node: yaml.MappingNode, path: str, checker: Checker):
    """Mapping entries, with a diagnostic for each repeated key (YAML parsers keep the last silently)."""
    first: dict[str, int] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in first:
                checker.error(
                    key_node, path,
                    f"duplicate key {shown(key_node.value)} (first defined at line {first[key_node.value]})",
                )
                continue
            first[key_node.value] = position(key_node)[0]
        yield key_node, value_node
