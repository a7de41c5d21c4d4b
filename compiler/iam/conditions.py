"""Condition operators as IAM evaluates them, with a third answer.

Keys compare case-insensitively, values case-sensitively (except the ...IgnoreCase operators).
Keys in one operator block, and operator blocks, are ANDed; the values of one key are ORed.

A request context is *complete* when it lists every key the request carries (then an absent key is
absent, and IAM's rules for absent keys apply: a positive operator fails, a negated one and
`...IfExists` hold, `ForAllValues:` holds, `ForAnyValue:` fails) or *partial* (the default: an absent
key is unknown, and any operator that depends on it is UNDECIDED). An operator this module does not
model is UNDECIDED too, never true or false.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Union

from .wildcards import arn_like, glob_match

ContextValue = Union[str, bool, int, list, tuple]


class PolicyError(ValueError):
    """A policy document that IAM itself would reject (or that is not a policy at all)."""


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Outcome:
    answer: Answer
    reasons: tuple[str, ...] = ()
    """Why the answer is UNDECIDED: each condition the evaluator could not decide."""

    @staticmethod
    def all_of(outcomes) -> "Outcome":
        """AND: one NO decides; otherwise any UNDECIDED leaves it undecided."""
        outcomes = list(outcomes)
        if any(o.answer is Answer.NO for o in outcomes):
            return NO
        reasons = tuple(r for o in outcomes if o.answer is Answer.UNDECIDED for r in o.reasons)
        return Outcome(Answer.UNDECIDED, reasons) if reasons else YES


YES = Outcome(Answer.YES)
NO = Outcome(Answer.NO)


def _undecided(reason: str) -> Outcome:
    return Outcome(Answer.UNDECIDED, (reason,))


@dataclass(frozen=True)
class RequestContext:
    """The condition keys of one request. `complete=True` says the request carries no other key."""

    values: Mapping[str, ContextValue] = field(default_factory=dict)
    complete: bool = False

    def lookup(self, key: str) -> list[str] | None:
        """The key's values (case-insensitive name), or None when the request does not carry it."""
        wanted = key.lower()
        for name, value in self.values.items():
            if name.lower() == wanted:
                items = list(value) if isinstance(value, (list, tuple)) else [value]
                return [policy_value(v) for v in items]
        return None

    def known(self, key: str) -> bool:
        return self.complete or self.lookup(key) is not None


def policy_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise PolicyError(f"condition value {value!r} is not a string, number or boolean")


_MATCHERS = {
    # base operator: (match(policy value, request value), negated)
    "StringEquals": (lambda p, v: p == v, False),
    "StringNotEquals": (lambda p, v: p == v, True),
    "StringEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), True),
    "StringLike": (glob_match, False),
    "StringNotLike": (glob_match, True),
    "ArnEquals": (arn_like, False),
    "ArnLike": (arn_like, False),
    "ArnNotEquals": (arn_like, True),
    "ArnNotLike": (arn_like, True),
    "Bool": (lambda p, v: p.lower() == v.lower(), False),
}
QUALIFIERS = ("ForAnyValue", "ForAllValues")
OPERATORS = frozenset([*_MATCHERS, "Null"])
"""The base operators modelled here (each also with IfExists, and with a set qualifier, except Null)."""


def evaluate_operator(operator: str, key: str, policy_values: list[str], context: RequestContext) -> Outcome:
    """One `operator: {key: values}` entry."""
    qualifier, _, name = operator.rpartition(":")
    if qualifier and qualifier not in QUALIFIERS:
        raise PolicyError(f"condition operator {operator!r}: {qualifier!r} is not ForAnyValue or ForAllValues")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    if base not in OPERATORS or (base == "Null" and (qualifier or if_exists)):
        return _undecided(f"condition operator {operator} is not modelled (key {key})")
    if not context.known(key):
        return _undecided(f"{operator} on {key}: the request context does not say whether or how {key} is set")
    present = context.lookup(key)

    if base == "Null":
        wanted = {v.lower() for v in policy_values}
        if not wanted <= {"true", "false"}:
            raise PolicyError(f"Null condition on {key}: values must be true or false, got {policy_values!r}")
        absent = not present
        return YES if any((v == "true") == absent for v in wanted) else NO

    match, negated = _MATCHERS[base]

    def value_ok(value: str) -> bool:
        hit = any(match(p, value) for p in policy_values)
        return not hit if negated else hit

    if qualifier == "ForAnyValue":
        held = bool(present) and any(value_ok(v) for v in present)
    elif qualifier == "ForAllValues":
        held = not present or all(value_ok(v) for v in present)
    elif present is None:
        held = if_exists or negated
    elif negated:
        held = all(value_ok(v) for v in present)
    else:
        held = any(value_ok(v) for v in present)
    return YES if held else NO


def check_block(block) -> None:
    """Raise PolicyError for a Condition element IAM would reject (whatever the request)."""
    if not isinstance(block, Mapping):
        raise PolicyError(f"Condition must map operators to keys, got {block!r}")
    for operator, keys in block.items():
        qualifier, _, _ = str(operator).rpartition(":")
        if qualifier and qualifier not in QUALIFIERS:
            raise PolicyError(f"condition operator {operator!r}: {qualifier!r} is not ForAnyValue or ForAllValues")
        if not isinstance(keys, Mapping):
            raise PolicyError(f"condition operator {operator!r} must map keys to values, got {keys!r}")
        for values in keys.values():
            for value in values if isinstance(values, (list, tuple)) else [values]:
                policy_value(value)


def evaluate_block(block: Mapping | None, context: RequestContext) -> Outcome:
    """A statement's whole Condition element."""
    if not block:
        return YES
    if not isinstance(block, Mapping):
        raise PolicyError(f"Condition must map operators to keys, got {block!r}")
    outcomes = []
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            raise PolicyError(f"condition operator {operator!r} must map keys to values, got {keys!r}")
        for key, values in keys.items():
            items = list(values) if isinstance(values, (list, tuple)) else [values]
            outcomes.append(evaluate_operator(str(operator), str(key), [policy_value(v) for v in items], context))
    return Outcome.all_of(outcomes)
