"""`rolec build --terraform-validate`: real terraform, offline, every module through one root module."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rolec.cli import main
from rolec.targets import terraform

from tests.conftest import SPECS
from tests.support.files import snapshot


def test_example_specs_pass_terraform_validate(terraform_ready, tmp_path):
    result = CliRunner().invoke(main, ["build", str(SPECS), "--out", str(tmp_path / "out"), "--terraform-validate"])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == ""


def test_a_wrong_argument_name_fails_with_terraforms_message_and_the_file(terraform_ready, tmp_path, monkeypatch):
    real_module = terraform.module

    def broken(role):
        document = real_module(role)
        iam_role = document["resource"]["aws_iam_role"]["this"]
        iam_role["max_session_durations"] = iam_role.pop("path")
        return document

    monkeypatch.setattr(terraform, "module", broken)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("untouched\n")
    before = snapshot(out)
    result = CliRunner().invoke(main, ["build", str(SPECS / "web-frontend.yaml"), "--out", str(out), "--terraform-validate"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{out.as_posix()}/terraform/web-frontend/main.tf.json:") or \
        "out/terraform/web-frontend/main.tf.json:" in first, first
    assert 'No argument or block type is named "max_session_durations"' in first
    assert first.endswith("(terraform validate)")
    assert snapshot(out) == before


def test_without_terraform_the_flag_fails_clearly_and_plain_build_works(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SPECS / "web-frontend.yaml"), "--out", str(out), "--terraform-validate"])
    assert result.exit_code == 1
    assert "terraform is not on PATH" in result.stderr
    assert not out.exists()
    plain = CliRunner().invoke(main, ["build", str(SPECS / "web-frontend.yaml"), "--out", str(out)])
    assert plain.exit_code == 0, plain.stderr
    assert json.loads((out / "terraform" / "web-frontend" / "main.tf.json").read_text())["resource"]
