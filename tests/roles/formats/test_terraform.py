"""compiler/roles/formats/terraform.py on roles whose resources lack an argument the AWS provider requires, or
have one of the wrong shape: each is a located error (exit 2), never an internal error. The provider's
documentation: aws_iam_role_policy_attachment needs `policy_arn`; aws_iam_role_policy, aws_iam_policy and an
aws_iam_role's inline_policy block need `policy` (an inline_policy without arguments is the documented way to
remove every inline policy); data "aws_iam_policy_document" principals and condition blocks need their arguments."""

from __future__ import annotations

import pytest

from rolec.roles import load

from tests.support.role_sources import audited, located_error

ROLE = """\
resource "aws_iam_role" "exec" {{
  name               = "exec"
  assume_role_policy = jsonencode({{ Statement = [{{ Effect = "Allow", Principal = {{ Service = "ecs-tasks.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
{inside}
}}
{outside}
"""
STATEMENT = 'jsonencode({ Statement = [{ Effect = "Allow", Action = "ecr:*", Resource = "*" }] })'


@pytest.mark.parametrize("inside, outside, line, fragment", [
    ("", 'resource "aws_iam_role_policy_attachment" "a" {\n  role = aws_iam_role.exec.name\n}', 6, "policy_arn"),
    ("", 'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.exec.id\n}', 6, "policy"),
    ("", 'resource "aws_iam_policy" "p" {\n  name = "p"\n}\n'
         'resource "aws_iam_role_policy_attachment" "a" {\n  role       = aws_iam_role.exec.name\n'
         '  policy_arn = aws_iam_policy.p.arn\n}', 6, "policy"),
    ('  inline_policy {\n    name = "p"\n  }', "", 4, "policy"),
    ("", 'variable "roles" {}\nresource "aws_iam_policy_attachment" "a" {\n  name = "a"\n  roles = var.roles\n'
         '  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}', 9, "var.roles"),
    ("", 'resource "aws_iam_policy_attachment" "a" {\n  name = "a"\n  roles = "exec"\n'
         '  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}', 8, "expected a list of role names"),
    ("  managed_policy_arns = [5]", "", 4, "policy ARN"),
    ("  permissions_boundary = 5", "", 4, "permissions_boundary"),
    ('  inline_policy {\n    name = "p"\n    policy = data.aws_iam_policy_document.d.json\n  }',
     'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["ecr:*"]\n    resources = ["*"]\n'
     '    principals {\n      type = "AWS"\n    }\n  }\n}', 13, "identifiers"),
    ('  inline_policy {\n    name = "p"\n    policy = data.aws_iam_policy_document.d.json\n  }',
     'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["ecr:*"]\n    resources = ["*"]\n'
     '    condition {\n      test = "Bool"\n    }\n  }\n}', 13, "variable"),
    ('  inline_policy {\n    name = "p"\n    policy = data.aws_iam_policy_document.d.json\n  }',
     'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["ecr:*"]\n    resources = ["*"]\n'
     '    principals {\n      type = ["AWS"]\n      identifiers = ["*"]\n    }\n  }\n}', 14, "type: expected a string"),
    ('  inline_policy {\n    name = "p"\n    policy = data.aws_iam_policy_document.d.json\n  }',
     'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["ecr:*"]\n    resources = ["*"]\n'
     '    condition {\n      test = "Bool"\n      variable = ["aws:SecureTransport"]\n      values = ["true"]\n'
     '    }\n  }\n}', 15, "variable: expected a string"),
])
def test_a_resource_without_a_required_argument_is_a_located_error(tmp_path, inside, outside, line, fragment):
    path = tmp_path / "role.tf"
    path.write_text(ROLE.format(inside=inside, outside=outside))
    diagnostic = located_error(path)
    assert diagnostic.line == line and fragment in diagnostic.message, diagnostic


def test_an_inline_policy_block_without_arguments_removes_the_inline_policies(tmp_path):
    """aws_iam_role: "configuring an empty inline_policy block (i.e., inline_policy {}) will cause Terraform to remove
    all inline policies added out of band": a block that grants nothing, not an error."""
    path = tmp_path / "role.tf"
    path.write_text(ROLE.format(inside="  inline_policy {}", outside=""))
    [role] = load([path])
    assert role.policies == ()


def test_an_inline_policy_in_terraform_json_is_read(tmp_path):
    """Terraform JSON writes a nested block as an argument (`"inline_policy": [{…}]`): the same policy as in HCL."""
    path = tmp_path / "role.tf.json"
    path.write_text("""{"resource": {"aws_iam_role": {"exec": {
  "assume_role_policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"Service\\": \\"ecs-tasks.amazonaws.com\\"}, \\"Action\\": \\"sts:AssumeRole\\"}]}",
  "inline_policy": [{"name": "p", "policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"ecr:*\\", \\"Resource\\": \\"*\\"}]}"}]
}}}}""")
    [role] = load([path])
    [policy] = role.policies
    assert (policy.name, policy.document["Statement"][0]["Action"]) == ("p", "ecr:*")


SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123"
GRANTS_SECRET = ('  inline_policy {\n    name = "p"\n    policy = jsonencode({ Statement = [{ Effect = "Allow", '
                 'Action = "secretsmanager:GetSecretValue", Resource = "*" }] })\n  }\n')


def test_a_permissions_boundary_of_the_same_module_is_applied(tmp_path):
    """aws_iam_role `permissions_boundary`: "ARN of the policy that is used to set the permissions boundary for the
    role"; `aws_iam_policy.boundary.arn` is known only after apply, but the policy's document is in the module. IAM:
    the effective permissions are the intersection of the role's policies and its boundary."""
    path = tmp_path / "role.tf"
    path.write_text(ROLE.format(inside=GRANTS_SECRET + "  permissions_boundary = aws_iam_policy.boundary.arn", outside="""\
resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["ecr:*", "logs:*"], Resource = "*" }] })
}
"""))
    role, audit = audited(path, ("secretsmanager:GetSecretValue", SECRET))
    assert role.boundary_policy.document["Statement"][0]["Action"] == ["ecr:*", "logs:*"]
    assert [p.name for p in role.policies] == ["p"]  # the boundary limits the role; it grants nothing
    [missing] = audit.missing
    assert missing.action == "secretsmanager:GetSecretValue" and "permissions boundary" in missing.reasons[0]


@pytest.mark.parametrize("boundary", ['"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"',
                                      '"arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"',
                                      "data.aws_iam_policy.ecr.arn"])
def test_an_aws_managed_permissions_boundary_is_applied(tmp_path, boundary):
    path = tmp_path / "role.tf"
    path.write_text(ROLE.format(inside=GRANTS_SECRET + f"  permissions_boundary = {boundary}", outside="""\
data "aws_partition" "p" {}
data "aws_iam_policy" "ecr" {
  arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}
"""))
    _, audit = audited(path, ("secretsmanager:GetSecretValue", SECRET))
    [missing] = audit.missing
    assert "AmazonEC2ContainerRegistryReadOnly" in missing.reasons[0]
