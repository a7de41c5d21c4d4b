"""I/O failures while writing out/ (review finding 10): `rolec: error: …`, exit 3, and out/ exactly as it
was before the build. Every failing call the writer makes is injected in turn: each os.mkdir, os.open,
os.write, os.replace and os.unlink it makes on a path under out/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main
from tests.support.faults import OPERATIONS, Faults

SPEC = "version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/{group}]\n"


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`, hidden ones included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


def build(out: Path, *args: str):
    return CliRunner().invoke(main, ["build", "specs", "--out", str(out), *args])


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A built out/ (alpha, beta, gamma), then specs changed so the next build writes, creates a folder and removes."""
    monkeypatch.chdir(tmp_path)
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("alpha", "beta", "gamma"):
        (specs / f"{name}.yaml").write_text(SPEC.format(group=name))
    assert build(tmp_path / "built").exit_code == 0
    (specs / "alpha.yaml").write_text(SPEC.format(group="alpha-changed"))
    (specs / "gamma.yaml").unlink()
    (specs / "delta.yaml").write_text(SPEC.format(group="delta"))
    return tmp_path


def counted_calls(project: Path, monkeypatch) -> dict[str, int]:
    shutil.copytree(project / "built", project / "count")
    with monkeypatch.context() as patch:
        faults = Faults(patch, project / "count")
        assert build(project / "count").exit_code == 0
    return faults.calls


def test_finding_10_every_failing_call_of_the_writer_leaves_out_as_it_was(project, monkeypatch):
    calls = counted_calls(project, monkeypatch)
    assert all(calls[name] for name in OPERATIONS if name != "unlink"), calls
    before = tree(project / "built")
    reference = project / "reference"
    assert build(reference).exit_code == 0
    injected = 0
    for operation in OPERATIONS:
        for index in range(calls[operation]):
            out = project / f"out-{operation}-{index}"
            shutil.copytree(project / "built", out)
            with monkeypatch.context() as patch:
                Faults(patch, out, operation, index)
                result = build(out)
            if operation == "unlink" and index >= calls["open"]:
                # deleting an old file renamed aside, after everything is in place: the build stands
                assert result.exit_code == 0, result.output
                assert build(out).exit_code == 0  # the next build clears what was left aside
                assert tree(out) == tree(reference), (operation, index)
                injected += 1
                continue
            assert result.exit_code == 3, (operation, index, result.output)
            assert result.stderr.startswith(f"rolec: error: cannot write {out}"), (operation, index, result.stderr)
            assert result.stderr.rstrip().endswith(f"{out} is as it was before the build"), result.stderr
            assert tree(out) == before, (operation, index)
            assert build(out).exit_code == 0  # and the next build, without the fault, completes it
            assert {k: v for k, v in tree(out).items()} == tree(reference), (operation, index)
            injected += 1
    assert injected == sum(calls.values())


def test_finding_10_a_failing_first_build_leaves_no_out_folder(project, monkeypatch):
    out = project / "fresh" / "out"
    with monkeypatch.context() as patch:
        Faults(patch, project / "fresh", "replace", 2)
        result = build(out)
    assert result.exit_code == 3
    assert not (project / "fresh").exists()


@pytest.mark.parametrize("out", ["afile/x", "/dev/null", "/proc/rolec-out"])
def test_finding_10_an_out_folder_that_cannot_be_made_is_an_environment_error(project, out):
    (project / "afile").write_text("a file, not a folder\n")
    result = build(Path(out))
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"rolec: error: cannot use {out} as the out folder: ")
    assert "Traceback" not in result.output


def test_finding_10_a_read_only_out_folder_is_an_environment_error(project):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    out = project / "built"
    before = tree(out)
    for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
        folder.chmod(0o555)
    try:
        result = build(out)
    finally:
        for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)
    assert result.exit_code == 3
    assert result.stderr.startswith("rolec: error: cannot write ")
    assert tree(out) == before
