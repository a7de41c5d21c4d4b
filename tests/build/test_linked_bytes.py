"""compiler/build/pipeline.py: the cache key of a spec includes the task definitions it links, read without
validating the spec (block-style lists line by line, anything else through YAML)."""

from __future__ import annotations

import pytest

from rolec.build import pipeline
from rolec.build.pipeline import linked_bytes


@pytest.mark.parametrize("text, paths", [
    (b"version: 1\ntask_definitions:\n  - path: a.json\n    set: {x: 1}\n  # note\n  - path: 'b c.json'  # c\nfeatures: {}\n",
     ["a.json", "b c.json"]),
    (b"task_definitions:  # linked\n- path: \"a.json\"\n", ["a.json"]),
    (b"task_definitions:\n  - set: {}\n    path: a.json\n", ["a.json"]),
    (b"task_definitions: [{path: a.json}, {path: b.json}]\n", ["a.json", "b.json"]),
    (b"task_definitions:\n  - path: >-\n      a.json\n", ["a.json"]),
    (b"description: mentions task_definitions\n", []),
    (b"task_definitions: [\n", []),
])
def test_linked_paths(text, paths):
    assert pipeline._linked_paths(text) == paths


def test_the_line_reader_agrees_with_yaml_on_what_infer_writes():
    text = b"features:\n  x: 1\ntask_definitions:\n  - path: ../taskdefs/orders.json\n    set: {A: b}\n"
    assert pipeline._linked_paths(text) == pipeline._parsed_paths(text) == ["../taskdefs/orders.json"]


def test_linked_bytes_change_with_the_file(tmp_path):
    spec = tmp_path / "specs" / "a.yaml"
    spec.parent.mkdir()
    text = b"version: 1\ntask_definitions:\n  - path: ../td.json\n"
    missing = linked_bytes(spec, text)
    (tmp_path / "td.json").write_text("{}")
    first = linked_bytes(spec, text)
    (tmp_path / "td.json").write_text("{ }")
    assert len({missing, first, linked_bytes(spec, text)}) == 3
    assert linked_bytes(spec, b"version: 1\n") == b""
