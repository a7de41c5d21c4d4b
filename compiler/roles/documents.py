"""Policy documents inside role sources: located trees (`sources.Node`) turned into IAM JSON, checked,
and each statement given its location. A value the file leaves to deploy time (a `Hole`) inside a
policy is refused with its location and the `--set` that binds it; pseudo parameters are written
`${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}`."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from ..errors import SpecError
from ..iam.conditions import PolicyError
from ..iam.evaluate import statements
from ..iam.location import PSEUDO_NAMES
from ..sources import URL_SUFFIX, Hole, Node, Span, fail, jsonfile
from ..text import Pseudo
from .model import Policy, Where


def where(span: Span) -> Where:
    return Where(span.path, span.line, span.col)


def iam_json(node: Node, what: str, keep_holes: bool = False) -> Any:
    """Plain IAM JSON from a located value. A Hole raises a located error, unless `keep_holes`
    (trust policies: a principal known only at deploy time is itself the finding), which writes it
    `${as written}` (IAM would read it as a policy variable, so it never matches by accident)."""
    value = node.value
    if isinstance(value, Hole):
        if keep_holes:
            return _kept(value)
        raise SpecError([value.at.error(value.message(what))])
    if isinstance(value, tuple):
        parts = []
        for part in value:
            if isinstance(part, Hole) and not keep_holes:
                raise SpecError([part.at.error(part.message(what))])
            parts.append(part if isinstance(part, str) else _kept(part) if isinstance(part, Hole) else "${" + (
                PSEUDO_NAMES[part] if isinstance(part, Pseudo) else part.name) + "}")
        return "".join(parts)
    if isinstance(value, list):
        return [iam_json(item, what, keep_holes) for item in value]
    if isinstance(value, dict):
        return {key: iam_json(item, what, keep_holes) for key, item in value.items()}
    return value


def _kept(hole: Hole) -> str:
    """A Hole kept in a trust policy: the deploying partition's domain (`AWS::URLSuffix`, Terraform's aws_partition
    `dns_suffix`) as `${AWS::URLSuffix}`, which the audit renders for the deployment; anything else as written."""
    return "${" + (URL_SUFFIX if hole.binding == URL_SUFFIX else hole.written) + "}"


def embedded(node: Node) -> Node:
    """A policy given as a string of JSON (the IAM API's form, maybe URL-encoded; a heredoc): parsed in place."""
    text = node.literal
    if text is None:
        return node
    decoded = unquote(text) if text.lstrip().startswith("%7B") else text
    return jsonfile.parse(decoded, node.at.path, line=node.at.line, col=node.at.col + (decoded == text))


def document(node: Node, what: str, keep_holes: bool = False) -> tuple[dict, tuple[Where, ...]]:
    """The IAM JSON of a policy document and the location of each of its statements."""
    node = embedded(node)
    doc = iam_json(node, what, keep_holes)
    raw = node.value.get("Statement") if isinstance(node.value, dict) else None
    raw = [raw] if raw is not None and isinstance(raw.value, dict) else (raw.value if raw is not None else [])
    for statement in raw if isinstance(raw, list) else ():  # located at the statement that is wrong
        try:
            statements({"Statement": [iam_json(statement, what, keep_holes)]})
        except PolicyError as exc:
            raise fail(statement.at, f"{what}: not a valid IAM policy statement: {exc}") from None
    try:
        found = statements(doc)
    except PolicyError as exc:
        raise fail(node.at, f"{what}: not a valid IAM policy document: {exc}") from None
    positions = tuple(where(s.at) for s in raw) if len(raw) == len(found) else (where(node.at),) * len(found)
    return doc, positions


def inline(name: str, node: Node, kind: str, at: Span | None = None) -> Policy:
    doc, positions = document(node, f"policy {name}")
    return Policy(name, kind, where(at or node.at), doc, positions)


def text_of(node: Node | None) -> str | None:
    """A literal string value, else None."""
    return None if node is None else node.literal


def json_dumps(value) -> str:
    return json.dumps(value, sort_keys=True)
