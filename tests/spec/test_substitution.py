"""A spec value is never read as `${…}` by a target: refused at the spec's own position, by validate too."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rolec.cli import main


@pytest.mark.parametrize("command", ["build", "validate"])
@pytest.mark.parametrize("text, where", [
    ('description: "Execution role for ${AWS::StackName}"\n', "2:14"),
    ("role: {path: '/${terraform.workspace}/'}\n", "2:14"),
    ("role: {permissions_boundary: 'arn:aws:iam::123456789012:policy/${ExecutionRole.Arn}/b'}\n", "2:30"),
    ("role: {existing: 'arn:aws:iam::123456789012:role/${x}/r'}\n", "2:18"),
])
def test_finding_16_a_substitution_in_a_spec_value_is_refused_at_its_position(command, text, where, tmp_path, monkeypatch):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text("version: 1\n" + text + "features: {awslogs: {log_groups: [/ecs/app]}}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"specs/app.yaml:{where}: error: ")
    assert "${" in result.stderr
    assert not (tmp_path / "out").exists()
