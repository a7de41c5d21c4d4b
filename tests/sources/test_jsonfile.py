"""compiler/sources/jsonfile.py: a line and column for every value, placeholders, refusals."""

from __future__ import annotations

import pytest

from rolec.errors import SpecError
from rolec.sources import Hole, Span
from rolec.sources.jsonfile import parse, placeholders

TEXT = '{\n  "a": [1, 2.5, true, null],\n  "b": {"c": "x${N}y", "d": "${M}"}\n}'


def test_every_value_is_located():
    root = parse(TEXT, "f.json")
    a, b = root.value["a"], root.value["b"]
    assert a.at == Span("f.json", 2, 8)
    assert [item.at.col for item in a.value] == [9, 12, 17, 23]
    assert [item.value for item in a.value] == [1, 2.5, True, None]
    assert b.value["c"].at == Span("f.json", 3, 14)
    assert b.value["c"].literal == "x${N}y"


def test_placeholders_bind_or_stay_holes_at_their_column():
    root = parse(TEXT, "f.json", placeholders({"N": "-n-"}.get))
    assert root.value["b"].value["c"].literal == "x-n-y"
    hole = root.value["b"].value["d"].value[0]
    assert hole == Hole("${M}", "M", Span("f.json", 3, 30))


def test_embedded_text_keeps_the_outer_position():
    root = parse('[\n "a"]', "x.tf", line=10, col=5)
    assert root.at == Span("x.tf", 10, 5) and root.value[0].at == Span("x.tf", 11, 2)


@pytest.mark.parametrize("text, where, message", [
    ('{"a": }', "f.json:1:7", "invalid JSON: Expecting value"),
    ('{"a": 1,\n "a": 2}', "f.json:2:2", "duplicate key 'a'"),
    ("[" * 100000, "f.json:1:1", "nested too deeply"),
    ("", "f.json:1:1", "invalid JSON"),
])
def test_bad_json_is_located(text, where, message):
    with pytest.raises(SpecError) as caught:
        parse(text, "f.json")
    assert str(caught.value).startswith(f"{where}: error: ") and message in str(caught.value)
