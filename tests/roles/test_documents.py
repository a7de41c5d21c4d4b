"""compiler/roles/documents.py: a trust policy keeps what the source leaves to deploy time, written so that the audit
reads it as deployed where it can."""

from __future__ import annotations

from rolec.audit.compare import find_trust
from rolec.audit.needs import Needs
from rolec.iam.location import Location
from rolec.roles import load


def test_the_ecs_tasks_principal_with_the_partition_dns_suffix_is_ecs_tasks(tmp_path):
    """`ecs-tasks.${data.aws_partition.current.dns_suffix}` (the AWS provider: "Base DNS domain name for the current
    partition") is the ECS tasks principal in every partition, as `ecs-tasks.${AWS::URLSuffix}` is in CloudFormation:
    not another principal that may assume the role."""
    path = tmp_path / "role.tf"
    path.write_text("""\
data "aws_partition" "current" {}
resource "aws_iam_role" "exec" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                                                   Principal = { Service = "ecs-tasks.${data.aws_partition.current.dns_suffix}" } }] })
}
""")
    [role] = load([path])
    assert role.trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.${AWS::URLSuffix}"}
    assert [f for f in find_trust(role, Needs("app", (), (), ()), Location()) if not f.note] == []
