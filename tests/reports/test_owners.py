"""Cross-account resources: explain (text and JSON) and the build output name, per ECR repository, secret and KMS
key in another account, the statement its owner adds (principal = this role's ARN), and nothing for the rest."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rolec.build.pipeline import compile_spec
from rolec.cli import main
from rolec.reports import owners
from rolec.reports.explain import explain, to_text

from tests.support.roles import write_spec

SHARED = "222233334444"
REPOSITORY = f"arn:aws:ecr:eu-west-1:{SHARED}:repository/shared/base"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{SHARED}:secret:shared/db-AbCdEf"
KEY = f"arn:aws:kms:eu-west-1:{SHARED}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALIAS = f"arn:aws:kms:eu-west-1:{SHARED}:alias/shared"
SPEC = {
    "role": {"name": "orders-{region}", "path": "/ecs/"},
    "features": {
        "ecr_pull": {"repositories": ["own", REPOSITORY]},
        "secrets": {"secrets_manager": ["own/db", SECRET + ":password::"], "kms_keys": [KEY, ALIAS, "alias/own"],
                    "ssm_parameters": ["arn:{partition}:ssm:eu-west-1:{account}:parameter/own"]},
        "runtime_monitoring": {"guardduty_agent": True},
        "awslogs": {"log_groups": ["arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/own"]},
    },
}


def test_each_foreign_resource_gets_its_owners_statement(tmp_path):
    role = compile_spec(write_spec(tmp_path, SPEC)).role
    grants = {g.resource: g for g in owners.owner_grants(role)}
    assert sorted(grants) == sorted([REPOSITORY, SECRET, KEY, f"arn:aws:kms:eu-west-1:{SHARED}:key/*"])
    principal = "arn:${Partition}:iam::${AccountId}:role/ecs/orders-${Region}"
    repository = grants[REPOSITORY]
    assert (repository.policy, repository.account) == ("repository policy", SHARED)
    assert repository.statement == {
        "Sid": "RolecRole", "Effect": "Allow", "Principal": {"AWS": principal},
        "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
    secret = grants[SECRET]
    assert secret.policy == "secret resource policy"
    assert secret.statement["Action"] == ["secretsmanager:GetSecretValue"] and secret.statement["Resource"] == "*"
    assert "aws/secretsmanager" in secret.note
    key = grants[KEY]
    assert key.policy == "key policy" and key.statement["Action"] == ["kms:Decrypt"]
    assert "alias/shared" in grants[f"arn:aws:kms:eu-west-1:{SHARED}:key/*"].note


def test_names_placeholders_and_aws_owned_accounts_need_no_owner(tmp_path):
    spec = {"features": {"ecr_pull": {"repositories": ["own"]}, "runtime_monitoring": {"guardduty_agent": True},
                         "secrets": {"ssm_parameters": ["arn:{partition}:ssm:eu-west-1:{account}:parameter/x"]}}}
    compiled = compile_spec(write_spec(tmp_path, spec))
    assert owners.owner_grants(compiled.role) == []
    assert owners.output_path(compiled.role.id) not in compiled.files
    assert explain(compiled.role)["owner_policies"] == []


def test_explain_text_json_and_the_build_output_agree(tmp_path):
    compiled = compile_spec(write_spec(tmp_path, SPEC))
    listing = json.loads(compiled.files[owners.output_path("role")])
    assert listing["owners"] == explain(compiled.role)["owner_policies"]
    assert listing["principal"] == "arn:${Partition}:iam::${AccountId}:role/ecs/orders-${Region}"
    text = to_text([compiled.role])
    assert (f"owner of {REPOSITORY} (account {SHARED}) must add to its repository policy, unless the role is "
            "deployed in that account:") in text
    assert "not the aws/secretsmanager key" in text


def test_a_generated_role_name_is_named_by_its_output(tmp_path):
    spec = {"features": {"ecr_pull": {"repositories": [REPOSITORY]}}}
    role = compile_spec(write_spec(tmp_path, spec)).role
    assert owners.owner_grants(role)[0].statement["Principal"] == {"AWS": owners.role_arn(role)}
    assert "RoleArn output" in owners.role_arn(role)


def test_build_writes_the_listing_and_says_so_with_verbose(tmp_path):
    write_spec(tmp_path, SPEC)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["-v", "build", str(tmp_path / "role.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "cross-account" / "role.json").is_file()
    assert "role: 4 resources named with a literal account" in result.stderr
