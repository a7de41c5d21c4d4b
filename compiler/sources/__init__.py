"""Location-aware readers of infrastructure files (JSON, CloudFormation YAML/JSON, Terraform HCL/JSON).

Every reader turns a file into a tree of `Node`s that remember their file, line and column,
resolving what the file itself determines (parameters with defaults, locals, literal joins,
pseudo parameters) and keeping everything else as a `Hole`: a value that only exists at deploy
time, with the `--set NAME=VALUE` that binds it when there is one. Nothing is guessed. Readers
know nothing about what the values mean (task definitions, IAM policies): callers decide which
holes matter.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

from ..errors import Diagnostic, SpecError
from ..text import Lookup, Pseudo, Text

MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, order=True)
class Span:
    path: str
    line: int
    col: int

    def error(self, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(self.path, self.line, self.col, message, severity)


@dataclass(frozen=True)
class Hole:
    """A value (or part of one) that the file does not determine."""

    written: str
    """The expression as written, e.g. `var.region`, `!ImportValue stack-Db`, `${LOG_GROUP}`."""
    binding: str | None
    """The NAME of `--set NAME=VALUE` that binds it; None when nothing can (then `reason` says why)."""
    at: Span
    reason: str = ""

    def message(self, what: str) -> str:
        if self.binding is not None:
            return (f"{what} depends on {self.written}, which is only known at deploy time; "
                    f"bind it with --set {self.binding}=VALUE")
        return f"{what} depends on {self.written}, which rolec cannot resolve: {self.reason}"


Part = Union[str, Pseudo, Lookup, Hole]


@dataclass(frozen=True)
class Node:
    """A located value: `value` is a tuple of parts (a string), int, float, bool, None,
    a list of Nodes, a dict of Nodes, or a Hole (a whole value unknown until deploy time)."""

    value: Any
    at: Span

    @classmethod
    def string(cls, parts, at: Span) -> "Node":
        """Adjacent literal parts joined, empty ones dropped, as `Text.of` does."""
        return cls(Text.of(*parts).parts, at)

    @property
    def is_string(self) -> bool:
        return isinstance(self.value, tuple)

    @property
    def literal(self) -> str | None:
        """The string when it is entirely known and literal, else None."""
        if not isinstance(self.value, tuple):
            return None
        if all(isinstance(p, str) for p in self.value):
            return "".join(self.value)
        return None

    def holes(self) -> Iterator[Hole]:
        """Every hole in this value and below it."""
        if isinstance(self.value, Hole):
            yield self.value
        elif isinstance(self.value, tuple):
            yield from (p for p in self.value if isinstance(p, Hole))
        elif isinstance(self.value, list):
            for item in self.value:
                yield from item.holes()
        elif isinstance(self.value, dict):
            for item in self.value.values():
                yield from item.holes()

    def plain(self) -> Any:
        """The value as plain Python data; strings keep holes and pseudo parameters as `${...}` text."""
        if isinstance(self.value, tuple):
            return "".join(p if isinstance(p, str) else "${" + p.value + "}" if isinstance(p, (Pseudo, Lookup))
                           else _written(p) for p in self.value)
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        if isinstance(self.value, dict):
            return {key: item.plain() for key, item in self.value.items()}
        if isinstance(self.value, Hole):
            return _written(self.value)
        return self.value


def _written(hole: Hole) -> str:
    return hole.written if hole.written.startswith("${") else "${" + hole.written + "}"


@dataclass
class Bindings:
    """The `--set NAME=VALUE` values, and which of them a reader used (an unused one is a warning)."""

    values: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    variables: dict[str, "Node"] = field(default_factory=dict)
    """Terraform `var.NAME` values read from the variable files given with `--var-file`, each located in its file;
    a `--set var.NAME=VALUE` wins over them."""

    def get(self, name: str) -> str | None:
        if name in self.values:
            self.used.add(name)
            return self.values[name]
        return None


def terraform_variables(var_files: list[Path]) -> dict[str, Node]:
    """`var.NAME` values of the Terraform variable files given with `--var-file` (none: nothing read, and the
    HCL parser is not imported)."""
    if not var_files:
        return {}
    from .terraform import read_var_files

    return read_var_files(var_files)


def fail(at: Span, message: str) -> SpecError:
    return SpecError([at.error(message)])


TOO_DEEP = "values are nested too deeply for rolec (Python's recursion limit)"


def read_text(path: Path, display: str, what: str) -> str:
    """The file's text, refusing huge files and bytes that are not UTF-8, with their location. Only a regular file
    is read (a device such as /dev/zero never ends, a pipe waits for a writer), and never past the limit."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            kind = "it is a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise fail(Span(display, 1, 1), f"cannot read {what}: {kind}")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise fail(Span(display, 1, 1), f"cannot read {what}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise fail(Span(display, 1, 1), f"{what} is {max(size, len(data))} bytes; at most {MAX_BYTES} are accepted")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(Span(display, line, col), f"{what} is not valid UTF-8 (byte 0x{data[exc.start]:02x})") from None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
