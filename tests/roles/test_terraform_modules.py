"""compiler/roles/formats/terraform.py reads a Terraform file with its whole module: a role's policies, the
resources they name and the trust document may be in other files, each statement located in its own file."""

import shutil
from pathlib import Path

import pytest

from rolec.roles import RoleSourceError, load
from rolec.roles.model import CUSTOMER_MANAGED

MODULES = Path(__file__).parent / "fixtures" / "terraform"


@pytest.mark.parametrize("given", ["good-module/iam.tf", "good-module"])
def test_role_with_policy_and_log_group_in_other_files(given):
    folder = (MODULES / "good-module").as_posix()
    [role] = load([MODULES / given])
    assert role.name == "app-prod-exec"  # local.prefix from variables.tf.json, over var.environment's default
    assert (role.where.path, role.where.line) == (f"{folder}/iam.tf", 2)
    assert role.trust["Statement"][0]["Principal"] == {"Service": ["ecs-tasks.amazonaws.com"]}
    [policy] = role.policies
    assert (policy.name, policy.kind, policy.where.path, policy.where.line) == ("app-prod-logs", CUSTOMER_MANAGED,
                                                                               f"{folder}/iam.tf", 7)
    assert [(w.path, w.line) for w in policy.statement_where] == [(f"{folder}/policies.tf", 15)]
    assert policy.document["Statement"][0]["Resource"] == \
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/app-prod:*"


def test_a_file_without_roles_of_a_module_with_roles_is_refused():
    with pytest.raises(RoleSourceError, match=r"good-module/logs.tf:1:1: error: no aws_iam_role resource in this Terraform file"):
        load([MODULES / "good-module/logs.tf"])


def test_a_resource_declared_in_two_files_of_a_folder_given_names_both():
    folder = (MODULES / "bad-module-duplicate").as_posix()
    with pytest.raises(RoleSourceError) as caught:
        load([MODULES / "bad-module-duplicate"])
    assert str(caught.value) == (f"{folder}/legacy.tf:1:1: error: aws_iam_role.exec is declared twice, first at "
                                 f"{folder}/iam.tf:1:1; Terraform refuses a module that declares a resource twice")


@pytest.mark.parametrize("given, name", [("iam.tf", "app-exec"), ("legacy.tf", "app-exec-old")])
def test_a_file_given_reads_its_own_declaration_before_a_sibling_duplicate(given, name):
    [role] = load([MODULES / "bad-module-duplicate" / given])
    assert role.name == name and role.where.path.endswith(given)


def test_a_resource_in_no_file_of_the_module_is_located_where_it_is_named():
    with pytest.raises(RoleSourceError, match=r"bad-module-missing-resource/iam.tf:13:82: error: aws_iam_role_policy.logs "
                                              r"depends on aws_cloudwatch_log_group.app.arn, .*is not declared in any file "
                                              r"of the module"):
        load([MODULES / "bad-module-missing-resource"])


def test_an_empty_folder_is_not_a_module(tmp_path):
    with pytest.raises(RoleSourceError, match="holds no .tf or .tf.json file: it is not a Terraform module"):
        load([tmp_path])


def test_each_value_without_for_each_is_located_not_a_crash(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n'
                                      'resource "aws_iam_role_policy_attachment" "a" {\n  role       = aws_iam_role.r.name\n'
                                      '  policy_arn = each.value\n}\n')
    with pytest.raises(RoleSourceError, match=r"main.tf:7:16: error: aws_iam_role_policy_attachment.a: each.value without "
                                              r"for_each, which Terraform refuses"):
        load([tmp_path / "main.tf"])


def test_a_policy_another_file_attaches_to_the_role_is_a_note_for_a_file_and_read_with_the_folder(tmp_path):
    """A file is read with what it references, not with what refers to it: an attachment written in another file (the
    policy it attaches to this role) is audited with the module's folder; given the file, the role says so."""
    module = tmp_path / "infra"
    shutil.copytree(MODULES / "good-module", module)
    iam = (module / "iam.tf").read_text()
    attachment = iam[iam.index('resource "aws_iam_role_policy_attachment"'):]
    (module / "iam.tf").write_text(iam.replace(attachment, ""))
    (module / "attach.tf").write_text(attachment)
    (module / "other_project.tf").write_text(  # another project's role of the same address and its attachment: not ours
        'resource "aws_iam_role" "exec" {\n  assume_role_policy = "{}"\n}\n'
        'resource "aws_iam_role_policy_attachment" "theirs" {\n  role       = aws_iam_role.exec.name\n'
        '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')
    note = ("this role a policy, and rolec reads a file with what it references, not with what refers to it: audit the "
            "module's folder to judge that policy too")
    [role] = load([module / "iam.tf"])
    assert role.policies == () and role.notes == (
        f"aws_iam_role_policy_attachment.logs at {module.as_posix()}/attach.tf:1 may give (it names aws_iam_role.exec, "
        f"which several files declare) {note}",)
    (module / "other_project.tf").unlink()
    [role] = load([module / "iam.tf"])
    assert role.policies == () and role.notes == (
        f"aws_iam_role_policy_attachment.logs at {module.as_posix()}/attach.tf:1 gives {note}",)
    [whole] = load([module])
    assert [p.name for p in whole.policies] == ["app-prod-logs"] and whole.notes == ()
