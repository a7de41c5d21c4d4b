"""`rolec validate` (compiler/commands/validate.py) checks the link of each spec as the build does: the linked task
definitions exist, parse, and the spec still covers exactly what they need; it writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main

WEB = Path(__file__).parent / "fixtures" / "web-taskdef.json"


def project(tmp_path: Path, taskdef: Path = WEB) -> Path:
    """specs/web.yaml inferred from taskdefs/web.json and linked to it; the task definition's copy is returned."""
    (tmp_path / "taskdefs").mkdir()
    (tmp_path / "specs").mkdir()
    copy = tmp_path / "taskdefs" / "web.json"
    shutil.copyfile(taskdef, copy)
    spec = tmp_path / "specs" / "web.yaml"
    result = CliRunner().invoke(main, ["infer", str(copy), "-o", str(spec)])
    assert result.exit_code == 0, result.output
    spec.write_text(spec.read_text() + "task_definitions:\n  - path: ../taskdefs/web.json\n")
    return copy


def validate(*args: str):
    return CliRunner().invoke(main, ["validate", *args, "specs"])


def change(taskdef: Path, edit) -> None:
    body = json.loads(taskdef.read_text())
    edit(body["containerDefinitions"][0])
    taskdef.write_text(json.dumps(body, indent=2))


def test_a_spec_that_covers_its_task_definitions_is_valid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project(tmp_path)
    result = validate()
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and "1 spec valid" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["specs", "taskdefs"]  # nothing written


def test_a_need_the_spec_does_not_grant_is_exit_1_at_the_task_definition(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    taskdef = project(tmp_path)
    change(taskdef, lambda c: c["secrets"].append({"name": "NEW", "valueFrom": "/web/new"}))
    result = validate()
    assert result.exit_code == 1
    assert ("taskdefs/web.json:15:24: error: container web needs ssm:GetParameters on "
            "arn:{partition}:ssm:{region}:{account}:parameter/web/new (secrets[1].valueFrom), which specs/web.yaml does "
            "not grant: add '/web/new' to features.secrets.ssm_parameters") in result.stderr
    assert "1 spec valid" not in result.output


def test_a_grant_none_needs_is_a_warning_and_an_error_when_strict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    taskdef = project(tmp_path)
    change(taskdef, lambda c: c.pop("secrets"))
    result = validate()
    assert result.exit_code == 0, result.output
    assert "specs/web.yaml:" in result.stderr and ": warning: features.secrets.secrets_manager[0]" in result.stderr
    strict = validate("--strict")
    assert strict.exit_code == 1 and ": error: features.secrets.secrets_manager[0]" in strict.stderr


@pytest.mark.parametrize("damage, located", [
    (lambda td: td.write_text("{"), "taskdefs/web.json:1:2: error: invalid JSON"),
    (lambda td: td.unlink(), "specs/web.yaml:"),
])
def test_a_task_definition_that_cannot_be_read_is_exit_2_located(tmp_path, monkeypatch, damage, located):
    monkeypatch.chdir(tmp_path)
    damage(project(tmp_path))
    result = validate()
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(located)
