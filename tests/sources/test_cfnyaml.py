"""compiler/sources/cfnyaml.py: short-form tags become CloudFormation's JSON form; anything else is refused."""

from __future__ import annotations

import os
import subprocess
import sys

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


def test_short_forms_are_not_taken_for_aliases_whatever_the_allocator_does(tmp_path):
    """CI failed on a copilot template: a short form's operand was re-read through a temporary YAML
    node, whose id() the alias check remembered; once freed, the next temporary could get the same
    id and be refused as an alias. glibc's malloc reuses freed blocks readily, so under it the old
    code failed this within a few hundred parses (58 of 300 here), while pymalloc hid it."""
    script = tmp_path / "parse_many.py"
    script.write_text(
        "from rolec.sources.cfnyaml import parse\n"
        "text = ''.join(f'C{i}: !Not [!Equals [!Ref P{i}, \"\"]]\\nG{i}: !GetAtt R{i}.Arn\\n' for i in range(50))\n"
        "for round in range(300):\n"
        "    spacer = [object() for _ in range(round)]\n"
        "    parse(text, 't.yaml')\n")
    done = subprocess.run([sys.executable, str(script)], env={**os.environ, "PYTHONMALLOC": "malloc"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
