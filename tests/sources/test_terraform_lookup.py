"""compiler/sources/terraform.py given a file: the file's own declarations first, a reference it does not declare
looked up among the other files of its folder (one: used; several: a located Hole naming every place; none: open),
from the file that holds each value in turn; a folder given stays the strict module."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolec.errors import SpecError
from rolec.sources import Bindings, Hole, Span
from rolec.sources.terraform import read

TASK = 'output "v" {\n  value = {\n    group = aws_cloudwatch_log_group.app.name\n    region = var.region\n  }\n}\n'
LOGS = 'resource "aws_cloudwatch_log_group" "app" {\n  name = "/ecs/${local.app}"\n}\n'
LOCALS = 'locals {\n  app = "orders-${var.env}"\n}\n'
VARIABLES = 'variable "env" {\n  default = "prod"\n}\nvariable "region" {\n  default = "eu-west-1"\n}\n'
OTHER_PROJECT = ('variable "env" {\n  default = "x"\n}\nvariable "env" {}\nresource "aws_iam_role" "exec" {}\n'
                 'resource "aws_iam_role" "exec" {}\nlocals {\n  other = 1\n}\n')
"""A file of another project kept in the same folder: its duplicates are its own business until a lookup reaches them."""


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def value(module, name: str = "v"):
    return module.evaluate(module.find("output", name).attributes["value"]).value


def test_unrelated_duplicates_of_siblings_are_ignored(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "logs.tf": LOGS, "locals.tf": LOCALS, "variables.tf": VARIABLES.replace("prod", "p"),
                      "aaa_other.tf": OTHER_PROJECT.replace('"env"', '"stage"'), "zzz_other.tf": OTHER_PROJECT
                      .replace('"env"', '"stage"')})
    result = value(read(tmp_path / "task.tf", "task.tf", Bindings()))
    assert result["group"].literal == "/ecs/orders-p" and result["region"].literal == "eu-west-1"
    with pytest.raises(SpecError, match=r'aaa_other.tf:4:1: error: variable "stage" is declared twice, first at '
                                        r"aaa_other.tf:1:1"):
        read(tmp_path, ".", Bindings())  # the folder is the module, and Terraform refuses it


def test_looked_up_values_follow_references_transitively_and_stay_located(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "logs.tf": LOGS, "locals.tf": LOCALS, "variables.tf": VARIABLES})
    module = read(tmp_path / "task.tf", "task.tf", Bindings())
    group = value(module)["group"]  # task.tf -> logs.tf (the log group) -> locals.tf (local.app) -> variables.tf (var.env)
    assert group.literal == "/ecs/orders-prod"
    assert [b.at.path for b in module.blocks] == ["task.tf"]
    unset = read(folder(tmp_path, {"variables.tf": 'variable "env" {}\n'}) / "task.tf", "task.tf", Bindings())
    assert [p for p in value(unset)["group"].value if isinstance(p, Hole)] == [Hole("var.env", "var.env",
                                                                                    Span("locals.tf", 2, 19))]
    assert value(unset)["region"].value == Hole("var.region", "var.region", Span("task.tf", 4, 14))


def test_a_referenced_declaration_made_in_several_files_is_a_hole_naming_every_place(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "logs.tf": LOGS, "locals.tf": LOCALS, "variables.tf": VARIABLES,
                      "t17.tf": 'variable "region" {\n  default = "ap-northeast-1"\n}\n',
                      "t26.tf.json": '{"variable": {"region": {}}, "resource": {"aws_cloudwatch_log_group": {"app": {}}}}'})
    result = value(read(tmp_path / "task.tf", "task.tf", Bindings()))
    assert result["region"].value == Hole(
        "var.region", None, Span("task.tf", 4, 14),
        "var.region is declared in more than one place (t17.tf:1:1, t26.tf.json:1:25, variables.tf:4:1); Terraform "
        "refuses such a module and rolec cannot tell which one is meant: give the module's folder, or bind it with "
        "--set var.region=VALUE")
    assert result["group"].value == Hole(
        "aws_cloudwatch_log_group.app.name", None, Span("task.tf", 3, 13),
        "aws_cloudwatch_log_group.app is declared in more than one place (logs.tf:1:1, t26.tf.json:1:79); Terraform "
        "refuses such a module and rolec cannot tell which one is meant: give the module's folder")
    bound = value(read(tmp_path / "task.tf", "task.tf", Bindings({"var.region": "us-east-1"})))
    assert bound["region"].literal == "us-east-1"  # bound: no lookup


def test_the_file_given_and_each_looked_up_file_read_their_own_declaration_first(tmp_path):
    folder(tmp_path, {"task.tf": TASK + 'variable "region" {\n  default = "us-east-2"\n}\n', "logs.tf": LOGS,
                      "locals.tf": LOCALS + 'variable "env" {\n  default = "own"\n}\n', "variables.tf": VARIABLES})
    result = value(read(tmp_path / "task.tf", "task.tf", Bindings()))
    assert result["region"].literal == "us-east-2" and result["group"].literal == "/ecs/orders-own"
    with pytest.raises(SpecError, match=r'variables.tf:4:1: error: variable "region" is declared twice, first at '
                                        r"task.tf:7:1"):
        read(tmp_path, ".", Bindings())


def test_a_duplicate_within_the_file_given_is_an_error(tmp_path):
    folder(tmp_path, {"task.tf": TASK + 'locals {\n  x = 1\n}\nlocals {\n  x = 2\n}\n'})
    with pytest.raises(SpecError, match=r"^task.tf:11:7: error: local.x is defined twice, first at task.tf:8:7"):
        read(tmp_path / "task.tf", "task.tf", Bindings())


def test_an_override_file_changes_a_looked_up_declaration(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "logs.tf": LOGS, "locals.tf": LOCALS, "variables.tf": VARIABLES,
                      "env_override.tf": 'variable "env" {\n  default = "staging"\n}\nlocals {\n  unrelated = 1\n}\n',
                      "logs_override.tf.json": '{"resource": {"aws_cloudwatch_log_group": {"app": {"name": "/ecs/${local.app}-2"}}}}'})
    module = read(tmp_path / "task.tf", "task.tf", Bindings())
    group = value(module)["group"]
    assert group.literal == "/ecs/orders-staging-2" and group.at.path == "task.tf"
    assert module.find("resource", "aws_cloudwatch_log_group", "app").merged_from == ("logs_override.tf.json",)


def test_an_override_file_given_changes_a_declaration_of_one_file_only(tmp_path):
    folder(tmp_path, {"a.tf": LOGS, "b.tf": LOGS, "app_override.tf": 'resource "aws_cloudwatch_log_group" "app" {}\n'})
    with pytest.raises(SpecError, match=r"^app_override.tf:1:1: error: app_override.tf overrides "
                                        r"aws_cloudwatch_log_group.app, which more than one other file declares "
                                        r"\(a.tf:1:1, b.tf:1:1\); rolec cannot tell which one it changes"):
        read(tmp_path / "app_override.tf", "app_override.tf", Bindings())


def test_an_unreadable_sibling_matters_only_to_a_lookup_that_finds_nothing(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "logs.tf": LOGS, "locals.tf": LOCALS, "variables.tf": VARIABLES,
                      "broken.tf": 'variable "zone" {\n  default = [1,\n}\n', "broken.tf.json": '{"variable": '})
    result = value(read(tmp_path / "task.tf", "task.tf", Bindings()))
    assert result["group"].literal == "/ecs/orders-prod"  # every lookup found its declaration: the siblings do not matter
    (tmp_path / "variables.tf").write_text('variable "env" {\n  default = "prod"\n}\n')
    region = value(read(tmp_path / "task.tf", "task.tf", Bindings()))["region"].value
    assert region == Hole("var.region", None, Span("broken.tf", 3, 1),
                          "var.region (used at task.tf:4:14) is declared in no file rolec could read, and this file of "
                          "the module cannot be read (invalid HCL: unexpected '}'), broken.tf.json:1:14 (invalid JSON: "
                          "Expecting value); fix it, or bind it with --set var.region=VALUE")
    with pytest.raises(SpecError) as caught:
        read(tmp_path, ".", Bindings())  # the folder given: every file must be readable
    assert [(d.path, d.line) for d in caught.value.diagnostics] == [("broken.tf", 3), ("broken.tf.json", 1)]


def test_the_file_given_and_override_files_must_be_readable(tmp_path):
    folder(tmp_path, {"task.tf": TASK, "variables.tf": VARIABLES, "x_override.tf": "locals {\n"})
    with pytest.raises(SpecError, match=r"^x_override.tf:2:1: error: invalid HCL"):
        read(tmp_path / "task.tf", "task.tf", Bindings())
    (tmp_path / "x_override.tf").unlink()
    (tmp_path / "task.tf").write_text("output {")
    with pytest.raises(SpecError, match=r"^task.tf:2:1: error: invalid HCL"):
        read(tmp_path / "task.tf", "task.tf", Bindings())
