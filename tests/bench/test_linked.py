"""bench/linked.py: the benchmark's linked specs build cleanly: every task definition's needs granted, no grant unneeded."""

from __future__ import annotations

from bench.linked import write_linked
from rolec.build.pipeline import compile_spec


def test_linked_specs_match_their_task_definitions(tmp_path):
    write_linked(tmp_path, 4)
    for spec in sorted((tmp_path / "specs").glob("*.yaml")):
        link = compile_spec(spec).link
        assert link is not None
        assert link.diagnostics(strict=True) == [], spec.name
