"""Writer safety: outputs never leave the out directory, symlinks are refused rather than followed,
concurrent builds never interleave (tested with real processes), and oversized input is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main
from rolec.spec.loader import MAX_SPEC_BYTES
from rolec.build.pipeline import compile_all
from rolec.build.writer import MANIFEST, UnsafeOutput, apply, locked, plan

from tests.support.files import snapshot
from tests.support.paths import ROOT

SPEC = "version: 1\nfeatures:\n  awslogs:\n    log_groups: [{group}]\n"


def specs(folder: Path, group: str) -> Path:
    folder.mkdir(parents=True)
    for name in ("alpha", "beta", "gamma"):
        (folder / f"{name}.yaml").write_text(SPEC.format(group=f"/ecs/{name}-{group}"))
    return folder


def build(*args: str) -> list[str]:
    return [sys.executable, "-m", "rolec", "build", "--no-cache", *args]


def test_concurrent_builds_wait_for_each_other_and_never_mix(tmp_path):
    """Two builds start while a third holder has the lock: both say they wait, nothing is written
    meanwhile, and afterwards out/ is exactly one build's complete output."""
    first, second = specs(tmp_path / "first", "one"), specs(tmp_path / "second", "two")
    references = {}
    for folder in (first, second):
        reference = tmp_path / f"ref-{folder.name}"
        subprocess.run(build(str(folder), "--out", str(reference)), check=True, cwd=ROOT, capture_output=True)
        references[folder.name] = {k: v for k, v in snapshot(reference).items() if k != MANIFEST}
    out = tmp_path / "out"
    with locked(out):
        processes = [subprocess.Popen(build(str(folder), "--out", str(out)), cwd=ROOT, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for folder in (first, second)]
        for process in processes:
            assert process.stderr.readline() == f"rolec: waiting for another rolec process using {out}\n"
        assert snapshot(out) == {}
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    final = snapshot(out)
    manifest = json.loads(final.pop(MANIFEST))
    assert final in references.values()
    winner = next(name for name, files in references.items() if files == final)
    assert {entry["spec"].split("/")[-2] for entry in manifest["roles"].values()} == {winner}


def test_check_waits_for_a_running_build(tmp_path):
    folder = specs(tmp_path / "specs", "one")
    out = tmp_path / "out"
    with locked(out):
        process = subprocess.Popen([sys.executable, "-m", "rolec", "check", "--no-cache", str(folder), "--out", str(out)],
                                   cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stderr.readline().startswith("rolec: waiting for another rolec process")
    process.communicate(timeout=120)
    assert process.returncode == 1


def test_a_symlinked_folder_inside_out_is_refused(tmp_path):
    folder = specs(tmp_path / "specs", "one")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "terraform").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "refusing to write through a symlink" in result.output
    assert list(elsewhere.iterdir()) == []


def test_a_symlink_planted_at_the_temporary_file_is_not_followed(tmp_path):
    folder = specs(tmp_path / "specs", "one")
    out = tmp_path / "out"
    compiled = compile_all(sorted(folder.glob("*.yaml")))
    changes = plan(out, compiled)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "cloudformation").mkdir(parents=True)
    (out / "cloudformation" / f".alpha.yaml.{os.getpid()}.tmp").symlink_to(victim)
    apply(out, changes)
    assert victim.read_text() == "precious\n"
    assert (out / "cloudformation" / "alpha.yaml").read_bytes() == changes.write["cloudformation/alpha.yaml"]


def test_a_tampered_manifest_cannot_remove_files_outside_out(tmp_path):
    folder = specs(tmp_path / "specs", "one")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / MANIFEST).write_text(json.dumps({"roles": {"gone": {"spec": "nowhere.yaml", "files": ["../victim.txt"]}}}))
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious\n"


def test_paths_outside_out_are_refused_by_the_planner(tmp_path):
    class Fake:
        def __init__(self, files):
            self.files, self.spec_file, self.role_id = files, tmp_path / "x.yaml", "x"
    for path in ("../escape.yaml", "/tmp/absolute.yaml"):
        try:
            plan(tmp_path / "out", [Fake({path: "x"})])
        except UnsafeOutput:
            continue
        raise AssertionError(f"{path} was accepted")


def test_a_spec_over_the_size_bound_is_refused(tmp_path):
    spec = tmp_path / "huge.yaml"
    spec.write_bytes(b"version: 1\n" + b"#" * MAX_SPEC_BYTES)
    result = CliRunner().invoke(main, ["build", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"huge.yaml:1:1: error: spec is {MAX_SPEC_BYTES + 11} bytes; at most {MAX_SPEC_BYTES} are accepted" in result.output
    assert not (tmp_path / "out").exists()
