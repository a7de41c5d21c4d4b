"""compiler/sources/terraform.py: HCL evaluated from python-hcl2's located parse tree; the rest is a Hole."""

from __future__ import annotations

import pytest

from rolec.errors import SpecError
from rolec.sources import Bindings, Hole, Span
from rolec.sources.terraform import decode_json, read
from rolec.text import Pseudo

MODULE = """\
variable "env" {
  default = "prod"
}
variable "region" {}
locals {
  app   = "orders-${var.env}"
  names = ["a", "b"]
}
data "aws_region" "current" {}
data "aws_partition" "p" {}
data "aws_secretsmanager_secret" "db" {
  name = "${local.app}/db"
}
data "aws_secretsmanager_secret_version" "db" {
  secret_id = data.aws_secretsmanager_secret.db.id
}
resource "aws_cloudwatch_log_group" "logs" {
  name = "/ecs/${local.app}"
}
resource "aws_ssm_parameter" "p" {
  name = "/${local.app}/p"
}
resource "aws_ecr_repository" "r" {
  name = local.app
}
output "v" {
  value = {
    a = aws_cloudwatch_log_group.logs.name
    b = data.aws_secretsmanager_secret_version.db.arn
    c = aws_ssm_parameter.p.arn
    d = "${aws_ecr_repository.r.repository_url}:1"
    e = "${data.aws_region.current.name}-${data.aws_partition.p.partition}"
    f = var.region
    g = [for n in local.names : upper(n)]
    h = merge({}, {})
    i = local.names[1]
    j = aws_iam_role.x.arn
    k = "$${literal}"
    l = jsonencode({x = 1})
    m = true ? "a" : "b"
  }
}
"""


@pytest.fixture
def module(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(MODULE)

    def make(bindings=None):
        return read(path, "main.tf", Bindings(bindings or {}))

    return make


def values(module):
    output = module.find("output", "v")
    return module.evaluate(output.attributes["value"]).value


def test_evaluated(module):
    v = values(module())
    assert v["a"].literal == "/ecs/orders-prod"
    assert v["b"].value == ("arn:", Pseudo.PARTITION, ":secretsmanager:", Pseudo.REGION, ":", Pseudo.ACCOUNT,
                            ":secret:orders-prod/db")
    assert v["c"].value[-1] == ":parameter/orders-prod/p"
    assert v["d"].value == (Pseudo.ACCOUNT, ".dkr.ecr.", Pseudo.REGION, ".amazonaws.com/orders-prod:1")
    assert v["e"].value == (Pseudo.REGION, "-", Pseudo.PARTITION)
    assert v["i"].literal == "b" and v["k"].literal == "${literal}" and v["l"].value["x"].value == 1


def test_open_values_are_holes_at_their_location(module):
    v = values(module())
    assert v["f"].value == Hole("var.region", "var.region", Span("main.tf", 33, 9))
    for key, reason in (("g", "for expressions"), ("h", "merge()"), ("j", "is not declared in any file of the module"),
                        ("m", "conditional")):
        assert isinstance(v[key].value, Hole) and reason in v[key].value.reason, key
        assert v[key].value.binding is None


def test_bindings(module):
    v = values(module({"var.region": "eu-west-1", "local.app": "billing", "var.env": "dev"}))
    assert v["f"].literal == "eu-west-1" and v["a"].literal == "/ecs/billing"


def test_json_string_and_embedded_files(tmp_path):
    (tmp_path / "c.json").write_text('[{"name": "${n}"}]')
    (tmp_path / "main.tf").write_text('output "x" {\n  value = templatefile("c.json", {n = "app"})\n}\n'
                                      'output "y" {\n  value = file("../etc/passwd")\n}\n'
                                      'output "z" {\n  value = "[{\\"name\\": \\"a\\"}]"\n}\n')
    bindings = Bindings()
    module = read(tmp_path / "main.tf", "main.tf", bindings)
    value = {name: module.find("output", name).attributes["value"] for name in ("x", "y", "z")}
    embedded = decode_json(module.evaluate(value["x"]), bindings)
    assert embedded.value[0].value["name"].literal == "app" and embedded.at.path == "c.json"
    with pytest.raises(SpecError, match="reads only files in the module's own folder"):
        module.evaluate(value["y"])
    assert decode_json(module.evaluate(value["z"]), bindings).value[0].value["name"].at.line == 8


def test_invalid_hcl_is_located(tmp_path):
    (tmp_path / "bad.tf").write_text('resource "x" "y" {\n  a = [1,\n}\n')
    with pytest.raises(SpecError) as caught:
        read(tmp_path / "bad.tf", "bad.tf", Bindings())
    assert str(caught.value).startswith("bad.tf:3:1: error: invalid HCL")


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    (tmp_path / "deep.tf").write_text('output "x" {\n  value = jsonencode(' + "[" * 3000 + "]" * 3000 + ")\n}\n")
    with pytest.raises(SpecError, match="nested too deeply"):
        module = read(tmp_path / "deep.tf", "deep.tf", Bindings())
        module.evaluate(module.find("output", "x").attributes["value"])
