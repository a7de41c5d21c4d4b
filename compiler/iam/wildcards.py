"""IAM wildcard matching: `*` is any run of characters (also empty, also across `/` and `:`),
`?` is exactly one character. Action names compare case-insensitively, resources and condition
values case-sensitively; `${*}`, `${?}` and `${$}` are the literal escapes of policy variables."""

from __future__ import annotations

import re
from functools import lru_cache

VARIABLE_ESCAPES = {"${*}": "*", "${?}": "?", "${$}": "$"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@lru_cache(maxsize=8192)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(regex, re.S | (re.I if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whole-string match of an IAM wildcard pattern."""
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, ignore_case=True)


class UnknownVariable(LookupError):
    """A policy variable (`${aws:username}`) whose value the request context does not give."""

    def __init__(self, variable: str):
        self.variable = variable
        super().__init__(f"policy variable ${{{variable}}} has no value in the request context")


def resolve_variables(pattern: str, variables) -> list[tuple[str, bool]]:
    """The pattern as (text, is_literal) pieces: policy variables replaced by their context value
    (literal), the escapes by their character (literal), the rest kept as pattern text.
    `variables(name)` returns the value or None; None raises UnknownVariable."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(pattern):
        pieces.append((pattern[position:match.start()], False))
        token = match.group(0)
        if token in VARIABLE_ESCAPES:
            pieces.append((VARIABLE_ESCAPES[token], True))
        else:
            value = variables(match.group(1))
            if value is None:
                raise UnknownVariable(match.group(1))
            pieces.append((value, True))
        position = match.end()
    pieces.append((pattern[position:], False))
    return [piece for piece in pieces if piece[0]]


def resource_matches(pattern: str, resource: str, variables=lambda name: None) -> bool:
    """Case-sensitive match of a Resource pattern; raises UnknownVariable for a policy variable
    that `variables` cannot resolve."""
    if "${" not in pattern:
        return glob_match(pattern, resource)
    regex = []
    for text, literal in resolve_variables(pattern, variables):
        if literal:
            regex.append(re.escape(text))
        else:
            regex.append("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text))
    return re.fullmatch("".join(regex), resource, re.S) is not None


def arn_like(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated ARN parts is matched on its own,
    so a `*` in one part never spans into the next."""
    wanted, given = pattern.split(":", 5), value.split(":", 5)
    if len(wanted) != 6 or len(given) != 6:
        return False
    return all(glob_match(w, g) for w, g in zip(wanted, given))
