"""Every string rolec writes into Terraform JSON is literal unless rolec wrote an interpolation on purpose."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner

from rolec.build.pipeline import compile_spec
from rolec.cli import main
from rolec.targets import terraform

from ..support.big_specs import secret_names, secrets_spec


def build(tmp_path, monkeypatch, name: str, text: str) -> dict:
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / f"{name}.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "out" / "terraform" / name / "main.tf.json").read_text())


def test_finding_1_description_and_path_reach_terraform_literally(tmp_path, monkeypatch):
    module = build(tmp_path, monkeypatch, "t2", (
        "version: 1\n"
        "description: 'Runs %{ if true }x%{ endif } - costs $5 and 100%'\n"
        "role: {path: '/%{x}/'}\n"
        "features: {awslogs: {log_groups: [/ecs/a]}}\n"))
    role = module["resource"]["aws_iam_role"]["this"]
    assert role["description"] == "Runs %%{ if true }x%%{ endif } - costs $5 and 100%"
    assert role["path"] == "/%%{x}/"


def test_finding_1_spilled_policies_path_reaches_terraform_literally(tmp_path):
    """cfn-lint refuses `%{` in a managed policy's path, so the spec cannot build; the target alone must still
    write it literally."""
    (tmp_path / "big.yaml").write_text(secrets_spec(secret_names(400)))
    role = replace(compile_spec(tmp_path / "big.yaml").role, path="/%{x}/${y}/")
    policies = json.loads(terraform.render(role))["resource"]["aws_iam_policy"]
    assert policies and all(p["path"] == "/%%{x}/$${y}/" for p in policies.values())


def test_finding_4_existing_role_path_is_an_hcl_string_literal(tmp_path, monkeypatch):
    module = build(tmp_path, monkeypatch, "inj", (
        "version: 1\n"
        "role:\n"
        "  existing: 'arn:aws:iam::123456789012:role/\"||\"/\"==\"/%{x}\\/ecsTaskExecutionRole'\n"
        "features: {secrets: {ssm_parameters: [/prod/db/password]}}\n"))
    lifecycle = module["data"]["aws_iam_role"]["this"]["lifecycle"][0]
    assert lifecycle["postcondition"][0]["condition"] == '${self.path == "/\\"||\\"/\\"==\\"/%%{x}\\\\/"}'
    assert '%{x}' not in lifecycle["postcondition"][0]["error_message"].replace("%%{", "")
    assert '%{x}' not in lifecycle["precondition"][0]["error_message"].replace("%%{", "")
