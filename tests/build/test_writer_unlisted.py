"""`rolec check` and files in the generated folders that rolec did not write (review finding 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main

SPEC = "version: 1\nrole: {name: shared-exec}\nfeatures:\n  awslogs:\n    log_groups: [/ecs/a]\n"
GHOST = ('{"resource":{"aws_iam_role_policy_attachment":{"admin":{"role":"shared-exec",'
         '"policy_arn":"arn:aws:iam::aws:policy/AdministratorAccess"}}}}')


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_finding_7_check_fails_naming_files_in_generated_folders_that_rolec_did_not_write(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(SPEC)
    assert run("build").exit_code == 0
    out = tmp_path / "out"
    (out / "terraform" / "ghost").mkdir()
    (out / "terraform" / "ghost" / "main.tf.json").write_text(GHOST)
    shutil.copy(out / "cloudformation" / "a.yaml", out / "cloudformation" / "evil.yaml")
    (out / "stacksets").mkdir()
    (out / "stacksets" / "linked").symlink_to(out / "terraform" / "ghost")
    (out / "terraform" / "a" / ".terraform.lock.hcl").write_text("# terraform init\n")  # hidden: not loaded, not counted
    (out / "README.md").write_text("outside the generated folders\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "out/cloudformation/evil.yaml: not written by rolec (no spec's outputs in the manifest list it); remove it",
        "out/stacksets/linked: not written by rolec (no spec's outputs in the manifest list it); remove it",
        "out/terraform/ghost/main.tf.json: not written by rolec (no spec's outputs in the manifest list it); remove it",
        "rolec: the generated folders hold files rolec did not write; remove them (rolec build never does)",
    ]
    assert run("build").exit_code == 0
    assert (out / "terraform" / "ghost" / "main.tf.json").read_text() == GHOST  # build never touches them


def test_check_of_one_spec_does_not_count_the_other_specs_outputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(SPEC)
    (tmp_path / "specs" / "b.yaml").write_text(SPEC.replace("shared-exec", "other-exec"))
    assert run("build").exit_code == 0
    assert run("check", "specs/a.yaml").exit_code == 0
