"""Identity-policy evaluation: an explicit Deny beats any Allow, an Allow beats the implicit deny,
and a statement whose Condition (or policy variable) cannot be decided makes the answer UNDECIDED
wherever it could change it.

Several policies of one principal (inline policies, attached managed policies) are evaluated as one
set of statements, which is what IAM does for an identity. Resource policies, permissions
boundaries, SCPs and session policies are out of scope (the caller reports them as unknowns).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Mapping

from .conditions import NO, YES, Answer, Outcome, PolicyError, RequestContext, check_block, evaluate_block
from .wildcards import UnknownVariable, action_matches, resource_matches

ELEMENTS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition",
                      "Principal", "NotPrincipal"})


class Decision(enum.Enum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    allowed_by: tuple[tuple[int, int], ...] = ()
    """(policy index, statement index) of the Allow statements that apply (or may apply)."""
    denied_by: tuple[tuple[int, int], ...] = ()
    reasons: tuple[str, ...] = ()
    """What could not be decided, when the decision is UNDECIDED."""

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED


def as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def statements(document: Mapping) -> list[Mapping]:
    """The statements of a policy document, checked for the shape IAM accepts."""
    if not isinstance(document, Mapping):
        raise PolicyError(f"a policy document is a JSON object, got {type(document).__name__}")
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        raise PolicyError(f"unknown policy elements {sorted(unknown)}")
    found = document.get("Statement", [])
    found = [found] if isinstance(found, Mapping) else found
    if not isinstance(found, list):
        raise PolicyError(f"Statement must be an object or a list, got {type(found).__name__}")
    for statement in found:
        if not isinstance(statement, Mapping):
            raise PolicyError(f"a statement is a JSON object, got {statement!r}")
        unknown = set(statement) - ELEMENTS
        if unknown:
            raise PolicyError(f"unknown statement elements {sorted(unknown)}")
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"Effect must be Allow or Deny, got {statement.get('Effect')!r}")
        for element in ("Action", "Resource", "Principal"):
            if element in statement and f"Not{element}" in statement:
                raise PolicyError(f"a statement has both {element} and Not{element}")
        if "Action" not in statement and "NotAction" not in statement:
            raise PolicyError("a statement has neither Action nor NotAction")
        for element in ("Action", "NotAction", "Resource", "NotResource"):
            if not _strings(statement.get(element, "")):
                raise PolicyError(f"{element} must be a string or a list of strings, got {statement[element]!r}")
        for element in ("Principal", "NotPrincipal"):
            value = statement.get(element, "*")
            if value != "*" and not (isinstance(value, Mapping) and all(_strings(v) for v in value.values())):
                raise PolicyError(f'{element} must be "*" or an object of strings or lists of strings, got {value!r}')
        if "Condition" in statement:
            check_block(statement["Condition"])
    return found


def _strings(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def identity_statements(document: Mapping) -> list[Mapping]:
    """The statements of an identity policy (a role's permissions): as `statements`, and each names its
    resources and no principal."""
    found = statements(document)
    for statement in found:
        if "Principal" in statement or "NotPrincipal" in statement:
            raise PolicyError("an identity policy statement has no Principal")
        if "Resource" not in statement and "NotResource" not in statement:
            raise PolicyError("an identity policy statement has neither Resource nor NotResource")
    return found


def action_in(statement: Mapping, action: str) -> bool:
    if "Action" in statement:
        return any(action_matches(p, action) for p in as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in as_list(statement["NotAction"]))
    raise PolicyError("a statement has neither Action nor NotAction")


def resource_in(statement: Mapping, resource: str, context: RequestContext) -> Outcome:
    negated = "Resource" not in statement
    if negated and "NotResource" not in statement:
        raise PolicyError("an identity policy statement has neither Resource nor NotResource")
    patterns = as_list(statement["NotResource" if negated else "Resource"])
    variable = lambda name: (context.lookup(name) or [None])[0]  # noqa: E731 - single-valued keys only
    hits, unknown = [], []
    for pattern in patterns:
        try:
            hits.append(resource_matches(str(pattern), resource, variable))
        except UnknownVariable as exc:
            unknown.append(f"resource {pattern}: {exc}")
    if any(hits):
        return NO if negated else YES
    if unknown:
        return Outcome(Answer.UNDECIDED, tuple(unknown))
    return YES if negated else NO


def statement_applies(statement: Mapping, action: str, resource: str, context: RequestContext) -> Outcome:
    if not action_in(statement, action):
        return NO
    return Outcome.all_of([resource_in(statement, resource, context),
                           evaluate_block(statement.get("Condition"), context)])


def _decide(applying: list[tuple[tuple[int, int], str, Outcome]]) -> Verdict:
    sure_deny = [where for where, effect, o in applying if effect == "Deny" and o.answer is Answer.YES]
    maybe_deny = [(where, o) for where, effect, o in applying if effect == "Deny" and o.answer is Answer.UNDECIDED]
    sure_allow = [where for where, effect, o in applying if effect == "Allow" and o.answer is Answer.YES]
    maybe_allow = [(where, o) for where, effect, o in applying if effect == "Allow" and o.answer is Answer.UNDECIDED]
    if sure_deny:
        return Verdict(Decision.EXPLICIT_DENY, denied_by=tuple(sure_deny))
    if not sure_allow and not maybe_allow:
        return Verdict(Decision.IMPLICIT_DENY)
    if sure_allow and not maybe_deny:
        return Verdict(Decision.ALLOWED, allowed_by=tuple(sure_allow))
    open_questions = [o for _, o in maybe_deny] + ([] if sure_allow else [o for _, o in maybe_allow])
    return Verdict(Decision.UNDECIDED, allowed_by=tuple(sure_allow) + tuple(w for w, _ in maybe_allow),
                   denied_by=tuple(w for w, _ in maybe_deny),
                   reasons=tuple(dict.fromkeys(r for o in open_questions for r in o.reasons)))


def evaluate(policies: Iterable[Mapping], action: str, resource: str,
             context: RequestContext | None = None) -> Verdict:
    """Whether one identity, holding these policies, may call `action` on `resource`."""
    context = context or RequestContext()
    applying = []
    for p, document in enumerate(policies):
        for s, statement in enumerate(identity_statements(document)):
            outcome = statement_applies(statement, action, resource, context)
            if outcome.answer is not Answer.NO:
                applying.append(((p, s), statement["Effect"], outcome))
    return _decide(applying)


def principal_matches(principal, kind: str, identifier: str) -> bool:
    """Whether a Principal element names `identifier` of `kind` (Service, AWS, Federated), or everyone."""
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise PolicyError(f"Principal must be \"*\" or an object, got {principal!r}")
    named = as_list(principal.get(kind))
    return identifier in named or (kind == "AWS" and "*" in named)


def evaluate_trust(document: Mapping, kind: str, identifier: str, context: RequestContext | None = None,
                   action: str = "sts:AssumeRole") -> Verdict:
    """Whether a role's trust policy lets the principal call `action` (by default sts:AssumeRole)."""
    context = context or RequestContext()
    applying = []
    for s, statement in enumerate(statements(document)):
        if "Resource" in statement or "NotResource" in statement:
            raise PolicyError("a trust policy statement has no Resource")
        if "NotPrincipal" in statement:
            outcome = Outcome(Answer.UNDECIDED, ("NotPrincipal in a trust policy is not modelled",))
        elif "Principal" not in statement:
            raise PolicyError("a trust policy statement needs a Principal")
        elif not (principal_matches(statement["Principal"], kind, identifier) and action_in(statement, action)):
            continue
        else:
            outcome = evaluate_block(statement.get("Condition"), context)
        if outcome.answer is not Answer.NO:
            applying.append(((0, s), statement["Effect"], outcome))
    return _decide(applying)

