"""`rolec diff` on what roles deploy as: spilled policies, StackSet rollouts, the AWS managed policy, exit codes."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from rolec.cli import main

from ..support.big_specs import secret_names, secrets_spec

GIT_ENV = {"GIT_AUTHOR_NAME": "rolec", "GIT_AUTHOR_EMAIL": "dev@rolec.invalid",
           "GIT_COMMITTER_NAME": "rolec", "GIT_COMMITTER_EMAIL": "dev@rolec.invalid"}
HOME_REGION_STACKSET = """version: 1
role: {name: ss-role}
features:
  secrets: {secrets_manager: [prod/db]}
stackset:
  permission_model: self_managed
  accounts: ["111122223333"]
  regions: [us-east-1, eu-west-1]
  home_region: us-east-1
"""
SMALL = "version: 1\nfeatures:\n  ecr_pull: {repositories: [app]}\n  awslogs: {log_groups: [/ecs/app]}\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty working folder with specs/, outside any git repository."""
    (tmp_path / "specs").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def commit() -> None:
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "base"], check=True)


def test_b1_diff_of_a_role_that_spills_into_managed_policies(folder):
    (folder / "specs" / "big.yaml").write_text(secrets_spec(secret_names(400)))
    assert run("-q", "build").exit_code == 0
    result = run("diff", "--against", "out", "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.output == "rolec diff: no permission changes (compared with `out/`)\n"


def test_b1_diff_sees_a_change_inside_a_spilled_policy(folder):
    names = secret_names(400)
    (folder / "specs" / "big.yaml").write_text(secrets_spec(names))
    assert run("-q", "build").exit_code == 0
    (folder / "specs" / "big.yaml").write_text(secrets_spec(names[:-1]))
    result = run("diff", "--against", "out", "--exit-code")
    assert result.exit_code == 1, result.output
    assert f"- **no longer allows** `secretsmanager:GetSecretValue` on " \
           f"`arn:${{Partition}}:secretsmanager:${{Region}}:${{AccountId}}:secret:{names[-1]}-??????`" in result.output


@pytest.mark.parametrize("change, shown", [
    (("regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1, ap-southeast-2]"),
     ["ap-southeast-2"]),
    (('accounts: ["111122223333"]', 'accounts: ["111122223333", "999988887777"]'), ["999988887777"]),
])
def test_b2_finding_2_diff_sees_stackset_regions_and_accounts(folder, change, shown):
    spec = folder / "specs" / "ss.yaml"
    spec.write_text(HOME_REGION_STACKSET)
    assert run("-q", "build").exit_code == 0
    spec.write_text(HOME_REGION_STACKSET.replace(*change))
    result = run("diff", "--against", "out", "--exit-code")
    assert result.exit_code == 1, result.output
    for text in shown:
        assert text in result.output


def test_b2_diff_shows_names_granted_in_a_new_stackset_region(folder):
    spec = folder / "specs" / "ss.yaml"
    spec.write_text(HOME_REGION_STACKSET)
    assert run("-q", "build").exit_code == 0
    spec.write_text(HOME_REGION_STACKSET.replace("eu-west-1]", "eu-west-1, sa-east-1]"))
    output = run("diff", "--against", "out").output
    assert ("- **allows** `secretsmanager:GetSecretValue` on "
            "`arn:${Partition}:secretsmanager:sa-east-1:${AccountId}:secret:prod/db-??????`") in output


def test_finding_3_managed_policy_is_a_widening_not_a_narrowing(folder):
    spec = folder / "specs" / "app.yaml"
    spec.write_text(SMALL)
    assert run("-q", "build").exit_code == 0
    spec.write_text("managed_policy: true\n" + SMALL)
    output = run("diff", "--against", "out").output
    assert "no longer allows" not in output, output
    assert "- attaches managed policy `arn:${Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`" in output
    assert ("- **allows** `ecr:BatchCheckLayerAvailability`, `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, "
            "`logs:CreateLogStream`, `logs:PutLogEvents` on `*`") in output


def test_finding_6_diff_exit_codes_tell_changes_from_failures(folder):
    (folder / "specs" / "app.yaml").write_text(SMALL)
    assert run("-q", "build").exit_code == 0
    commit()
    assert run("diff", "--exit-code").exit_code == 0
    (folder / "specs" / "app.yaml").write_text(SMALL.replace("[app]", "[app, other]"))
    assert run("diff", "--exit-code").exit_code == 1
    unknown = run("diff", "--base", "no-such-ref", "--exit-code")
    assert unknown.exit_code == 3, unknown.output
    assert unknown.stderr.startswith("rolec: error: ")


def test_finding_26_a_change_that_replaces_a_named_role_is_flagged(folder):
    spec = folder / "specs" / "app.yaml"
    spec.write_text("version: 1\nrole: {name: app-exec}\n" + SMALL.removeprefix("version: 1\n"))
    assert run("-q", "build").exit_code == 0
    spec.write_text("version: 1\nrole: {name: app-exec, path: /ecs/}\n" + SMALL.removeprefix("version: 1\n"))
    output = run("diff", "--against", "out").output
    assert "- **replaces** the role `/app-exec` with `/ecs/app-exec`: IAM cannot change a role's name or path" in output
    built = run("build")
    assert built.exit_code == 0
    assert built.stderr.startswith("specs/app.yaml:2:30: warning: a deploy replaces the role `/app-exec` with `/ecs/app-exec`")


def test_an_out_folder_built_before_permissions_records_is_refused_with_what_to_do(folder):
    (folder / "specs" / "app.yaml").write_text(SMALL)
    assert run("-q", "build").exit_code == 0
    for record in (folder / "out" / "permissions").iterdir():
        record.unlink()
    (folder / "out" / "permissions").rmdir()
    commit()
    for args in (["diff"], ["diff", "--against", "out"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "no permissions records" in result.stderr and "--base REF" in result.stderr
    assert run("diff", "--base", "HEAD", "--exit-code").exit_code == 0
