"""The package's IAM evaluator (`compiler.iam`), asked the way the permission tests ask: the request
context a test passes is the whole request (`complete=True`, so IAM's rules for absent keys apply),
and anything the evaluator cannot decide, or any policy IAM would reject, raises `Unsupported`, so a
test can never pass because part of a policy was silently ignored."""

from __future__ import annotations

from typing import Iterable, Mapping

from rolec.iam.conditions import Answer, PolicyError, RequestContext, evaluate_block
from rolec.iam.evaluate import Decision, evaluate, evaluate_trust
from rolec.iam.wildcards import UnknownVariable, action_matches, glob_match
from rolec.iam.wildcards import resource_matches as _resource_matches

__all__ = ["Unsupported", "action_matches", "glob_match", "resource_matches", "conditions_hold", "is_allowed",
           "any_allowed", "trust_allows"]


class Unsupported(ValueError):
    """The policy uses something the evaluator does not model, or that IAM would reject."""


def _complete(context: Mapping | None) -> RequestContext:
    return RequestContext(dict(context or {}), complete=True)


def _decided(verdict) -> bool:
    if verdict.decision is Decision.UNDECIDED:
        raise Unsupported("; ".join(verdict.reasons))
    return verdict.allowed


def resource_matches(pattern: str, resource: str) -> bool:
    try:
        return _resource_matches(pattern, resource)
    except UnknownVariable as exc:
        raise Unsupported(str(exc)) from None


def conditions_hold(block: Mapping | None, context: Mapping) -> bool:
    try:
        outcome = evaluate_block(block, _complete(context))
    except PolicyError as exc:
        raise Unsupported(str(exc)) from None
    if outcome.answer is Answer.UNDECIDED:
        raise Unsupported("; ".join(outcome.reasons))
    return outcome.answer is Answer.YES


def any_allowed(policies: Iterable[Mapping], action: str, resource: str, context: Mapping | None = None) -> bool:
    """Several identity policies of one principal: an explicit deny in any wins, else any allow."""
    try:
        return _decided(evaluate(list(policies), action, resource, _complete(context)))
    except PolicyError as exc:
        raise Unsupported(str(exc)) from None


def is_allowed(policy_doc: Mapping, action: str, resource: str, context: Mapping | None = None) -> bool:
    """Whether this identity policy alone allows `action` on `resource` with `context`."""
    return any_allowed([policy_doc], action, resource, context)


def trust_allows(trust_doc: Mapping, service: str, context: Mapping | None = None,
                 action: str = "sts:AssumeRole") -> bool:
    """Whether the role's trust policy lets the service principal `service` call `action`."""
    try:
        return _decided(evaluate_trust(trust_doc, "Service", service, _complete(context), action))
    except PolicyError as exc:
        raise Unsupported(str(exc)) from None
