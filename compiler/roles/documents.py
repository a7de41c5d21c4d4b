"""Policy documents inside role sources: checked, and each statement given its location."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, Mapping

from ..iam.conditions import PolicyError
from ..iam.evaluate import statements
from . import jsonlines
from .model import Policy, Where, error


def plain(node: Any) -> Any:
    """A decoded document as plain dicts, lists and strings (cfn-lint's nodes compare oddly)."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def document(source, node: Any, where: Where) -> tuple[dict, tuple[Where, ...]]:
    """A policy document (a JSON object, or the string the IAM API returns: JSON, maybe URL-encoded)
    and the location of each of its statements."""
    if isinstance(node, str):
        text = urllib.parse.unquote(node) if node.lstrip().startswith("%7B") else node
        try:
            node = json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(where, f"policy document string is not JSON: {exc.msg}") from None
    doc = plain(node)
    try:
        found = statements(doc)
    except PolicyError as exc:
        raise error(where, f"not a valid IAM policy document: {exc}") from None
    raw = node.get("Statement") if isinstance(node, Mapping) else None
    raw = [raw] if isinstance(raw, Mapping) else (raw or [])
    positions = tuple(source.where(s, where) for s in raw) if len(raw) == len(found) else (where,) * len(found)
    return doc, positions


def inline(source, name: str, node: Any, where: Where, kind: str) -> Policy:
    doc, positions = document(source, node, where)
    return Policy(name, kind, where, doc, positions)
