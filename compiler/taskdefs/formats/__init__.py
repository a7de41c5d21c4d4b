"""The catalog of task-definition input formats: one module per format, discovered by walking this package.

A format module defines `FORMAT = Format(...)`: its name, a one-line summary, whether it
claims an input (by file name or by the shape of its JSON), and a reader from the input to
task definitions. The first format (by `order`) that claims a file reads it.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Callable

from ...sources import Bindings, Node, Span, fail, jsonfile, read_text
from ..model import TaskDefinition


@dataclass
class Input:
    path: Path
    display: str
    bindings: Bindings

    @cached_property
    def text(self) -> str:
        return read_text(self.path, self.display, "the task definition")

    @cached_property
    def json(self) -> Node:
        return jsonfile.parse(self.text, self.display)

    @property
    def looks_like_json(self) -> bool:
        return self.text.lstrip()[:1] in ("{", "[")

    def placeholders(self, node: Node) -> Node:
        """`${NAME}` placeholders (shell heredocs, envsubst, Terraform templatefile) bound or kept as holes."""
        substitute = jsonfile.placeholders(self.bindings.get)
        return _map_strings(node, substitute)


@dataclass(frozen=True)
class Format:
    name: str
    order: int
    summary: str
    claims: Callable[[Input], bool]
    read: Callable[[Input], list[TaskDefinition]]


@cache
def catalog() -> tuple[Format, ...]:
    formats = [importlib.import_module(f"{__name__}.{m.name}").FORMAT for m in pkgutil.iter_modules(__path__)]
    return tuple(sorted(formats, key=lambda f: (f.order, f.name)))


def format_of(source: Input) -> Format:
    """The first format (by order) that claims the input; a located error when none does."""
    for fmt in catalog():
        if fmt.claims(source):
            return fmt
    raise fail(Span(source.display, 1, 1), "not a task definition rolec reads; expected one of: "
                                           + "; ".join(f.summary for f in catalog()))


def read(path: Path, display: str, bindings: Bindings) -> list[TaskDefinition]:
    source = Input(path, display, bindings)
    return format_of(source).read(source)


def _map_strings(node: Node, substitute) -> Node:
    if isinstance(node.value, tuple):
        parts = []
        for part in node.value:
            parts.extend(substitute(part, node.at) if isinstance(part, str) else [part])
        return Node.string(parts, node.at)
    if isinstance(node.value, list):
        return Node([_map_strings(item, substitute) for item in node.value], node.at)
    if isinstance(node.value, dict):
        return Node({key: _map_strings(item, substitute) for key, item in node.value.items()}, node.at)
    return node
