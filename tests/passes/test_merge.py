"""passes/merge.py on hand-written grants: no spec, troposphere or cfn-lint involved."""

from __future__ import annotations

from rolec.ir import Condition, Grant, Source
from rolec.passes.merge import merge
from rolec.text import Text

SOURCE = Source("f", "k", 1, "why")


def grant(sid: str, purpose: str, actions: tuple[str, ...], *resources: str, conditions=()) -> Grant:
    return Grant(sid, purpose, actions, tuple(Text.of(r) for r in resources), (SOURCE,), conditions)


def test_equal_actions_and_conditions_share_a_statement_with_sorted_resources():
    (statement,) = merge((grant("A", "Read", ("s:Get",), "b"), grant("B", "Other", ("s:Get",), "a")))
    assert statement.sid == "ABRead"
    assert [r.key for r in statement.resources] == ["a", "b"]


def test_a_sid_used_twice_gets_a_number():
    vpce = (Condition("StringEquals", "aws:SourceVpce", (Text.of("vpce-1"),)),)
    statements = merge((grant("A", "Read", ("s:Get",), "a"), grant("A", "Read", ("s:Get",), "b", conditions=vpce)))
    assert [s.sid for s in statements] == ["ARead", "ARead2"]


def test_condition_order_and_duplicate_values_do_not_split_a_statement():
    one = (Condition("StringEquals", "k2", (Text.of("x"),)), Condition("StringEquals", "k1", (Text.of("y"), Text.of("y"))))
    two = (Condition("StringEquals", "k1", (Text.of("y"),)), Condition("StringEquals", "k2", (Text.of("x"),)))
    (statement,) = merge((grant("A", "R", ("s:Get",), "a", conditions=one), grant("A", "R", ("s:Get",), "b", conditions=two)))
    assert [(c.key, [v.key for v in c.values]) for c in statement.conditions] == [("k1", ["y"]), ("k2", ["x"])]
