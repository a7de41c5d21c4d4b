"""compiler/taskdefs/link.py with Terraform task definitions: the linked file is read with its whole module, and
editing any file of the module is drift the build notices, also when the spec was taken from the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main

MODULE = Path(__file__).parent / "formats" / "good" / "terraform-module"


def project(tmp_path: Path, linked: str = "../infra/ecs.tf") -> Path:
    """infra/ (a copy of the good multi-file module) and specs/orders.yaml inferred from it and linked to it."""
    infra = tmp_path / "infra"
    shutil.copytree(MODULE, infra)
    (tmp_path / "specs").mkdir()
    spec = tmp_path / "specs" / "orders.yaml"
    result = CliRunner().invoke(main, ["infer", str(infra / "ecs.tf"), "-o", str(spec)])
    assert result.exit_code == 0, result.output
    spec.write_text(spec.read_text() + f"task_definitions:\n  - path: {linked}\n")
    return infra


def rolec(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, [*args, str(tmp_path / "specs"), "--out", str(tmp_path / "out"),
                                     "--cache-dir", str(tmp_path / "cache")])


@pytest.mark.parametrize("linked", ["../infra/ecs.tf", "../infra"])
def test_an_edited_sibling_file_fails_the_cached_build(tmp_path, monkeypatch, linked):
    monkeypatch.chdir(tmp_path)
    infra = project(tmp_path, linked)
    assert rolec(tmp_path, "build").exit_code == 0
    logs = infra / "resources.tf"
    logs.write_text(logs.read_text().replace('"/ecs/${local.prefix}"', '"/ecs/${local.prefix}-v2"'))
    for command in ("build", "check", "validate"):
        args = [command] if command != "validate" else []
        result = rolec(tmp_path, *args) if args else CliRunner().invoke(main, ["validate", str(tmp_path / "specs")])
        assert result.exit_code == 1, (command, result.output)
        assert ("infra/ecs.tf:20:33: error: container app needs logs:CreateLogStream and logs:PutLogEvents on "
                "arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/orders-production-v2") in result.stderr


def test_an_override_file_added_to_the_module_is_drift(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    infra = project(tmp_path)
    assert rolec(tmp_path, "build").exit_code == 0
    (infra / "region_override.tf").write_text('variable "region" {\n  default = "us-west-2"\n}\n')
    result = rolec(tmp_path, "build")
    assert result.exit_code == 1
    assert "log-group:/ecs/orders-production (logConfiguration.options.awslogs-group)" in result.stderr
    assert "arn:{partition}:logs:us-west-2:{account}" in result.stderr


@pytest.mark.parametrize("linked, error", [
    ("../infra", 'infra/variables.tf:1:1: error: variable "region" is declared twice, first at infra/more.tf:1:1'),
    ("../infra/ecs.tf", "infra/ecs.tf:21:33: error: logConfiguration.options.awslogs-region depends on var.region, which "
                        "rolec cannot resolve: var.region is declared in more than one place (infra/more.tf:1:1, "
                        "infra/variables.tf:1:1)"),
])
def test_a_declaration_made_twice_in_a_sibling_is_invalid_input_naming_both_files(tmp_path, monkeypatch, linked, error):
    """A linked folder is the module, read strictly; a linked file reads the sibling declarations it references, and
    one declared twice is an error at the reference."""
    monkeypatch.chdir(tmp_path)
    infra = project(tmp_path, linked)
    assert rolec(tmp_path, "build").exit_code == 0
    built = (tmp_path / "out" / "cloudformation" / "orders.yaml").read_text()
    (infra / "more.tf").write_text('variable "region" {}\n')
    result = rolec(tmp_path, "build")
    assert result.exit_code == 2
    assert result.stderr.startswith(error), result.stderr
    assert (tmp_path / "out" / "cloudformation" / "orders.yaml").read_text() == built


def test_a_duplicate_the_linked_file_does_not_reference_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    infra = project(tmp_path)
    assert rolec(tmp_path, "build").exit_code == 0
    (infra / "other_project.tf").write_text('variable "unused" {}\nvariable "unused" {}\n')
    assert rolec(tmp_path, "check").exit_code == 0


def test_an_edited_templatefile_fails_the_cached_build(tmp_path, monkeypatch):
    """The containers of `templatefile("${path.module}/containers.json", …)` are read only when the module is
    evaluated: the build keeps the outputs under a second key that adds that file's bytes."""
    monkeypatch.chdir(tmp_path)
    infra = tmp_path / "infra"
    shutil.copytree(MODULE.parent / "terraform-file", infra)
    (tmp_path / "specs").mkdir()
    spec = tmp_path / "specs" / "orders.yaml"
    assert CliRunner().invoke(main, ["infer", "infra/main.tf", "-o", str(spec)]).exit_code == 0
    spec.write_text(spec.read_text() + "task_definitions:\n  - path: ../infra/main.tf\n")
    assert rolec(tmp_path, "build").exit_code == 0
    assert rolec(tmp_path, "build").exit_code == 0  # from the cache
    containers = infra / "containers.json"
    containers.write_text(containers.read_text().replace('"name": "app",', '"name": "app", "secrets": '
                                                         '[{"name": "DB", "valueFrom": "/orders/db"}],'))
    result = rolec(tmp_path, "build")
    assert result.exit_code == 1
    assert ("infra/containers.json:3:60: error: container app needs ssm:GetParameters on "
            "arn:{partition}:ssm:{region}:{account}:parameter/orders/db") in result.stderr
