"""Reading a spec file into located YAML nodes (review finding 20: a lone anchor)."""

from __future__ import annotations

from tests.support.bad import build_text


def test_finding_20_a_lone_anchor_is_refused_at_its_position(tmp_path):
    code, stderr = build_text("version: 1\nmanaged_policy: &a true\n", tmp_path)
    assert code == 2
    assert stderr.endswith("role.yaml:2:17: error: YAML anchors and aliases are not supported in specs\n")


def test_an_ampersand_inside_a_value_is_not_an_anchor(tmp_path):
    code, stderr = build_text("version: 1\ndescription: 'R&D'\nmanaged_policy: true\n", tmp_path)
    assert code == 0, stderr
