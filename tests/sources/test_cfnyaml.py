"""compiler/sources/cfnyaml.py: short-form tags become CloudFormation's JSON form; anything else is refused."""

from __future__ import annotations

import pytest

from rolec.errors import SpecError
from rolec.sources import Span
from rolec.sources.cfnyaml import parse


def test_short_forms_and_positions():
    root = parse("a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub ['${A}', {A: 1}]\nd: !If [C, 1, 2]\ne: 'yes'\nf: yes\n", "t.yaml")
    assert root.value["a"].value["Ref"].literal == "X"
    assert [n.literal for n in root.value["b"].value["Fn::GetAtt"].value] == ["R", "Arn"]
    assert root.value["c"].value["Fn::Sub"].value[1].value["A"].value == 1
    assert list(root.value["d"].value) == ["Fn::If"]
    assert root.value["e"].literal == "yes" and root.value["f"].value is True
    assert root.value["b"].at == Span("t.yaml", 2, 4)


@pytest.mark.parametrize("text, where, message", [
    ("a: !Foo x\n", "t.yaml:1:4", "YAML tag '!Foo' is not a CloudFormation tag"),
    ("a: !!python/name:os.system x\n", "t.yaml:1:4", "is not allowed"),
    ("a: !!set {x: null}\n", "t.yaml:1:4", "is not allowed"),
    ("a: &x 1\nb: *x\n", "t.yaml:1:4", "anchors and aliases"),
    ("a: 1\n---\nb: 2\n", "t.yaml:2:1", "a second one starts here"),
    ("a: 1\na: 2\n", "t.yaml:2:1", "duplicate key 'a'"),
    ("a: [1\n", "t.yaml:2:1", "invalid YAML"),
    ("", "t.yaml:1:1", "the file is empty"),
    ("a:\n  <<: {b: 1}\n", "t.yaml:2:3", "merge keys"),
])
def test_refused_with_location(text, where, message):
    with pytest.raises(SpecError) as caught:
        parse(text, "t.yaml")
    assert str(caught.value).startswith(f"{where}: error: ") and message in str(caught.value)
