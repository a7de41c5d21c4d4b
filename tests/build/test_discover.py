"""Which files a build reads from a spec folder (review findings 8 and 14): anything that could be
meant as a spec but is not read is an error naming it, with exit 2 and nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main

SPEC = "version: 1\nmanaged_policy: true\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text(SPEC)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_finding_8_renaming_a_spec_to_yml_is_an_error_and_keeps_its_outputs(project):
    assert run("build").exit_code == 0
    before = tree(project / "out")
    os.rename("specs/app.yaml", "specs/app.yml")
    for command in ("build", "check", "validate"):
        result = run(command)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith("specs/app.yml: error: named like a spec, but specs are named NAME.yaml")
    assert tree(project / "out") == before


@pytest.mark.parametrize("name", ["App.YAML", "app.Yaml", "app.yaml.bak", "app.yml~"])
def test_finding_8_near_miss_names_are_errors_naming_the_file(project, name):
    (project / "specs" / name).write_text(SPEC)
    result = run("build")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"specs/{name}: error: named like a spec")
    assert not (project / "out").exists()


def test_finding_8_a_nested_folder_is_reported_not_skipped(project):
    (project / "specs" / "team").mkdir()
    (project / "specs" / "team" / "x.yaml").write_text(SPEC)
    result = run("build")
    assert result.exit_code == 2
    assert result.stderr.startswith("specs/team: error: a folder inside a spec folder")
    assert not (project / "out").exists()


def test_other_files_and_hidden_entries_are_not_read(project):
    (project / "specs" / "README.md").write_text("# specs\n")
    (project / "specs" / ".draft.yml").write_text("not: [yaml")
    (project / "specs" / ".git").mkdir()
    assert run("build").exit_code == 0


@pytest.mark.parametrize("out", ["specs", "specs/out"])
def test_an_out_folder_inside_or_equal_to_the_spec_folder_still_builds(project, out):
    for _ in range(2):
        result = run("build", "specs", "--out", out)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("make, kind", [
    (lambda link: link.symlink_to(link.name), "a symbolic link loop"),
    (lambda link: link.symlink_to("nowhere.yaml"), "a dangling symbolic link (to nowhere.yaml)"),
    (lambda link: link.symlink_to("/dev/null"), "a symbolic link to a device, pipe or socket"),
    (lambda link: os.mkfifo(link), "a device, pipe or socket"),
])
def test_finding_14_links_that_loop_dangle_or_lead_to_non_files_are_errors_not_crashes(project, make, kind):
    make(project / "specs" / "bad.yaml")
    result = run("build")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"specs/bad.yaml: error: {kind} in a spec folder; a spec folder holds spec files: fix the link or remove it\n"
    assert not (project / "out").exists()


def test_finding_14_a_link_loop_named_on_the_command_line_is_an_error(project):
    (project / "specs" / "loop.yaml").symlink_to("loop.yaml")
    result = run("build", "specs/loop.yaml")
    assert result.exit_code == 2
    assert result.stderr == "specs/loop.yaml: error: not a .yaml spec file or a folder of them (a symbolic link loop)\n"


def test_an_unreadable_spec_folder_is_an_error(project):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    os.chmod(project / "specs", 0)
    try:
        result = run("build")
    finally:
        os.chmod(project / "specs", 0o755)
    assert result.exit_code == 2
    assert "cannot read the spec folder" in result.stderr
