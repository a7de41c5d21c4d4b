"""`rolec infer` and `rolec audit` take a Terraform file (read with what it references from its folder) or the module's
folder (read strictly, as Terraform reads it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main

from ..support.corpus import CORPUS

MODULE = Path(__file__).parent / "fixtures" / "terraform-module"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_infer_reads_a_file_with_its_module_or_the_folder(tmp_path, monkeypatch):
    shutil.copytree(MODULE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    from_file, from_folder = run("infer", "infra/ecs.tf"), run("infer", "infra")
    assert from_file.exit_code == from_folder.exit_code == 0, from_file.output + from_folder.output
    assert '- "arn:{partition}:logs:us-east-1:{account}:log-group:/ecs/web"  # infra/ecs.tf:13 container web' \
        in from_file.stdout
    assert from_file.stdout.replace("from infra/ecs.tf.", "from infra.") == from_folder.stdout


def test_infer_binds_a_variable_declared_in_another_file(tmp_path, monkeypatch):
    shutil.copytree(MODULE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    result = run("infer", "infra/ecs.tf", "--set", "var.region=eu-west-1")
    assert result.exit_code == 0 and "logs:eu-west-1:{account}:log-group:/ecs/web" in result.stdout


def test_infer_refuses_a_folder_that_is_no_module(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("infer", "empty", "-o", "spec.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("empty:1:1: error: empty holds no .tf or .tf.json file: it is not a Terraform module")
    assert not (tmp_path / "spec.yaml").exists()


def test_audit_of_a_module_folder_and_of_its_files(tmp_path):
    module = tmp_path / "infra"
    shutil.copytree(MODULE, module)
    for role, taskdef in ((module, module), (module / "iam.tf", module / "ecs.tf")):
        result = run("audit", str(role), "--task-definition", str(taskdef), "--format", "json")
        assert result.exit_code == 0, result.output
        [report] = json.loads(result.stdout)["roles"]
        assert report["exact"] and report["name"] == "web-execution"


def test_audit_finds_what_a_sibling_file_changed(tmp_path):
    module = tmp_path / "infra"
    shutil.copytree(MODULE, module)
    (module / "logs.tf").write_text('resource "aws_cloudwatch_log_group" "web" {\n  name = "/ecs/web"\n}\n'
                                    'resource "aws_cloudwatch_log_group" "web" {\n  name = "/ecs/web2"\n}\n')
    result = run("audit", str(module), "--task-definition", str(module))
    assert result.exit_code == 2
    assert f"{module}/logs.tf:4:1: error: aws_cloudwatch_log_group.web is declared twice, first at {module}/logs.tf:1:1" \
        in result.stderr
    result = run("audit", str(module / "iam.tf"), "--task-definition", str(module / "ecs.tf"))
    assert result.exit_code == 2
    both = f"aws_cloudwatch_log_group.web is declared in more than one place ({module}/logs.tf:1:1, {module}/logs.tf:4:1)"
    assert result.stderr.splitlines() == [  # at each reference that needs it, naming both places
        f"{module}/ecs.tf:13:37: error: logConfiguration.options.awslogs-group depends on aws_cloudwatch_log_group.web.name, "
        f"which rolec cannot resolve: {both}; Terraform refuses such a module and rolec cannot tell which one is meant: "
        "give the module's folder",
        f"{module}/iam.tf:19:19: error: aws_iam_role_policy.logs depends on aws_cloudwatch_log_group.web.arn, which rolec "
        f"cannot resolve: {both}; Terraform refuses such a module and rolec cannot tell which one is meant: give the "
        "module's folder"]
    (module / "logs.tf").write_text('resource "aws_cloudwatch_log_group" "web" {\n  name = "/ecs/web"\n}\n')
    (module / "logs_override.tf").write_text('resource "aws_cloudwatch_log_group" "web" {\n  retention_in_days = 7\n}\n')
    assert run("audit", str(module), "--task-definition", str(module)).exit_code == 0


def test_var_file_binds_variables_for_infer_and_audit(tmp_path):
    module = tmp_path / "infra"
    shutil.copytree(MODULE, module)
    (tmp_path / "eu.tfvars").write_text('region = "eu-west-1"\n')
    inferred = run("infer", str(module), "--var-file", str(tmp_path / "eu.tfvars"))
    assert inferred.exit_code == 0 and "logs:eu-west-1:{account}:log-group:/ecs/web" in inferred.stdout
    elsewhere = run("audit", str(module), "--task-definition", str(module), "--var-file", str(tmp_path / "eu.tfvars"))
    assert elsewhere.exit_code == 1  # judged in us-east-1, the role's log group (deploying region) is not eu-west-1's
    audited = run("audit", str(module), "--task-definition", str(module), "--var-file", str(tmp_path / "eu.tfvars"),
                  "--set", "AWS::Region=eu-west-1")
    assert audited.exit_code == 0, audited.output


def test_a_bad_var_file_is_exit_2_located_and_nothing_written(tmp_path):
    (tmp_path / "bad.tfvars").write_text('region = var.other\n')
    for command in (["infer", str(MODULE), "-o", str(tmp_path / "spec.yaml")],
                    ["audit", str(MODULE), "--task-definition", str(MODULE)]):
        result = run(*command, "--var-file", str(tmp_path / "bad.tfvars"))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"{tmp_path.as_posix()}/bad.tfvars:1:10: error: var.region: a variable file "
                                        "holds literal values, and var.other is not one")
    assert not (tmp_path / "spec.yaml").exists()


def test_one_file_of_a_folder_of_unrelated_projects_and_the_folder_itself(tmp_path):
    """The corpus keeps 26 repositories side by side, four role files declaring aws_iam_role.ecs_task_execution_role:
    each file reads what it references, and the folder, which is no Terraform module, is refused as one."""
    inferred = run("infer", str(CORPUS / "t07-nethound-private-registry.tf"))
    assert inferred.exit_code == 0, inferred.output
    audited = run("audit", str(CORPUS / "t17-plusone-sm-datasource-arns.role.tf"), "--task-definition",
                  str(CORPUS / "t17-plusone-sm-datasource-arns.tf"))
    assert audited.exit_code == 1, audited.output
    result = run("infer", str(CORPUS), "-o", str(tmp_path / "spec.yaml"))
    assert result.exit_code == 2
    assert [line.split(": error: ")[0].rsplit("/", 1)[-1] for line in result.stderr.splitlines()[:-1]] == [
        "t17-plusone-sm-datasource-arns.role.tf:2:1", "t18-laravel-ssm-root-names.role.tf:4:1",
        "t26-demo-cicd-interpolated-ecr-uri.role.tf:1:1"]
    assert "aws_iam_role.ecs_task_execution_role is declared twice, first at " \
           f"{CORPUS}/t07-nethound-private-registry.role.tf:1:1" in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_an_unreadable_sibling_is_an_error_only_for_a_lookup_that_finds_nothing(tmp_path, monkeypatch):
    shutil.copytree(MODULE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    Path("infra/broken.tf").write_text('variable "x" {\n  default = [1,\n}\n')
    assert run("infer", "infra/ecs.tf").exit_code == 0  # every value it references is declared in a readable file
    Path("infra/variables.tf").unlink()
    result = run("infer", "infra/ecs.tf", "-o", "spec.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "infra/broken.tf:3:1: error: logConfiguration.options.awslogs-region depends on var.region, which rolec cannot "
        "resolve: var.region (used at infra/ecs.tf:13:89) is declared in no file rolec could read, and this file of the "
        "module cannot be read (invalid HCL: unexpected '}'); fix it, or bind it with --set var.region=VALUE")
    assert run("infer", "infra/ecs.tf", "--set", "var.region=eu-west-1").exit_code == 0
    folder = run("infer", "infra", "-o", "spec.yaml")
    assert folder.exit_code == 2 and folder.stderr.startswith("infra/broken.tf:3:1: error: invalid HCL: unexpected '}'")
    assert not Path("spec.yaml").exists()
