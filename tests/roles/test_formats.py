"""Every role-source format reads its good fixtures and refuses its bad ones with a located error."""

from pathlib import Path

import pytest

from rolec.roles import RoleSourceError, catalog, load
from rolec.roles.model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE
from rolec.sources import Bindings

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = {module.NAME: module for module in catalog()}


def fixtures(kind: str) -> list[Path]:
    return sorted(p for folder in FIXTURES.iterdir() if folder.name in FORMATS for p in folder.glob(f"{kind}-*"))


def test_every_format_has_good_and_bad_fixtures():
    for name in FORMATS:
        folder = FIXTURES / name
        assert list(folder.glob("good-*")) and list(folder.glob("bad-*")), name


@pytest.mark.parametrize("path", fixtures("good"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_good_fixture_reads(path):
    roles = load([path])
    assert roles and all(r.policies or r.trust for r in roles)


@pytest.mark.parametrize("path", fixtures("bad"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_fixture_is_refused_with_its_location(path):
    with pytest.raises(RoleSourceError) as caught:
        load([path])
    diagnostic = caught.value.diagnostics[0]
    in_source = diagnostic.path.startswith(f"{path.as_posix()}/") if path.is_dir() else diagnostic.path == path.as_posix()
    assert in_source and diagnostic.line >= 1 and diagnostic.col >= 1


def test_policy_document_statements_keep_their_lines():
    [role] = load([FIXTURES / "iam-policy-json/good-secret.json"])
    assert role.name == "good-secret" and role.trust is None
    assert [(w.line, w.col) for w in role.policies[0].statement_where] == [(4, 5), (9, 5)]


def test_cli_outputs_of_one_role_combine():
    folder = FIXTURES / "aws-cli-role"
    [role] = load(sorted(folder.glob("good-*")))
    assert role.name == "app-exec" and role.arn == "arn:aws:iam::111122223333:role/app-exec"
    assert role.trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert [(p.name, p.kind) for p in role.policies] == [("logs", INLINE), ("AmazonECSTaskExecutionRolePolicy", AWS_MANAGED)]
    assert role.policies[0].statement_where[0].line == 7


def test_account_export_holds_many_roles_with_their_customer_policies():
    web, batch = load([FIXTURES / "account-authorization-details/good-two-roles.json"])
    assert (web.name, batch.name) == ("web-exec", "batch-exec")
    shared = next(p for p in web.policies if p.name == "shared-logs")
    assert shared.kind == CUSTOMER_MANAGED and shared.document["Statement"][0]["Action"] == "logs:PutLogEvents"
    assert batch.trust["Statement"][0]["Action"] == "sts:AssumeRole"  # URL-encoded, as the API returns it
    assert batch.policies[0].document is None  # attached, but not in the export: unknown


def test_unknown_shapes_and_endings_are_refused(tmp_path):
    (tmp_path / "x.json").write_text('{"Outputs": {}}')
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(RoleSourceError) as caught:
        load([tmp_path / "x.json", tmp_path / "x.txt"])
    messages = [d.message for d in caught.value.diagnostics]
    assert any("not a role source rolec reads" in m for m in messages)
    assert any("file endings read" in m for m in messages)


def test_fragments_cannot_join_one_of_several_roles():
    with pytest.raises(RoleSourceError, match="names no role"):
        load([FIXTURES / "account-authorization-details/good-two-roles.json", FIXTURES / "iam-policy-json/good-secret.json"])


def test_cloudformation_role_with_its_policies_and_managed_policies():
    [role] = load([FIXTURES / "cloudformation/good-role-policy-and-managed.yaml"])
    assert [(p.name, p.kind) for p in role.policies] == [
        ("logs", INLINE), ("AmazonECSTaskExecutionRolePolicy", AWS_MANAGED), ("SecretsPolicy", CUSTOMER_MANAGED),
        ("extra", INLINE)]
    logs, managed, secrets, extra = role.policies
    assert logs.document["Statement"][0]["Resource"] == \
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/app:*"
    assert managed.arn == "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    assert [w.line for w in (logs.statement_where + secrets.statement_where + extra.statement_where)] == [21, 29, 39]


def test_cloudformation_value_from_another_stack_is_located():
    with pytest.raises(RoleSourceError, match=r"bad-import-value.yaml:16:27: error: .*Fn::ImportValue shared-DbSecretArn"
                                              r".*bind it with --set ImportValue:shared-DbSecretArn=VALUE"):
        load([FIXTURES / "cloudformation/bad-import-value.yaml"])


def test_cloudformation_value_from_another_stack_bound_by_its_export_name():
    secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbC123"
    bindings = Bindings({"ImportValue:shared-DbSecretArn": secret})
    [role] = load([FIXTURES / "cloudformation/bad-import-value.yaml"], bindings)
    assert role.policies[0].document["Statement"][0]["Resource"] == secret
    assert bindings.used == {"ImportValue:shared-DbSecretArn"}


def test_terraform_role_inline_attached_and_for_each():
    [role] = load([FIXTURES / "terraform/good-role/main.tf"])
    assert role.name == "app-exec" and role.trust["Statement"][0]["Principal"] == {"Service": ["ecs-tasks.amazonaws.com"]}
    assert [(p.name, p.kind) for p in role.policies] == [
        ("logs", INLINE), ("secrets", CUSTOMER_MANAGED), ("AmazonECSTaskExecutionRolePolicy", AWS_MANAGED)]
    logs, secrets, _ = role.policies
    assert logs.document["Statement"][0]["Resource"] == "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:*"
    assert (secrets.statement_where[0].line, secrets.statement_where[0].col) == (36, 16)  # inside the heredoc


def test_terraform_unknown_for_each_is_located():
    with pytest.raises(RoleSourceError, match=r"bad-for-each-unknown/main.tf:12:16: error: .*for_each is not a literal set"):
        load([FIXTURES / "terraform/bad-for-each-unknown/main.tf"])
