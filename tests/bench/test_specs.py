"""The benchmark's synthetic specs stay valid, so `make bench` measures real builds."""

from __future__ import annotations

from click.testing import CliRunner

from bench.specs import write_specs
from rolec.cli import main


def test_synthetic_specs_build_and_are_reproducible(tmp_path):
    first = [p.read_text() for p in write_specs(tmp_path / "a", 25)]
    second = [p.read_text() for p in write_specs(tmp_path / "b", 25)]
    assert first == second
    assert any("stackset:" in text for text in first), "StackSets on some specs, as the benchmark promises"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a"), "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 0, result.stderr
    assert "built 25 roles" in result.output
    assert list((tmp_path / "out" / "stacksets").glob("*.yaml"))


def test_the_benchmark_reads_the_lint_floor_from_rolec_v_build(tmp_path):
    """bench/run.py takes the cfn-lint floor from what `rolec -v build` says; a reworded line must fail here."""
    from bench.run import lint_floor

    write_specs(tmp_path / "specs", 3)
    result = CliRunner().invoke(main, ["-v", "build", str(tmp_path / "specs"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    floor, templates = lint_floor(result.stderr)
    expected = len(list((tmp_path / "out").rglob("*.yaml"))) + len(list((tmp_path / "out" / "stacksets").glob("*.yaml")))
    assert templates == expected and 0 < floor < 60
    cached = CliRunner().invoke(main, ["-v", "build", str(tmp_path / "specs"), "--out", str(tmp_path / "out")])
    assert "compiled 0 specs in 1 process; cfn-lint checked 0 templates in 0.00 s" in cached.stderr
