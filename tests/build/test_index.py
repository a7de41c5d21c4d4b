"""compiler/build/index.py: a no-op build trusts file statuses the last build recorded, and never a status
that could hide a change (an edit with its mtime put back, a change within the same second, a deleted file,
another rolec, a file changed just before the build)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from rolec.build import cache as cache_module
from rolec.build import index as index_module
from rolec.build import writer
from rolec.build.cache import BuildCache
from rolec.cli import main

from tests.conftest import SPECS
from tests.support.files import snapshot

COMPILED = re.compile(r"^compiled (\d+) specs? in ", re.M)
SPEC_COUNT = len(list(SPECS.glob("*.yaml")))
LATER_NS = 10_000_000_000


@pytest.fixture
def later(monkeypatch):
    """Every build runs as if 10 s after the files were written, so their statuses count as settled."""
    monkeypatch.setattr(index_module, "now", lambda: time.time_ns() + LATER_NS)


@pytest.fixture
def reads(monkeypatch):
    """How many cache entries and outputs the builds read."""
    counts = {"entries": 0, "outputs": 0}
    real_get, real_read = BuildCache.get, writer._read

    def get(self, key):
        counts["entries"] += 1
        return real_get(self, key)

    def read(path):
        counts["outputs"] += 1
        return real_read(path)

    monkeypatch.setattr(BuildCache, "get", get)
    monkeypatch.setattr(writer, "_read", read)
    return counts


def run(tmp_path, command: str = "build", specs=None, expect: int = 0, verbose: bool = True) -> int:
    """Run `rolec -v build` (or check, or without -v); the number of specs it compiled (-1 when it does not say)."""
    arguments = ["-v"] * verbose + [command, str(specs or SPECS), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == expect, result.output + result.stderr
    found = COMPILED.search(result.stderr)
    return int(found[1]) if found else -1


def settled_build(tmp_path, specs=None) -> None:
    """A cold build, then one that verifies every output byte for byte and records the statuses."""
    assert run(tmp_path, specs=specs) == len(list((specs or SPECS).glob("*.yaml")))
    assert run(tmp_path, specs=specs) == 0


def test_a_no_op_build_reads_no_cache_entry_and_no_output(tmp_path, later, reads):
    settled_build(tmp_path)
    before = snapshot(tmp_path / "out")
    reads.update(entries=0, outputs=0)
    run(tmp_path, verbose=False)  # -v reads the cross-account listings of cached specs, to count their resources
    assert reads == {"entries": 0, "outputs": 0}
    assert run(tmp_path, "check") == -1
    assert reads == {"entries": 0, "outputs": 0}
    assert snapshot(tmp_path / "out") == before


def test_an_output_edited_with_its_mtime_put_back_is_found_and_rewritten(tmp_path, later):
    settled_build(tmp_path)
    before = snapshot(tmp_path / "out")
    target = tmp_path / "out" / "cloudformation" / "web-frontend.yaml"
    status = target.stat()
    text = target.read_text()
    target.write_text(text.replace("Allow", "Alloy", 1))  # same size
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert target.stat().st_size == status.st_size and target.stat().st_mtime_ns == status.st_mtime_ns
    run(tmp_path, "check", expect=1)
    run(tmp_path)
    assert snapshot(tmp_path / "out") == before


def test_a_spec_changed_in_the_same_second_with_its_mtime_put_back_is_recompiled(tmp_path, later):
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    settled_build(tmp_path, specs)
    spec = specs / "web-frontend.yaml"
    status = spec.stat()
    spec.write_text(spec.read_text().replace("/ecs/web-frontend", "/ecs/web-frontenD"))  # same size
    os.utime(spec, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert run(tmp_path, specs=specs) == 1
    assert "/ecs/web-frontenD" in (tmp_path / "out" / "cloudformation" / "web-frontend.yaml").read_text()


def test_a_deleted_output_is_found_and_written_again(tmp_path, later):
    settled_build(tmp_path)
    before = snapshot(tmp_path / "out")
    (tmp_path / "out" / "permissions" / "web-frontend.json").unlink()
    run(tmp_path, "check", expect=1)
    assert run(tmp_path) == 0
    assert snapshot(tmp_path / "out") == before


def test_a_linked_task_definition_changed_with_its_mtime_put_back_is_read_again(tmp_path, later):
    (tmp_path / "specs").mkdir()
    taskdef = tmp_path / "td.json"
    taskdef.write_text('{"family": "app", "containerDefinitions": [{"name": "c", "image": "nginx", "logConfiguration": '
                       '{"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app", "awslogs-region": "us-east-1", '
                       '"awslogs-stream-prefix": "c"}}}]}')
    (tmp_path / "specs" / "app.yaml").write_text(
        "version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/app]\ntask_definitions:\n  - path: ../td.json\n")
    settled_build(tmp_path, tmp_path / "specs")
    status = taskdef.stat()
    taskdef.write_text(taskdef.read_text().replace('"c"}', '"d"}'))  # same size
    os.utime(taskdef, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert run(tmp_path, specs=tmp_path / "specs") == 1, "the spec is checked against its task definition again"


def test_another_rolec_ignores_the_index(tmp_path, later, reads, monkeypatch):
    settled_build(tmp_path)
    monkeypatch.setattr(cache_module, "compiler_fingerprint", lambda: "another rolec")
    assert run(tmp_path) == SPEC_COUNT


def test_a_damaged_index_is_ignored(tmp_path, later, reads):
    settled_build(tmp_path)
    [index] = (tmp_path / "cache" / "index").iterdir()
    index.write_bytes(index.read_bytes().replace(b'"key"', b'"kex"', 1))
    reads.update(entries=0)
    assert run(tmp_path) == 0
    assert reads["entries"] == SPEC_COUNT, "with its digest wrong, the index must not be used"


def test_files_changed_just_before_the_build_are_compared_byte_for_byte_next_time(tmp_path, reads, monkeypatch):
    """Without settling: the outputs a build wrote a moment ago could change within the same timestamp
    tick, so no build records their statuses and each one reads them again. Each build here starts 50 ms
    after the first output was written, however long the machine takes between them."""
    run(tmp_path)
    first_written = min(p.stat().st_ctime_ns for p in (tmp_path / "out").rglob("*") if p.is_file())
    monkeypatch.setattr(index_module, "now", lambda: first_written + 50_000_000)
    for _ in range(2):
        reads.update(outputs=0)
        assert run(tmp_path) == 0
        assert reads["outputs"] == len(snapshot(tmp_path / "out"))


def status_with(ctime_ns: int) -> SimpleNamespace:
    return SimpleNamespace(st_ctime_ns=ctime_ns)


def test_settled_leaves_a_margin_above_the_timestamp_granularity():
    started = 1_700_000_000_500_000_000
    assert not index_module.settled(status_with(started - 50_000_000), started)  # fine timestamps, within a tick
    assert index_module.settled(status_with(started - 200_000_000), started)
    whole_second = (started - 1_000_000_000) // 1_000_000_000 * 1_000_000_000  # a file system with 1 s (or 2 s) timestamps
    assert not index_module.settled(status_with(whole_second), started)
    assert index_module.settled(status_with(whole_second - 2_000_000_000), started)


def test_a_cache_entry_damaged_since_the_index_recorded_it_is_not_trusted(tmp_path, later):
    """An output edited and its spec's cache entry damaged: the spec is compiled again, not taken from either."""
    settled_build(tmp_path)
    before = snapshot(tmp_path / "out")
    for entry in (tmp_path / "cache").glob("??/*.json"):
        entry.write_bytes(entry.read_bytes().replace(b"Allow", b"Deny", 1))
    target = tmp_path / "out" / "cloudformation" / "web-frontend.yaml"
    target.write_text(target.read_text().replace("Allow", "Deny", 1))
    assert run(tmp_path) == SPEC_COUNT
    assert snapshot(tmp_path / "out") == before


TERRAFORM_FIXTURES = Path(__file__).resolve().parents[1] / "taskdefs" / "formats" / "good"


def linked_project(tmp_path: Path, fixture: str, inferred_from: str, linked: str) -> Path:
    """infra/ (a copy of a Terraform fixture) and specs/orders.yaml inferred from it and linked to `linked`."""
    infra = tmp_path / "infra"
    shutil.copytree(TERRAFORM_FIXTURES / fixture, infra)
    (tmp_path / "specs").mkdir()
    spec = tmp_path / "specs" / "orders.yaml"
    result = CliRunner().invoke(main, ["infer", str(infra / inferred_from), "-o", str(spec)])
    assert result.exit_code == 0, result.output
    spec.write_text(spec.read_text() + f"task_definitions:\n  - path: {linked}\n")
    return infra


@pytest.mark.parametrize("linked", ["../infra/ecs.tf", "../infra"])
def test_a_file_added_to_a_linked_module_is_drift_although_no_recorded_file_changed(tmp_path, later, linked):
    """Adding a file changes no status of the module's files, only the folder's: the index records it."""
    infra = linked_project(tmp_path, "terraform-module", "ecs.tf", linked)
    settled_build(tmp_path, tmp_path / "specs")
    (infra / "logs_override.tf").write_text('resource "aws_cloudwatch_log_group" "orders" {\n  name = "/ecs/other"\n}\n')
    run(tmp_path, specs=tmp_path / "specs", expect=1)


def test_a_templatefile_changed_with_its_mtime_put_back_is_read_again(tmp_path, later):
    """The files a linked module reads with templatefile() are in the index as the linked files are."""
    infra = linked_project(tmp_path, "terraform-file", "main.tf", "../infra/main.tf")
    settled_build(tmp_path, tmp_path / "specs")
    containers = infra / "containers.json"
    status = containers.stat()
    containers.write_text(containers.read_text().replace('"app"', '"ap2"').replace("orders:1", "ordersx1"))  # same size
    os.utime(containers, ns=(status.st_atime_ns, status.st_mtime_ns))
    run(tmp_path, specs=tmp_path / "specs", expect=1)
