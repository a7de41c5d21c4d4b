"""The build summary counts roles from what the targets produced, never from output paths."""

from __future__ import annotations

from click.testing import CliRunner

from rolec.cli import main

STACKSET = """version: 1
features: {awslogs: {log_groups: [/ecs/app]}}
stackset:
  permission_model: self_managed
  accounts: ["111122223333"]
  regions: [us-east-1]
"""
PLAIN = "version: 1\nmanaged_policy: true\n"


def build() -> str:
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    return result.output


def test_b3_deleting_a_stackset_spec_removes_one_role(write_spec, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_spec(PLAIN, "plain")
    gone = write_spec(STACKSET, "rollout")
    assert build().startswith("built 2 roles (2 changed) in ")
    gone.unlink()
    assert build().startswith("built 1 role (0 changed, 1 removed) in ")


def test_b3_finding_17_deleting_the_stackset_section_changes_a_role_and_removes_none(write_spec, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = write_spec(STACKSET, "rollout")
    build()
    spec.write_text(STACKSET.split("stackset:")[0])
    assert build().startswith("built 1 role (1 changed) in ")


def test_finding_17_changing_only_stackset_regions_is_a_change(write_spec, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = write_spec(STACKSET, "rollout")
    build()
    spec.write_text(STACKSET.replace("[us-east-1]", "[us-east-1, eu-west-1]"))
    assert build().startswith("built 1 role (1 changed) in ")
