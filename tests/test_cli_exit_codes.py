"""docs/cli.md's exit-code table is complete and true: every command has a row, and every code a row
promises is produced by a scenario here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from rolec import rules
from rolec.cli import main
from rolec.rules import Finding, Rule, Violation

from .conftest import ROOT, SPECS

DOC = ROOT / "docs" / "cli.md"
CODES = ("0", "1", "2", "3")
GIT_ENV = {"GIT_AUTHOR_NAME": "rolec", "GIT_AUTHOR_EMAIL": "dev@rolec.invalid",
           "GIT_COMMITTER_NAME": "rolec", "GIT_COMMITTER_EMAIL": "dev@rolec.invalid"}
GOOD = "version: 1\nfeatures: {awslogs: {log_groups: [/ecs/app]}}\n"


def table() -> dict[str, dict[str, bool]]:
    """command -> code -> whether the table says the command can return it."""
    rows = {}
    for line in DOC.read_text().splitlines():
        match = re.fullmatch(r"\| `(\w+)` \|(.*)\|", line)
        if match:
            cells = [c.strip() for c in match[2].split("|")]
            rows[match[1]] = {code: cell != "—" for code, cell in zip(CODES, cells)}
    return rows


def test_every_command_has_a_row():
    assert sorted(table()) == sorted(main.list_commands(None))


def finding(monkeypatch, tmp_path):
    rule = Rule("R199", "a test rule", "none", rules.COMPILER_BUG, lambda role: ())
    monkeypatch.setattr(rules, "check", lambda role: [Finding(rule, Violation("planted"))])


def stale(monkeypatch):
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    with open("specs/app.yaml", "a") as handle:
        handle.write("description: changed\n")


def symlinked_out(monkeypatch, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "cloudformation").symlink_to(tmp_path / "elsewhere", target_is_directory=True)


def no_terraform(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))


def git_repo(monkeypatch, tmp_path):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], check=True)


def changed_spec(monkeypatch, tmp_path):
    git_repo(monkeypatch, tmp_path)
    (tmp_path / "specs" / "app.yaml").write_text(GOOD.replace("[/ecs/app]", "[/ecs/app, /ecs/other]"))


ROLE_SOURCE = str(ROOT / "tests" / "roles" / "fixtures" / "iam-policy-json" / "good-secret.json")
TASK_DEFINITION = str(ROOT / "tests" / "commands" / "fixtures" / "web-taskdef.json")


REPORTED_ON_STDOUT = {("diff", "1"), ("audit", "1")}
"""Findings that are the command's output (the diff, the audit report), not an error message."""

SCENARIOS = {
    ("build", "0"): (None, ["build"]),
    ("build", "1"): (finding, ["build"]),
    ("build", "2"): (None, ["build", "--jobs", "0"]),
    ("build", "3"): (no_terraform, ["build", "--terraform-validate"]),
    ("check", "0"): (lambda m, t: CliRunner().invoke(main, ["build"]), ["check"]),
    ("check", "1"): (lambda m, t: stale(m), ["check"]),
    ("check", "2"): (None, ["check", "no-such-spec.txt"]),
    ("check", "3"): (symlinked_out, ["check"]),
    ("diff", "0"): (git_repo, ["diff", "--exit-code"]),
    ("diff", "1"): (changed_spec, ["diff", "--exit-code"]),
    ("diff", "2"): (None, ["diff", "--base", "HEAD", "--against", "out"]),
    ("diff", "3"): (git_repo, ["diff", "--base", "no-such-ref"]),
    ("explain", "0"): (None, ["explain"]),
    ("explain", "2"): (None, ["explain", "--format", "xml"]),
    ("validate", "0"): (None, ["validate"]),
    ("validate", "1"): (finding, ["validate"]),
    ("validate", "2"): (lambda m, t: (t / "specs" / "bad.yaml").write_text("version: 2\n"), ["validate"]),
    ("new", "0"): (None, ["new", "orders"]),
    ("new", "2"): (None, ["new", "app"]),
    ("schema", "0"): (None, ["schema"]),
    ("schema", "2"): (None, ["schema", "--no-such-option"]),
    ("audit", "0"): (None, ["audit", str(ROOT / "out/terraform/web-frontend/main.tf.json"),
                            "--spec", str(SPECS / "web-frontend.yaml")]),
    ("audit", "1"): (None, ["audit", ROLE_SOURCE, "--spec", "specs/app.yaml"]),
    ("audit", "2"): (None, ["audit", ROLE_SOURCE]),
    ("audit", "3"): (None, ["audit", ROLE_SOURCE, "--spec", str(SPECS / "app-secrets.yaml"),
                            "--write-spec", "no-such-folder/spec.yaml"]),
    ("infer", "0"): (None, ["infer", TASK_DEFINITION]),
    ("infer", "2"): (None, ["infer", TASK_DEFINITION, "--set", "novalue"]),
}


def linked_need_not_granted(monkeypatch, tmp_path):
    """specs/app.yaml links a task definition that also needs a parameter the spec does not grant."""
    (tmp_path / "taskdefs").mkdir()
    (tmp_path / "taskdefs" / "app.json").write_text(
        '{"family": "app", "executionRoleArn": "arn:aws:iam::111122223333:role/app", "containerDefinitions": [{"name": '
        '"app", "image": "nginx", "secrets": [{"name": "DB", "valueFrom": "/app/db"}], "logConfiguration": {'
        '"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}}}]}')
    (tmp_path / "specs" / "app.yaml").write_text(GOOD + "task_definitions:\n  - path: ../taskdefs/app.json\n")


FURTHER_SCENARIOS = {
    ("validate", "1", "a linked task definition's need is not granted"): (linked_need_not_granted, ["validate"]),
    ("infer", "2", "a variable file holds a reference"): (
        lambda m, t: (t / "bad.tfvars").write_text("region = var.other\n"),
        ["infer", TASK_DEFINITION, "--var-file", "bad.tfvars"]),
    ("audit", "2", "a variable file is missing"): (
        None, ["audit", ROLE_SOURCE, "--spec", "specs/app.yaml", "--var-file", "missing.tfvars"]),
    ("validate", "2", "a linked task definition is missing"): (
        lambda m, t: (t / "specs" / "app.yaml").write_text(GOOD + "task_definitions:\n  - path: ../nowhere.json\n"),
        ["validate"]),
}
"""Cases a row names beyond its first scenario."""


@pytest.mark.parametrize("command, code, case", sorted(FURTHER_SCENARIOS))
def test_further_cases_a_row_names(command, code, case, tmp_path, monkeypatch):
    assert table()[command][code], (command, code)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    prepare, args = FURTHER_SCENARIOS[(command, code, case)]
    if prepare:
        prepare(monkeypatch, tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == int(code), result.output
    assert result.stderr and "internal error" not in result.output


@pytest.mark.parametrize("command, code", [(command, code) for command, codes in table().items()
                                           for code, possible in codes.items() if possible])
def test_each_code_the_table_promises(command, code, tmp_path, monkeypatch):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "app.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    prepare, args = SCENARIOS[(command, code)]
    if prepare:
        prepare(monkeypatch, tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == int(code), result.output
    if code != "0" and (command, code) not in REPORTED_ON_STDOUT:
        assert result.stderr, "a failure says why on stderr"
    assert "internal error" not in result.output


def test_a_bug_is_exit_70_and_says_so(tmp_path):
    shutil.copy(SPECS / "web-frontend.yaml", tmp_path / "web-frontend.yaml")
    code = ("import rolec.cli\n"
            "def boom(*a, **k): raise RuntimeError('planted')\n"
            "rolec.cli.build_outputs = boom\nrolec.cli.run()\n")
    result = subprocess.run([sys.executable, "-c", code, "build", str(tmp_path / "web-frontend.yaml"), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 70, result.stderr
    assert result.stderr.startswith("rolec: internal error: RuntimeError: planted")
