"""Outputs that would clash where they are deployed (review finding 12): refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.build.clashes import role_name
from rolec.build.discover import discover
from rolec.build.pipeline import Output, compile_all
from rolec.cli import main

from ..conftest import SPECS

LOGS = "features:\n  awslogs:\n    log_groups: [/ecs/{name}]\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    return folder / f"{name}.yaml"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_finding_12_one_role_id_from_two_folders_is_refused_before_anything_is_written(project):
    write(project / "specs", "a", "version: 1\n" + LOGS.format(name="a"))
    write(project / "teamb", "a", "version: 1\nfeatures:\n  secrets:\n    secrets_manager: [teamb/admin]\n")
    assert run("build").exit_code == 0
    before = tree(project / "out")
    for command in ("build", "check"):
        result = run(command, "teamb")
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("teamb/a.yaml: error: role id 'a' belongs to specs/a.yaml, whose outputs are in out;")
    assert tree(project / "out") == before


def test_a_spec_moved_to_another_folder_takes_its_outputs_along(project):
    write(project / "specs", "a", "version: 1\n" + LOGS.format(name="a"))
    assert run("build").exit_code == 0
    write(project / "teamb", "a", "version: 1\n" + LOGS.format(name="a"))
    (project / "specs" / "a.yaml").unlink()
    assert run("build", "teamb").exit_code == 0


def test_finding_12_two_specs_naming_one_iam_role_are_refused_naming_both(project):
    write(project / "specs", "a", "version: 1\nrole: {name: shared-exec}\n" + LOGS.format(name="a"))
    write(project / "specs", "b", "version: 1\nrole: {name: SHARED-EXEC}\nmanaged_policy: true\n")
    write(project / "specs", "c", "version: 1\nrole: {existing: Shared-Exec}\n" + LOGS.format(name="c"))
    result = run("build")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "specs/b.yaml: error: this spec creates the IAM role 'SHARED-EXEC', which specs/a.yaml creates too; IAM role names "
        "are unique per account (case-insensitively), so the two collide in one account. If they deploy to different "
        "accounts, say so with a different top-level 'account:' label in each spec (see docs/spec-files.md)",
        "specs/c.yaml: error: this spec adds permissions to the IAM role 'Shared-Exec', which specs/a.yaml creates too; "
        "IAM role names are unique per account (case-insensitively), so the two collide in one account. If they deploy "
        "to different accounts, say so with a different top-level 'account:' label in each spec (see docs/spec-files.md)",
    ]
    assert not (project / "out").exists()


def test_finding_12_account_labels_keep_specs_apart_also_when_taken_from_the_cache(project, tmp_path):
    write(project / "specs", "a", "version: 1\naccount: prod\nrole: {name: shared-exec}\n" + LOGS.format(name="a"))
    write(project / "specs", "b", "version: 1\naccount: staging\nrole: {name: shared-exec}\nmanaged_policy: true\n")
    cache = str(tmp_path / "cache")
    assert run("build", "--cache-dir", cache).exit_code == 0
    write(project / "specs", "b", "version: 1\naccount: prod\nrole: {name: shared-exec}\nmanaged_policy: true\n")
    result = run("build", "--cache-dir", cache)  # a.yaml comes from the cache: its name is read from its outputs
    assert result.exit_code == 2
    assert "specs/b.yaml: error: this spec creates the IAM role 'shared-exec', which specs/a.yaml creates too" in result.stderr


def test_the_role_name_read_from_cached_outputs_is_the_compiled_one():
    for item in compile_all(discover([SPECS])):
        assert role_name(Output(item.role_id, item.spec_file, item.files)) == role_name(item), item.role_id
