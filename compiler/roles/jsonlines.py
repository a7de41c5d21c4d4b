"""JSON with the line and column of every object, for role sources written as JSON.

cfn-lint's JSON decoder records where each object's first key is (and refuses duplicate keys, which
plain `json` silently drops); it knows nothing CloudFormation-specific at this level. The position
reported for an object is its opening brace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cfnlint.decode import cfn_json

from .model import Where, error


@dataclass(frozen=True)
class JsonFile:
    path: str
    text: str
    data: Any

    def where(self, node: Any, fallback: Where | None = None) -> Where:
        """The position of a decoded object's `{` (1-based); `fallback` (or 1:1) when unknown."""
        mark = getattr(node, "start_mark", None)
        if mark is None:
            return fallback or Where(self.path, 1, 1)
        line_start = 0
        for _ in range(mark.line):
            line_start = self.text.index("\n", line_start) + 1
        brace = self.text.rfind("{", 0, line_start + max(mark.column - 1, 0))
        if brace < 0:
            return fallback or Where(self.path, mark.line + 1, 1)
        line = self.text.count("\n", 0, brace) + 1
        return Where(self.path, line, brace - self.text.rfind("\n", 0, brace))


def load(path: str, text: str) -> JsonFile:
    """Syntax errors are located by `json` (exact line and column); duplicate keys by cfn-lint."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(Where(path, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise error(Where(path, 1, 1), "invalid JSON: nested too deeply") from None
    try:
        return JsonFile(path, text, cfn_json.loads(text))
    except cfn_json.JSONDecodeError as exc:
        line = text.count("\n", 0, exc.pos) + 1
        col = exc.pos - text.rfind("\n", 0, exc.pos)
        raise error(Where(path, line, col), f"invalid JSON: {exc.msg}") from None
