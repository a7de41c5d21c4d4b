"""compiler/sources/terraform.py: HCL evaluated from python-hcl2's located parse tree; the rest is a Hole."""

from __future__ import annotations

import pytest

from rolec.errors import SpecError
from rolec.sources import Bindings, Hole, Span
from rolec.sources.terraform import decode_json, read
from rolec.text import Pseudo

from tests.support.role_sources import audited

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
                            ":secret:orders-prod/db-??????")  # the secret's ARN, with the suffix Secrets Manager adds
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


def infer_task(folder, container: str):
    """What infer reads from ecs.tf in `folder`: one Fargate task definition whose container `app` is written `container`
    (HCL arguments), with the other files of the folder."""
    from rolec.taskdefs import infer

    (folder / "ecs.tf").write_text(f"""\
resource "aws_ecs_task_definition" "web" {{
  family                   = "web"
  execution_role_arn       = "arn:aws:iam::123456789012:role/exec"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([{{
    name  = "app"
{container}
  }}])
}}
""")
    return infer([str(folder / "ecs.tf")], {})


SECRETS = """\
resource "aws_secretsmanager_secret" "master" {
  name = "prod/db-master"
}
data "aws_secretsmanager_secret" "token" {
  name = "prod/api-Pass01"
}
"""


def test_a_secret_of_the_module_is_its_full_arn_whatever_its_name_ends_in(tmp_path):
    """The AWS provider's aws_secretsmanager_secret (resource and data source): `arn` and `id` are the "ARN of the
    secret", which is the name plus the six characters Secrets Manager adds (its import example:
    `…:secret:example-123456`): never a partial ARN whose end rolec would have to guess (`-master`, `-Pass01`)."""
    (tmp_path / "secrets.tf").write_text(SECRETS)
    inferred = infer_task(tmp_path, """\
    image = "nginx"
    secrets = [
      { name = "A", valueFrom = aws_secretsmanager_secret.master.arn },
      { name = "B", valueFrom = "${data.aws_secretsmanager_secret.token.id}:password::" },
    ]""")
    assert inferred.document["features"]["secrets"]["secrets_manager"] == ["prod/api-Pass01", "prod/db-master"]


def test_a_role_granting_its_secret_by_arn_grants_that_secret(tmp_path):
    """`Resource = [aws_secretsmanager_secret.db.arn]` grants the secret a task names by its full ARN."""
    (tmp_path / "role.tf").write_text(SECRETS + """\
resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}
resource "aws_iam_role" "exec" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  inline_policy {
    name   = "p"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue",
                                         Resource = [aws_secretsmanager_secret.db.arn, data.aws_secretsmanager_secret.token.arn] }] })
  }
}
""")
    _, audit = audited(tmp_path / "role.tf", *(("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:123456789012:"
                                                 f"secret:{name}") for name in ("prod/db-AbC123", "prod/api-Pass01-XyZ789")))
    assert audit.missing == ()


def test_the_partition_dns_suffix_in_an_ecr_host_is_the_deploying_registry(tmp_path):
    """The AWS provider's aws_partition `dns_suffix`: "Base DNS domain name for the current partition (e.g.,
    amazonaws.com in AWS Commercial, amazonaws.com.cn in AWS China)", CloudFormation's AWS::URLSuffix: with the
    deploying account and region it names the deploying registry in every partition."""
    (tmp_path / "data.tf").write_text('data "aws_caller_identity" "c" {}\ndata "aws_region" "r" {}\ndata "aws_partition" "p" {}\n')
    inferred = infer_task(tmp_path, '    image = "${data.aws_caller_identity.c.account_id}.dkr.ecr.${data.aws_region.r.name}.'
                                    '${data.aws_partition.p.dns_suffix}/app:1"')
    assert inferred.document["features"]["ecr_pull"]["repositories"] == ["app"]


def test_the_partition_dns_suffix_elsewhere_is_a_hole_bound_as_aws_url_suffix(tmp_path):
    (tmp_path / "main.tf").write_text('data "aws_partition" "p" {}\noutput "x" {\n  value = "logs.${data.aws_partition.p.dns_suffix}"\n}\n')
    module = read(tmp_path / "main.tf", "main.tf", Bindings())
    [_, hole] = module.evaluate(module.find("output", "x").attributes["value"]).value
    assert (hole.written, hole.binding, hole.at) == ("data.aws_partition.p.dns_suffix", "AWS::URLSuffix", Span("main.tf", 3, 19))
    module = read(tmp_path / "main.tf", "main.tf", Bindings({"AWS::URLSuffix": "amazonaws.com.cn"}))
    assert module.evaluate(module.find("output", "x").attributes["value"]).literal == "logs.amazonaws.com.cn"
