"""A small, faithful evaluator of IAM identity and trust policies, for tests.

It answers the question AWS answers at request time: is `action` on `resource`,
with this request context, allowed by this policy document? Only what the
policies rolec emits (and their near relatives) need is modelled, but each part
follows the IAM policy evaluation logic rather than the compiler's intent:

* Action matching is case-insensitive; `*` matches any run of characters and `?`
  exactly one (NotAction is supported).
* Resource matching is case-sensitive; `*` matches any run, including the empty
  run, `/` and `:`; `?` matches exactly one character (NotResource is supported).
  Policy variables (`${aws:username}`) are not modelled and raise, except the
  literal escapes `${*}`, `${?}` and `${$}`.
* Condition keys are case-insensitive, values are case-sensitive (except the
  ...IgnoreCase operators). Keys in one operator block, and operator blocks, are
  ANDed; the values of one key are ORed.
* A key missing from the context fails a positive operator (StringEquals,
  StringLike, ArnLike, ...) and satisfies a negated one (StringNotEquals, ...);
  `...IfExists` makes a missing key match. `ForAnyValue:` needs at least one
  context value to match (missing key: no match); `ForAllValues:` needs every
  context value to match (missing key or empty set: match).
* An explicit Deny wins over any Allow; no matching Allow means an implicit deny.

Anything outside that model (unknown operators, unknown policy elements) raises
`Unsupported`, so a test can never pass because the evaluator silently ignored
part of a policy.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping, Union

ContextValue = Union[str, list, tuple]
Context = Mapping[str, ContextValue]

_KNOWN_ELEMENTS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition",
                   "Principal", "NotPrincipal"}
_VARIABLE_ESCAPES = {"${*}": "*", "${?}": "?", "${$}": "$"}


class Unsupported(ValueError):
    """The policy uses something this evaluator does not model."""


# --------------------------------------------------------------------------- #
# Wildcard matching


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.S | (re.I if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """`*` = any run of characters (possibly empty), `?` = exactly one character; whole-string match."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, ignore_case=True)


def _resource_pattern(pattern: str) -> str:
    """The Resource pattern with the literal escapes of policy variables turned into plain characters.

    `${*}` and friends stand for a literal `*`; we mark them so they are not wildcards."""
    if "${" not in pattern:
        return pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("${", i):
            for escape, literal in _VARIABLE_ESCAPES.items():
                if pattern.startswith(escape, i):
                    out.append("\x00" + literal)
                    i += len(escape)
                    break
            else:
                end = pattern.find("}", i)
                raise Unsupported(f"policy variable {pattern[i:end + 1]!r} in resource {pattern!r} is not modelled")
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def resource_matches(pattern: str, resource: str) -> bool:
    pattern = _resource_pattern(pattern)
    if "\x00" not in pattern:
        return glob_match(pattern, resource)
    regex = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\x00":
            regex.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        regex.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.fullmatch("".join(regex), resource, re.S) is not None


# --------------------------------------------------------------------------- #
# Conditions


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _policy_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise Unsupported(f"condition value {value!r} is not a string, number or boolean")


def _split_arn(value: str) -> list[str] | None:
    parts = value.split(":", 5)
    return parts if len(parts) == 6 else None


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-delimited components is matched on its own."""
    p, v = _split_arn(pattern), _split_arn(value)
    if p is None or v is None:
        return False
    return all(glob_match(pp, vv) for pp, vv in zip(p, v))


_BASE_OPERATORS = {
    # name: (match(policy_value, context_value) -> bool, negated)
    "StringEquals": (lambda p, v: p == v, False),
    "StringNotEquals": (lambda p, v: p == v, True),
    "StringEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), True),
    "StringLike": (lambda p, v: glob_match(p, v), False),
    "StringNotLike": (lambda p, v: glob_match(p, v), True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
    "Bool": (lambda p, v: p.lower() == v.lower(), False),
}


def _lookup(context: Context, key: str) -> list[str] | None:
    """The context values of `key` (case-insensitive), or None when the key is absent."""
    wanted = key.lower()
    for name, value in context.items():
        if name.lower() == wanted:
            return [str(v) for v in _as_list(value)] if isinstance(value, (list, tuple)) else [str(value)]
    return None


def _condition_operator(operator: str, key: str, policy_values: list[str], context: Context) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise Unsupported(f"condition set qualifier {qualifier!r} in {operator!r}")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    present = _lookup(context, key)

    if base == "Null":
        if qualifier or if_exists:
            raise Unsupported(f"{operator!r}")
        want_absent = {v.lower() for v in policy_values}
        if not want_absent <= {"true", "false"}:
            raise Unsupported(f"Null condition values must be true/false, got {policy_values!r}")
        absent = present is None or present == []
        return any((v == "true") == absent for v in want_absent)

    if base not in _BASE_OPERATORS:
        raise Unsupported(f"condition operator {operator!r} is not modelled")
    match, negated = _BASE_OPERATORS[base]

    def value_ok(value: str) -> bool:
        hit = any(match(p, value) for p in policy_values)
        return not hit if negated else hit

    if qualifier == "ForAnyValue":
        if not present:
            return False
        return any(value_ok(v) for v in present)
    if qualifier == "ForAllValues":
        if not present:
            return True
        return all(value_ok(v) for v in present)
    # Single-valued operator.
    if present is None:
        return if_exists or negated
    if negated:
        return all(value_ok(v) for v in present)
    return any(value_ok(v) for v in present)


def conditions_hold(condition_block: Mapping | None, context: Context) -> bool:
    if not condition_block:
        return True
    if not isinstance(condition_block, Mapping):
        raise Unsupported(f"Condition must be a mapping, got {condition_block!r}")
    for operator, keys in condition_block.items():
        if not isinstance(keys, Mapping):
            raise Unsupported(f"Condition operator {operator!r} must map keys to values, got {keys!r}")
        for key, values in keys.items():
            policy_values = [_policy_value(v) for v in _as_list(values)]
            if not _condition_operator(str(operator), str(key), policy_values, context):
                return False
    return True


# --------------------------------------------------------------------------- #
# Statements


def _statements(policy_doc: Mapping) -> list[Mapping]:
    if not isinstance(policy_doc, Mapping):
        raise Unsupported(f"a policy document is a mapping, got {policy_doc!r}")
    unknown = set(policy_doc) - {"Version", "Id", "Statement"}
    if unknown:
        raise Unsupported(f"unknown policy elements {sorted(unknown)}")
    statements = policy_doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else list(statements)
    for s in statements:
        unknown = set(s) - _KNOWN_ELEMENTS
        if unknown:
            raise Unsupported(f"unknown statement elements {sorted(unknown)} in {s!r}")
        if s.get("Effect") not in ("Allow", "Deny"):
            raise Unsupported(f"Effect must be Allow or Deny, got {s.get('Effect')!r}")
    return statements


def _element_in(statement: Mapping, element: str, value: str, matches) -> bool:
    """Whether `value` is covered by the statement's `element` (Action, Resource) or its Not- form."""
    negated = f"Not{element}"
    if element in statement and negated in statement:
        raise Unsupported(f"a statement has both {element} and {negated}")
    if element in statement:
        return any(matches(p, value) for p in _as_list(statement[element]))
    if negated in statement:
        return not any(matches(p, value) for p in _as_list(statement[negated]))
    raise Unsupported(f"identity policy statement without {element} or {negated}: {statement!r}")


def _action_in(statement: Mapping, action: str) -> bool:
    return _element_in(statement, "Action", action, action_matches)


def _resource_in(statement: Mapping, resource: str) -> bool:
    return _element_in(statement, "Resource", resource, resource_matches)


def _decide(matching: Iterable[Mapping]) -> bool:
    allowed = False
    for statement in matching:
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


def is_allowed(policy_doc: Mapping, action: str, resource: str, context: Context | None = None) -> bool:
    """Whether this identity policy alone allows `action` on `resource` with `context`."""
    context = context or {}
    matching = []
    for s in _statements(policy_doc):
        if "Principal" in s or "NotPrincipal" in s:
            raise Unsupported("an identity policy statement has no Principal")
        if _action_in(s, action) and _resource_in(s, resource) and conditions_hold(s.get("Condition"), context):
            matching.append(s)
    return _decide(matching)


def any_allowed(policies: Iterable[Mapping], action: str, resource: str, context: Context | None = None) -> bool:
    """Several identity policies of one principal: an explicit deny in any wins, else any allow."""
    policies = list(policies)
    verdicts = []
    for p in policies:
        for s in _statements(p):
            if s["Effect"] == "Deny" and _action_in(s, action) and _resource_in(s, resource) \
                    and conditions_hold(s.get("Condition"), context or {}):
                return False
        verdicts.append(is_allowed(p, action, resource, context))
    return any(verdicts)


def _principal_matches(principal, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise Unsupported(f"Principal {principal!r}")
    for kind, ids in principal.items():
        ids = _as_list(ids)
        if kind == "AWS" and "*" in ids:
            return True
        if kind == "Service" and service in ids:
            return True
    return False


def trust_allows(trust_doc: Mapping, service: str, context: Context | None = None,
                 action: str = "sts:AssumeRole") -> bool:
    """Whether the role's trust policy lets the service principal `service` call `action` (sts:AssumeRole)."""
    context = context or {}
    matching = []
    for s in _statements(trust_doc):
        if "Resource" in s or "NotResource" in s:
            raise Unsupported("a trust policy statement has no Resource")
        if "NotPrincipal" in s:
            raise Unsupported("NotPrincipal is not modelled")
        if "Principal" not in s:
            raise Unsupported(f"trust policy statement without Principal: {s!r}")
        if _principal_matches(s["Principal"], service) and _action_in(s, action) \
                and conditions_hold(s.get("Condition"), context):
            matching.append(s)
    return _decide(matching)
