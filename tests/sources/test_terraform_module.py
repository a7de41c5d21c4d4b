"""compiler/sources/terraform.py reads a Terraform module as Terraform does: every .tf and .tf.json file of one folder,
each declaration once, override files merged last; every value located in the file that holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolec.errors import SpecError
from rolec.sources import Bindings, Hole, Span
from rolec.sources.terraform import decode_json, read
from rolec.sources.tfmodule import is_override, module_files
from rolec.text import Pseudo


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def output(module, name: str = "v"):
    return module.evaluate(module.find("output", name).attributes["value"])


SPLIT = {
    "main.tf": 'output "v" {\n  value = {\n    group = aws_cloudwatch_log_group.app.name\n    region = var.region\n'
               '    secret = data.aws_secretsmanager_secret.db.arn\n    open = var.open\n  }\n}\n',
    "variables.tf": 'variable "region" {\n  default = "eu-west-1"\n}\nvariable "open" {}\n',
    "locals.tf": 'locals {\n  app = "orders-${var.region}"\n}\n',
    "logs.tf.json": '{"resource": {"aws_cloudwatch_log_group": {"app": {"name": "/ecs/${local.app}"}}}}\n',
    "secrets.tf": 'data "aws_secretsmanager_secret" "db" {\n  name = "${local.app}/db"\n}\n',
}


def test_values_come_from_every_file_of_the_module(tmp_path):
    module = read(write(tmp_path, SPLIT) / "main.tf", "m/main.tf", Bindings())
    value = output(module).value
    assert value["group"].literal == "/ecs/orders-eu-west-1"
    assert value["region"].literal == "eu-west-1" and value["region"].at == Span("m/variables.tf", 2, 13)
    assert value["secret"].value[-1] == ":secret:orders-eu-west-1/db"
    assert value["open"].value == Hole("var.open", "var.open", Span("m/main.tf", 6, 12))
    assert {b.at.path for b in module.blocks} == {"m/main.tf"} and sorted(module.files) == [
        "m/locals.tf", "m/logs.tf.json", "m/main.tf", "m/secrets.tf", "m/variables.tf"]


def test_a_hole_is_located_in_the_file_that_holds_it(tmp_path):
    files = dict(SPLIT, **{"variables.tf": 'variable "open" {}\n'})
    module = read(write(tmp_path, files) / "main.tf", "main.tf", Bindings())
    value = output(module).value
    assert value["region"].value == Hole("var.region", "var.region", Span("main.tf", 4, 14))
    group = value["group"].value  # "/ecs/${local.app}" in logs.tf.json, local.app in locals.tf
    assert [p for p in group if isinstance(p, Hole)] == [Hole("var.region", "var.region", Span("locals.tf", 2, 19))]


def test_a_folder_is_the_module_and_every_file_is_given(tmp_path):
    module = read(write(tmp_path, SPLIT), "m", Bindings({"var.region": "us-west-2"}))
    assert {b.at.path for b in module.blocks} == set(module.files) and output(module).value["group"].literal == "/ecs/orders-us-west-2"


def test_declared_twice_in_a_folder_given_is_an_error_naming_both_places(tmp_path):
    write(tmp_path, {
        "a.tf": 'variable "x" {}\nresource "aws_s3_bucket" "b" {}\ndata "aws_region" "r" {}\noutput "o" {\n  value = 1\n}\n'
                'module "m" {\n  source = "./m"\n}\nlocals {\n  l = 1\n}\n',
        "b.tf": 'variable "x" {}\nresource "aws_s3_bucket" "b" {}\ndata "aws_region" "r" {}\noutput "o" {\n  value = 2\n}\n'
                'module "m" {\n  source = "./n"\n}\nlocals {\n  l = 2\n}\n',
        "c.tf.json": '{"resource": {"aws_s3_bucket": {"b": {}}}}',
    })
    with pytest.raises(SpecError) as caught:
        read(tmp_path, ".", Bindings())
    assert str(caught.value).splitlines() == [
        'b.tf:1:1: error: variable "x" is declared twice, first at a.tf:1:1; Terraform refuses a module that declares a variable twice',
        "b.tf:2:1: error: aws_s3_bucket.b is declared twice, first at a.tf:2:1; Terraform refuses a module that declares a "
        "resource twice",
        "b.tf:3:1: error: data.aws_region.r is declared twice, first at a.tf:3:1; Terraform refuses a module that declares a "
        "data resource twice",
        'b.tf:4:1: error: output "o" is declared twice, first at a.tf:4:1; Terraform refuses a module that declares an '
        "output twice",
        "b.tf:7:1: error: module.m is declared twice, first at a.tf:7:1; Terraform refuses a module that declares a module "
        "call twice",
        "b.tf:11:7: error: local.l is defined twice, first at a.tf:11:7; Terraform refuses a module that defines a local "
        "value twice",
        "c.tf.json:1:38: error: aws_s3_bucket.b is declared twice, first at a.tf:2:1; Terraform refuses a module that "
        "declares a resource twice",
    ]


def test_override_files_merge_as_terraform_merges_them(tmp_path):
    write(tmp_path, {
        "main.tf": 'variable "env" {\n  default = "dev"\n}\nlocals {\n  a = "a"\n  b = "b"\n}\n'
                   'resource "aws_s3_bucket" "r" {\n  bucket = "r-${var.env}"\n  acl = "private"\n'
                   '  logging {\n    target_bucket = "one"\n  }\n  logging {\n    target_bucket = "two"\n  }\n'
                   '  lifecycle {\n    prevent_destroy = true\n    ignore_changes = [acl]\n  }\n}\n'
                   'output "v" {\n  value = [aws_s3_bucket.r.bucket, local.a, local.b]\n}\n',
        "b_override.tf": 'locals {\n  b = "from b_override"\n}\nvariable "env" {\n  default = "prod"\n}\n',
        "a_override.tf": 'locals {\n  b = "from a_override"\n}\n'
                         'resource "aws_s3_bucket" "r" {\n  acl = "log-delivery-write"\n  logging {\n    target_bucket = "three"\n  }\n'
                         '  lifecycle {\n    prevent_destroy = false\n  }\n}\n',
        "override.tf.json": '{"variable": {"env": {"default": "staging"}}}',
    })
    assert [p.name for p in module_files(tmp_path)] == ["main.tf", "a_override.tf", "b_override.tf", "override.tf.json"]
    module = read(tmp_path / "main.tf", "main.tf", Bindings())
    name, a, b = output(module).value
    assert (name.literal, a.literal, b.literal) == ("r-staging", "a", "from b_override")  # lexical order: the last wins
    assert b.at == Span("b_override.tf", 2, 7) and name.at.path == "main.tf"
    bucket = module.find("resource", "aws_s3_bucket", "r")
    assert module.evaluate(bucket.attributes["acl"]).literal == "log-delivery-write"
    assert [module.evaluate(b.attributes["target_bucket"]).literal for b in bucket.blocks if b.kind == "logging"] == ["three"]
    [lifecycle] = [b for b in bucket.blocks if b.kind == "lifecycle"]
    assert sorted(lifecycle.attributes) == ["ignore_changes", "prevent_destroy"]  # merged argument by argument
    assert module.evaluate(lifecycle.attributes["prevent_destroy"]).value is False


@pytest.mark.parametrize("given", [".", "override.tf"])
def test_an_override_of_nothing_is_an_error_in_the_folder_or_the_override_file_given(tmp_path, given):
    write(tmp_path, {"main.tf": 'variable "env" {}\n',
                     "override.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\nlocals {\n  x = 1\n}\n'})
    with pytest.raises(SpecError) as caught:
        read(tmp_path / given, given, Bindings())
    assert str(caught.value).splitlines() == [
        "override.tf:1:1: error: override.tf overrides aws_s3_bucket.b, which no other file of the module declares; an "
        "override file can only change what a primary file declares",
        "override.tf:5:7: error: override.tf overrides local.x, which no other file of the module defines; an override "
        "file can only change what a primary file declares"]
    assert read(tmp_path / "main.tf", "main.tf", Bindings()).blocks  # a file given: it changes nothing main.tf reads


@pytest.mark.parametrize("name, override", [("override.tf", True), ("x_override.tf.json", True), ("override_x.tf", False),
                                            ("xoverride.tf", False), ("main.tf", False)])
def test_override_file_names(name, override):
    assert is_override(name) is override


def test_files_terraform_ignores_are_not_read_nor_tfvars(tmp_path):
    write(tmp_path, {"main.tf": 'variable "env" {\n  default = "dev"\n}\noutput "v" {\n  value = var.env\n}\n',
                     ".hidden.tf": "invalid {", "main.tf~": "invalid {", "#main.tf#": "invalid {",
                     "terraform.tfvars": 'env = "prod"\n', "notes.txt": "invalid {"})
    (tmp_path / "sub.tf").mkdir()
    module = read(tmp_path / "main.tf", "main.tf", Bindings())
    assert list(module.files) == ["main.tf"] and output(module).literal == "dev"


def test_problems_of_every_file_of_a_folder_given_are_reported_together(tmp_path):
    write(tmp_path, {"main.tf": 'output "v" {\n  value = 1\n}\n', "a.tf": 'locals {\n  x = [1,\n}\n',
                     "b.tf.json": '{"locals": {"y": 1,}}'})
    with pytest.raises(SpecError) as caught:
        read(tmp_path, ".", Bindings())
    assert [(d.path, d.line) for d in caught.value.diagnostics] == [("a.tf", 3), ("b.tf.json", 1)]


def test_embedded_files_are_relative_to_the_module_folder(tmp_path):
    write(tmp_path, {"main.tf": 'output "v" {\n  value = templatefile("${path.module}/c.json", { n = local.n })\n}\n',
                     "locals.tf": 'locals {\n  n = "app"\n}\n', "c.json": '[{"name": "${n}"}]'})
    bindings = Bindings()
    module = read(tmp_path, "m", bindings)
    embedded = decode_json(output(module), bindings)
    assert embedded.value[0].value["name"].literal == "app" and embedded.at.path == "m/c.json"


def test_a_folder_without_terraform_files_is_not_a_module(tmp_path):
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(SpecError, match=r"^m:1:1: error: m holds no .tf or .tf.json file: it is not a Terraform module$"):
        read(tmp_path, "m", Bindings())


def test_pseudo_data_sources_from_another_file(tmp_path):
    write(tmp_path, {"main.tf": 'output "v" {\n  value = "${data.aws_region.here.name}:${data.aws_caller_identity.me.account_id}"\n}\n',
                     "data.tf": 'data "aws_region" "here" {}\ndata "aws_caller_identity" "me" {}\n'})
    assert output(read(tmp_path / "main.tf", "main.tf", Bindings())).value == (Pseudo.REGION, ":", Pseudo.ACCOUNT)


def test_variable_files_are_read_only_when_given_and_a_later_one_wins(tmp_path):
    from rolec.sources.terraform import read_var_files

    write(tmp_path, {"main.tf": 'variable "env" {\n  default = "dev"\n}\noutput "v" {\n  value = "${var.env}-${var.tier}"\n}\n',
                     "terraform.tfvars": 'env = "auto"\ntier = "web"\n', "prod.tfvars": 'env = "prod"\n',
                     "tier.tfvars.json": '{"tier": "api", "env": "json"}'})
    assert output(read(tmp_path / "main.tf", "main.tf", Bindings())).value[0] == "dev-"  # terraform.tfvars is not read
    variables = read_var_files([tmp_path / "tier.tfvars.json", tmp_path / "prod.tfvars"])
    assert variables["env"].literal == "prod" and variables["env"].at == Span(f"{tmp_path.as_posix()}/prod.tfvars", 1, 7)
    value = output(read(tmp_path / "main.tf", "main.tf", Bindings(variables=variables)))
    assert value.literal == "prod-api"
    bound = output(read(tmp_path / "main.tf", "main.tf", Bindings({"var.env": "cli"}, variables=variables)))
    assert bound.literal == "cli-api"  # --set wins over the files


def test_a_variable_file_holds_literal_values_only(tmp_path):
    from rolec.sources.terraform import read_var_files

    write(tmp_path, {"a.tfvars": 'env = "x-${var.region}"\nzone = upper("a")\n', "b.tfvars": 'resource "x" "y" {}\n',
                     "c.tfvars.json": "[1]"})
    with pytest.raises(SpecError) as caught:
        read_var_files([tmp_path / name for name in ("a.tfvars", "b.tfvars", "c.tfvars.json", "missing.tfvars")])
    folder = tmp_path.as_posix()
    assert str(caught.value).splitlines() == [
        f"{folder}/a.tfvars:1:12: error: var.env: a variable file holds literal values, and var.region is not one "
        "(Terraform refuses references and functions there)",
        f'{folder}/a.tfvars:2:8: error: var.zone: a variable file holds literal values, and upper("a") is not one '
        "(Terraform refuses references and functions there)",
        f"{folder}/b.tfvars:1:1: error: a variable file holds NAME = VALUE lines only",
        f"{folder}/c.tfvars.json:1:1: error: a .tfvars.json file holds one object of variable values",
        f"{folder}/missing.tfvars:1:1: error: cannot read the variable file: No such file or directory"]


def test_an_override_file_given_is_given_with_the_blocks_it_changes(tmp_path):
    write(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\nresource "aws_s3_bucket" "b" {}\n',
                     "a_override.tf": 'resource "aws_s3_bucket" "a" {\n  bucket = "a2"\n}\n'})
    module = read(tmp_path / "a_override.tf", "a_override.tf", Bindings())
    assert [b.labels[1] for b in module.resources("aws_s3_bucket")] == ["a"]
    whole = read(tmp_path / "main.tf", "main.tf", Bindings())
    assert [b.labels[1] for b in whole.resources("aws_s3_bucket")] == ["a", "b"]


def test_files_with_the_same_text_keep_their_own_locations(tmp_path):
    same = 'locals {\n  x = "${var.a}"\n}\n'
    write(tmp_path, {"main.tf": same, "main_override.tf": same})
    module = read(tmp_path / "main.tf", "main.tf", Bindings())
    [block] = [b for b in module.blocks if b.kind == "locals"]
    assert module.evaluate(block.attributes["x"]).at == Span("main_override.tf", 2, 10)  # the override's value
    again = read(tmp_path / "main.tf", "main.tf", Bindings())  # read twice (a build reads a module per linked spec)
    assert again.evaluate(next(b for b in again.blocks if b.kind == "locals").attributes["x"]).at.path == "main_override.tf"


def test_a_child_module_output_says_rolec_does_not_read_called_modules(tmp_path):
    write(tmp_path, {"main.tf": 'module "logs" {\n  source = "./logs"\n}\noutput "v" {\n  value = module.logs.name\n}\n'})
    value = output(read(tmp_path / "main.tf", "main.tf", Bindings())).value
    assert value == Hole("module.logs.name", None, Span("main.tf", 5, 11), "it is an output of module.logs, a module "
                         "this one calls: rolec reads the module given, not the modules it calls")
