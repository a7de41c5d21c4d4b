"""Pack a role's statements into policy documents within IAM's size limits, spilling into customer
managed policies.

IAM counts a policy's characters without whitespace. A role's inline policies may
hold 10,240 characters together; a customer managed policy 6,144; a role may have 10
managed policies attached (AmazonECSTaskExecutionRolePolicy included). Sizes are
measured on the policy as IAM will store it, with the pseudo parameters filled with
the longest plausible values, so a role that fits here fits after any deployment.

A role that fits inline keeps its single inline policy. Otherwise statements are
packed in order, first into the inline policy, then into managed policies of 6,144
characters; a statement that does not fit is split by resources (same actions and
conditions, so the same permissions). Both targets render the resulting documents.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..aws.arn import PARTITIONS
from ..aws.regions import LONGEST_REGION
from ..aws.iam import MANAGED_POLICY_ACTIONS, MANAGED_POLICY_SID, POLICY_VERSION
from ..errors import Diagnostic, SpecError
from ..ir import PolicyDocument, Role, Statement
from ..policy import PolicyWriter, filled
from ..text import Pseudo, Text

INLINE_LIMIT = 10_240
"""Aggregate size of a role's inline policies (IAM and AWS STS quotas, 'Role policy size')."""
MANAGED_LIMIT = 6_144
"""Size of one customer managed policy ('Managed policy size')."""
MAX_ATTACHED = 10
"""Managed policies attached to one role (default quota, 'Managed policies attached to an IAM role')."""

LONGEST = {
    Pseudo.PARTITION: max(PARTITIONS, key=len),
    Pseudo.REGION: LONGEST_REGION,
    Pseudo.ACCOUNT: "123456789012",
}
"""The longest partition, region and account id a deployment can substitute."""
SIZED = PolicyWriter(filled(LONGEST))
"""Policies as IAM stores them, filled with the longest values (lists always spelled as lists: never
shorter than IAM's form)."""

_EMPTY = len(json.dumps({"Version": POLICY_VERSION, "Statement": []}, separators=(",", ":")))


class TooLarge(Exception):
    """The statements need more policy space than IAM allows one role."""

    def __init__(self, needed: int, capacity: int):
        self.needed, self.capacity = needed, capacity
        super().__init__(f"needs {needed} characters, at most {capacity} fit")


def _size(value) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def policy_size(statements: tuple[Statement, ...]) -> int:
    """Characters of the policy document, whitespace excluded, as IAM counts them."""
    return _size(SIZED.document(statements))


def _bins(inline_name: str, managed_name: str, attached: int) -> list[tuple[str, bool, int]]:
    # The inline limit is counted with the policy name, which costs nothing to be safe about.
    bins = [(inline_name, False, INLINE_LIMIT - len(inline_name))]
    bins += [(f"{managed_name}-{i}", True, MANAGED_LIMIT) for i in range(1, MAX_ATTACHED - attached + 1)]
    return bins


def pack(statements: tuple[Statement, ...], inline_name: str, attached: int) -> tuple[PolicyDocument, ...]:
    """Policy documents for `statements`: one inline policy if they fit, else inline plus managed policies."""
    if not statements:
        return ()
    bins = _bins(inline_name, inline_name, attached)
    if policy_size(statements) <= bins[0][2]:
        return (PolicyDocument(inline_name, False, statements),)
    documents: list[PolicyDocument] = []
    current: list[Statement] = []
    used = _EMPTY
    index = 0
    parts: dict[str, int] = {}

    def close() -> None:
        nonlocal current, used, index
        name, managed, _ = bins[index]
        documents.append(PolicyDocument(name, managed, tuple(current)))
        current, used, index = [], _EMPTY, index + 1

    for s in statements:
        remaining = list(s.resources)
        while remaining:
            if index >= len(bins):
                raise TooLarge(policy_size(statements), capacity(attached))
            room = bins[index][2]
            parts[s.sid] = parts.get(s.sid, 0) + 1
            sid = s.sid if parts[s.sid] == 1 else f"{s.sid}Part{parts[s.sid]}"
            chunk = replace(s, sid=sid, resources=())
            # Cost of the statement without resources, plus its separator from the previous statement.
            cost = _size(SIZED.statement(chunk)) + (1 if current else 0)
            taken = 0
            for r in remaining:
                extra = _size(SIZED.leaf(r)) + (1 if taken else 0)
                if used + cost + extra > room:
                    break
                cost += extra
                taken += 1
            if taken == 0:
                parts[s.sid] -= 1
                if not current:
                    raise TooLarge(policy_size(statements), capacity(attached))
                close()
                continue
            current.append(replace(chunk, resources=tuple(remaining[:taken])))
            used += cost
            remaining = remaining[taken:]
            if remaining:
                close()
    if current:
        close()
    return tuple(documents)


def check_existing(statements: tuple[Statement, ...], managed_policy: bool) -> None:
    """An existing role gets one policy (a customer managed policy in CloudFormation): it must fit in
    6,144 characters, with AmazonECSTaskExecutionRolePolicy's statement when that is asked for."""
    if managed_policy:
        statements = (Statement(MANAGED_POLICY_SID, tuple(sorted(MANAGED_POLICY_ACTIONS)),
                                (Text.of("*"),), (), ()), *statements)
    size = policy_size(statements)
    if size > MANAGED_LIMIT:
        raise TooLarge(size, MANAGED_LIMIT)


def capacity(attached: int) -> int:
    """Characters one role can hold: the inline limit plus every managed policy it may still attach."""
    return sum(b[2] for b in _bins("", "", attached))


def run(role: Role) -> Role:
    """The role with its documents; a role too large for IAM is refused at the spec section that makes it so."""
    try:
        if role.existing:
            check_existing(role.statements, bool(role.managed_policies))
            return role
        return replace(role, documents=pack(role.statements, role.policy_name, len(role.managed_policies)))
    except TooLarge as exc:
        raise SpecError([too_large(role, exc)]) from None


def too_large(role: Role, exc: TooLarge) -> Diagnostic:
    """The one wording of "these permissions do not fit", blaming `stackset` when its regions made them grow."""
    measured = "(measured with the longest partition, region and account)"
    if role.existing:
        room = (f"the one customer managed policy rolec attaches to an existing role holds {MANAGED_LIMIT}; "
                "split these tasks across several specs")
    else:
        attached = len(role.managed_policies)
        room = (f"one role holds at most {exc.capacity}: {INLINE_LIMIT} inline and {MANAGED_LIMIT} in each of up to "
                f"{MAX_ATTACHED - attached} customer managed policies ({MAX_ATTACHED} attached per role"
                f"{', AmazonECSTaskExecutionRolePolicy included' if attached else ''}); "
                "split these tasks across several roles")
    if role.home_region:
        line, col = role.anchor("stackset")
        message = (f"stackset: granted in each of the {len(role.rollout.regions)} StackSet regions, the role's statements "
                   f"need {exc.needed:,} characters of policy and one role holds at most {exc.capacity:,}; list fewer "
                   "regions or resources, or split the tasks across specs")
    else:
        line, col = role.anchor("features")
        message = f"features: the role's permissions need {exc.needed} characters of IAM policy {measured}, but {room}"
    return Diagnostic(role.spec_path, line, col, message)
