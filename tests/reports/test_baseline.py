"""What `rolec diff` compares with (review finding 23): a missing baseline folder is an error, not "every role is new"."""

from __future__ import annotations

from click.testing import CliRunner

from rolec.cli import main


def test_finding_23_diff_without_its_baseline_folder_says_so(tmp_path, monkeypatch):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text("version: 1\nmanaged_policy: true\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # outside git, and out/ is not here
    result = CliRunner().invoke(main, ["diff", "../specs"])
    assert result.exit_code != 0
    assert "(new role)" not in result.output
    assert result.stderr.startswith("rolec: error: no baseline to compare with: out/ does not exist")
