"""The command line and the writer: outputs, idempotence, determinism, stale files, check, safety."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main
from rolec.build.discover import display
from rolec.build.pipeline import Compiled, LintError, compile_spec, lint_all
from rolec.build.writer import MANIFEST
from rolec.reports.owners import owner_grants

from tests.conftest import OUT, ROOT, SPECS
from tests.support.files import snapshot

MINIMAL = "version: 1\nmanaged_policy: true\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_build_writes_both_targets_and_a_manifest(tmp_path):
    result = run("build", str(SPECS), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    files = snapshot(tmp_path / "out")
    ids = sorted(p.stem for p in SPECS.glob("*.yaml"))
    rollouts = sorted(p.stem for p in SPECS.glob("*.yaml") if "\nstackset:" in p.read_text())
    assert rollouts, "specs/ should hold an example with a stackset section"
    assert sorted(files) == sorted(
        [MANIFEST] + [f"cloudformation/{i}.yaml" for i in ids] + [f"terraform/{i}/main.tf.json" for i in ids]
        + [f"stacksets/{i}.{ext}" for i in rollouts for ext in ("yaml", "tf.json")]
        + [f"cross-account/{p.stem}.json" for p in SPECS.glob("*.yaml") if owner_grants(compile_spec(p).role)]
    )
    assert re.fullmatch(rf"built {len(ids)} roles \({len(ids)} changed\) in \d+\.\d s\n", result.output)


def test_committed_out_matches_specs():
    """The committed out/ is the golden output of specs/: `rolec check` must pass on it."""
    result = run("check", str(SPECS), "--out", str(OUT))
    assert result.exit_code == 0, result.output + result.stderr


def test_second_build_changes_nothing(tmp_path):
    out = tmp_path / "out"
    run("build", str(SPECS), "--out", str(out))
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = run("build", str(SPECS), "--out", str(out))
    assert "(0 changed)" in result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes


def test_output_is_byte_identical_across_hash_seeds(tmp_path):
    trees = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "rolec", "build", str(SPECS), "--out", str(out)],
                       check=True, env=env, cwd=ROOT, capture_output=True)
        trees.append(snapshot(out))
    assert trees[0] == trees[1] == trees[2]


def test_files_of_a_removed_spec_are_removed_and_others_untouched(tmp_path, monkeypatch):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "keep.yaml").write_text(MINIMAL)
    (specs / "gone.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert run("build", "specs", "--out", "out").exit_code == 0
    (tmp_path / "out" / "terraform" / "mine.tf").write_text("# hand-written\n")
    (specs / "gone.yaml").unlink()
    result = run("build", "specs", "--out", "out")
    assert result.exit_code == 0
    files = snapshot(tmp_path / "out")
    assert "cloudformation/gone.yaml" not in files and "terraform/gone/main.tf.json" not in files
    assert not (tmp_path / "out" / "terraform" / "gone").exists()
    assert files["terraform/mine.tf"] == b"# hand-written\n"
    assert "cloudformation/keep.yaml" in files


def test_building_one_spec_keeps_the_outputs_of_the_others(tmp_path, monkeypatch):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "a.yaml").write_text(MINIMAL)
    (specs / "b.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    run("build", "specs", "--out", "out")
    assert run("build", "specs/a.yaml", "--out", "out").exit_code == 0
    assert (tmp_path / "out" / "cloudformation" / "b.yaml").is_file()
    assert run("check", "specs", "--out", "out").exit_code == 0


def test_check_names_stale_missing_and_leftover_files(tmp_path, monkeypatch):
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("a", "b", "c"):
        (specs / f"{name}.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    run("build", "specs", "--out", "out")
    (tmp_path / "out" / "cloudformation" / "a.yaml").write_text("edited by hand\n")
    (tmp_path / "out" / "terraform" / "b" / "main.tf.json").unlink()
    (specs / "c.yaml").unlink()
    result = run("check", "specs", "--out", "out")
    assert result.exit_code == 1
    assert "out/cloudformation/a.yaml: stale" in result.stderr
    assert "out/terraform/b/main.tf.json: missing" in result.stderr
    assert "out/cloudformation/c.yaml: left over from a spec that is gone" in result.stderr
    assert (tmp_path / "out" / "cloudformation" / "c.yaml").exists(), "check must not change anything"


def test_symlink_at_an_output_path_is_refused(tmp_path, write_spec):
    spec = write_spec(MINIMAL, "linked")
    out = tmp_path / "out"
    (out / "cloudformation").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "cloudformation" / "linked.yaml").symlink_to(victim)
    result = run("build", str(spec), "--out", str(out))
    assert result.exit_code == 1
    assert "symlink" in result.stderr
    assert victim.read_text() == "precious\n"


def test_lint_findings_fail_the_build(write_spec, tmp_path):
    compiled = compile_spec(write_spec(MINIMAL, "broken"))
    broken = compiled.files["cloudformation/broken.yaml"].replace("MaxSessionDuration", "MaxSessionDurationX")
    broken = broken.replace("Path: /", "Path: /\n      MaxSessionDurationX: 12")
    item = Compiled(compiled.role, compiled.spec_file, {**compiled.files, "cloudformation/broken.yaml": broken})
    with pytest.raises(LintError) as raised:
        lint_all([item], tmp_path / "out")
    assert any("E3002" in str(d) and "MaxSessionDurationX" in str(d) for d in raised.value.diagnostics)


def test_missing_input_is_a_usage_error(tmp_path):
    result = run("build", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "not a .yaml spec file or a folder of them" in result.stderr


def test_python_dash_m_compiler_works():
    result = subprocess.run([sys.executable, "-m", "rolec", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "rolec" in result.stdout


def test_console_script_hides_tracebacks(tmp_path):
    rolec = shutil.which("rolec", path=str(Path(sys.executable).parent))
    assert rolec, "the rolec console script is not installed next to this interpreter"
    bad = tmp_path / "x.yaml"
    bad.write_bytes(b"version: 1\nmanaged_policy: true\n\xff\n")
    result = subprocess.run([rolec, "build", str(bad), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "not valid UTF-8" in result.stderr


@pytest.mark.parametrize("path", ["specs/a.yaml", "a.yaml", "../x/a.yaml", "{cwd}/specs/a.yaml", "{cwd}",
                                  "{parent}/other/a.yaml", "/elsewhere/a.yaml", "{cwd}/../x/a.yaml"])
@pytest.mark.parametrize("at_root", [False, True])
def test_display_names_files_as_relpath_would(path, at_root, tmp_path, monkeypatch):
    """display() takes a shortcut past os.path.relpath; it must name every file as relpath did."""
    cwd = Path("/") if at_root else tmp_path
    monkeypatch.chdir(cwd)
    given = Path(path.format(cwd=cwd, parent=cwd.parent))
    relative = os.path.relpath(given)
    assert display(given) == Path(relative if not relative.startswith("..") else given).as_posix()


def test_discover_takes_a_folders_visible_yaml_files_in_order(tmp_path):
    from rolec.build.discover import discover

    for name in ("b.yaml", "a.yaml", ".hidden.yaml", "notes.txt"):
        (tmp_path / name).write_text(MINIMAL)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "a.yaml")
    assert discover([tmp_path]) == [tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "link.yaml"]
