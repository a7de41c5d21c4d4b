"""IAM policy documents from the IR: one walk over statements and conditions, with the leaf - how a
`Text` is written - chosen by the caller. CloudFormation, Terraform, the size accounting of
passes/pack.py and the IAM linters all render through `PolicyWriter`.
"""

from __future__ import annotations

from typing import Any, Callable

from .aws.iam import POLICY_VERSION
from .ir import Condition, Statement
from .text import Pseudo, Text


class PolicyWriter:
    """IAM's JSON policy grammar. `leaf` writes one `Text`; `collapse` writes a one-value condition list
    as that value (CloudFormation's house style; IAM stores either). A subclass renames the statement's
    elements (`names`) and may shape conditions and the document its own way."""

    names = {"sid": "Sid", "effect": "Effect", "actions": "Action", "resources": "Resource", "conditions": "Condition"}

    def __init__(self, leaf: Callable[[Text], Any], *, collapse: bool = False):
        self.leaf = leaf
        self.collapse = collapse

    def values(self, texts: tuple[Text, ...]) -> Any:
        values = [self.leaf(t) for t in texts]
        return values[0] if self.collapse and len(values) == 1 else values

    def conditions(self, conditions: tuple[Condition, ...]) -> Any:
        block: dict = {}
        for c in conditions:
            block.setdefault(c.operator, {})[c.key] = self.values(c.values)
        return block

    def statement(self, s: Statement) -> dict:
        name = self.names
        body: dict = {name["sid"]: s.sid, name["effect"]: "Allow", name["actions"]: list(s.actions),
                      name["resources"]: [self.leaf(r) for r in s.resources]}
        if s.conditions:
            body[name["conditions"]] = self.conditions(s.conditions)
        return body

    def document(self, statements: tuple[Statement, ...]) -> dict:
        return {"Version": POLICY_VERSION, "Statement": [self.statement(s) for s in statements]}


def filled(values: dict[Pseudo, str]) -> Callable[[Text], str]:
    """The leaf of a policy as IAM stores it once deployed: pseudo parameters replaced by `values`, lookups
    by their value in that region (or their longest, outside their table: what sizes measure)."""
    return lambda text: text.resolved(values)
