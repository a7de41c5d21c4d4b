"""Run a bad-input example (tests/examples/bad/NAME.yaml) through `rolec build` the way the
bad-spec suite does, for the regression test named after a review finding."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main

BAD = Path(__file__).resolve().parent.parent / "examples" / "bad"


def refusal(name: str, tmp_path: Path, monkeypatch) -> tuple[int, str]:
    """Exit code and stderr of building bad/NAME.yaml into an out folder that must stay absent."""
    monkeypatch.chdir(BAD)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", f"{name}.yaml", "--out", str(out)])
    assert not out.exists(), "a refused build created the out folder"
    return result.exit_code, result.stderr


def expected(name: str) -> str:
    return (BAD / f"{name}.err").read_text()


def build_text(text: str, tmp_path: Path, name: str = "role") -> tuple[int, str]:
    """Exit code and stderr of building one spec written from `text` (the out folder must stay absent on refusal)."""
    folder = tmp_path / "specs"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder / f"{name}.yaml"), "--out", str(out)])
    assert result.exit_code == 0 or not out.exists(), "a refused build created the out folder"
    return result.exit_code, result.stderr
