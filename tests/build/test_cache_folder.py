"""Where the build cache writes its ignore file (review finding 22)."""

from __future__ import annotations

from click.testing import CliRunner

from rolec.cli import main

SPEC = "version: 1\nmanaged_policy: true\n"


def test_finding_22_a_cache_in_an_existing_folder_writes_no_gitignore_there(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text(SPEC)
    result = CliRunner().invoke(main, ["build", "--cache-dir", "."])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / ".gitignore").exists()
    assert any(p.suffix == ".json" for p in tmp_path.glob("??/*.json")), "nothing was cached"


def test_a_cache_folder_rolec_creates_is_ignored_as_a_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text(SPEC)
    assert CliRunner().invoke(main, ["build", "--cache-dir", "cache/rolec"]).exit_code == 0
    assert (tmp_path / "cache" / "rolec" / ".gitignore").read_text() == "*\n"
    assert not (tmp_path / "cache" / ".gitignore").exists()
