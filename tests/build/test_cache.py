"""The build cache is invisible: same bytes with or without it, never stale, never trusted when damaged."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.build import cache as cache_module
from rolec.build import pipeline
from rolec.cli import main

from tests.conftest import ROOT, SPECS
from tests.support.files import snapshot


COMPILED = re.compile(r"^compiled (\d+) specs? in ", re.M)
SPEC_COUNT = len(list(SPECS.glob("*.yaml")))


def build(out: Path, cache_dir: Path, *extra: str, specs: Path = SPECS) -> int:
    """Build with `rolec -v`; return how many specs it really compiled (cache misses), as it reports them."""
    result = CliRunner().invoke(main, ["-v", "build", str(specs), "--out", str(out), "--cache-dir", str(cache_dir), *extra])
    assert result.exit_code == 0, result.output + result.stderr
    return int(COMPILED.search(result.stderr)[1])


def test_outputs_are_identical_with_and_without_the_cache(tmp_path):
    cache_dir = tmp_path / "cache"
    assert build(tmp_path / "cold", cache_dir) == SPEC_COUNT
    assert build(tmp_path / "warm", cache_dir) == 0, "a warm build must not compile anything"
    assert build(tmp_path / "uncached", tmp_path / "unused-cache", "--no-cache") == SPEC_COUNT
    assert not (tmp_path / "unused-cache").exists(), "--no-cache must not write a cache"
    assert snapshot(tmp_path / "cold") == snapshot(tmp_path / "warm") == snapshot(tmp_path / "uncached")


def test_a_changed_spec_is_recompiled_alone(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    cache_dir = tmp_path / "cache"
    build(tmp_path / "out", cache_dir, specs=specs)
    spec = specs / "web-frontend.yaml"
    spec.write_text(spec.read_text().replace("/ecs/web-frontend", "/ecs/web-frontend-v2"))
    assert build(tmp_path / "out", cache_dir, specs=specs) == 1
    assert "/ecs/web-frontend-v2" in (tmp_path / "out" / "cloudformation" / "web-frontend.yaml").read_text()


def test_an_entry_from_another_tool_version_is_not_used(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    build(tmp_path / "out", cache_dir)
    real_version = cache_module.metadata.version
    monkeypatch.setattr(cache_module.metadata, "version",
                        lambda name: "999.0" if name == "cfn-lint" else real_version(name))
    cache_module.compiler_fingerprint.cache_clear()
    try:
        assert build(tmp_path / "out", cache_dir) == SPEC_COUNT
    finally:
        cache_module.compiler_fingerprint.cache_clear()


def test_a_change_to_the_compiler_source_changes_the_fingerprint(tmp_path):
    package = tmp_path / "compiler"
    shutil.copytree(cache_module.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache_module.compiler_fingerprint(package)
    assert before == cache_module.compiler_fingerprint()
    lower = package / "lower.py"
    lower.write_text(lower.read_text() + "\n# changed\n")
    cache_module.compiler_fingerprint.cache_clear()
    assert cache_module.compiler_fingerprint(package) != before


@pytest.mark.parametrize("damage", ["truncate", "garbage", "tamper", "empty"])
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, damage):
    cache_dir = tmp_path / "cache"
    build(tmp_path / "first", cache_dir)
    entries = sorted(cache_dir.glob("*/*.json"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            entry.write_bytes(os.urandom(64))
        elif damage == "empty":
            entry.write_bytes(b"")
        else:
            assert b"Allow" in data
            entry.write_bytes(data.replace(b"Allow", b"Deny", 1))
    assert build(tmp_path / "second", cache_dir) == len(entries)
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert build(tmp_path / "third", cache_dir) == 0, "damaged entries are replaced by good ones"


def test_a_no_op_build_imports_neither_cfn_lint_nor_troposphere(tmp_path):
    env = {**os.environ, "ROLEC_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "rolec", "build", str(SPECS), "--out", str(tmp_path / "out")]
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    probe = (
        "import sys\n"
        "from rolec.cli import main\n"
        "try:\n    main(['check', %r, '--out', %r])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('cfnlint', 'troposphere') if m in sys.modules))\n"
    ) % (str(SPECS), str(tmp_path / "out"))
    result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_parallel_and_sequential_builds_write_the_same_bytes(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    for copy in range(4):
        for spec in SPECS.glob("*.yaml"):
            text = spec.read_text()
            if "name: " in text:
                text = text.replace("name: ecsTaskExecutionRole", f"name: ecsTaskExecutionRole{copy}")
                text = text.replace("name: payments-api-execution", f"name: payments-api-execution-{copy}")
            # copies of one named role deploy to different accounts (finding 12)
            labelled = "\naccount: " in text
            text = text.replace("\naccount: ", f"\naccount: copy-{copy}-") if labelled else text + f"account: copy-{copy}\n"
            (specs / f"{spec.stem}-{copy}.yaml").write_text(text)
    assert len(list(specs.glob("*.yaml"))) >= pipeline.PARALLEL_FROM
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["build", str(specs), "--out", str(tmp_path / f"out-{jobs}"), "--no-cache", "-j", jobs])
        assert result.exit_code == 0, result.stderr
    assert snapshot(tmp_path / "out-1") == snapshot(tmp_path / "out-2")


def test_parallel_build_reports_spec_errors_like_a_sequential_one(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    for i in range(pipeline.PARALLEL_FROM):
        (specs / f"role-{i:02}.yaml").write_text("version: 1\nmanaged_policy: true\n")
    (specs / "role-07.yaml").write_text("version: 1\nmanaged_policy: yes please\n")
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["build", str(specs), "--out", str(tmp_path / "out"), "--no-cache", "-j", jobs])
        assert result.exit_code == 2
        outputs.append(result.stderr)
    assert outputs[0] == outputs[1]
    assert "role-07.yaml:2:17: error: managed_policy: expected true or false" in outputs[0]
    assert not (tmp_path / "out").exists()
