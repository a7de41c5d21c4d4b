"""`rolec infer` (compiler/commands/infer.py): exit codes, output files, merging, bindings, determinism."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main

from ..support.corpus import CORPUS

T10 = str(CORPUS / "t10-devops-demo-ecr-awslogs.json")
T17 = str(CORPUS / "t17-plusone-sm-datasource-arns.tf")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def taskdef(path: Path, family: str, role: str | None, secret: str, image: str = "nginx") -> str:
    body = {"family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "containerDefinitions": [{"name": family, "image": image,
                                      "secrets": [{"name": "S", "valueFrom": secret}]}]}
    if role:
        body["executionRoleArn"] = role
    path.write_text(json.dumps(body, indent=2))
    return str(path)


ROLE = "arn:aws:iam::111122223333:role/shared-execution"


def test_prints_a_valid_spec_and_writes_nothing(tmp_path):
    result = run("infer", T10)
    assert result.exit_code == 0, result.output
    spec = tmp_path / "specs" / "devops-demo-task.yaml"
    spec.parent.mkdir()
    spec.write_text(result.stdout)
    assert run("validate", str(spec)).exit_code == 0
    assert "  # t10-devops-demo-ecr-awslogs.json" not in result.stdout  # the path as given, not shortened
    assert f"{T10}:11 container app (image)" in result.stdout


def test_output_file_is_written_once_and_never_silently_replaced(tmp_path):
    target = tmp_path / "specs" / "demo.yaml"
    first = run("infer", T10, "-o", str(target))
    assert first.exit_code == 0 and target.exists()
    assert "# ECS task execution role 'demo'" in target.read_text()  # the role id is the file's stem
    again = run("infer", T10, "-o", str(target))
    assert again.exit_code == 0 and "unchanged" in again.stdout
    target.write_text(target.read_text() + "# edited by hand\n")
    refused = run("infer", T10, "-o", str(target))
    assert refused.exit_code == 2
    assert "exists and differs from the inferred spec (use --force to replace it)" in refused.stderr
    assert target.read_text().endswith("# edited by hand\n")
    forced = run("infer", T10, "-o", str(target), "--force")
    assert forced.exit_code == 0 and not target.read_text().endswith("# edited by hand\n")


def test_id_must_agree_with_the_output_file(tmp_path):
    result = run("infer", T10, "--id", "other", "-o", str(tmp_path / "demo.yaml"))
    assert result.exit_code == 2 and "disagree" in result.output
    assert run("infer", T10, "--id", "Bad_Id").exit_code == 2
    assert run("infer", T10, "--id", "demo").stdout.splitlines()[1].startswith("# ECS task execution role 'demo'")


def test_task_definitions_sharing_a_role_merge_in_any_order(tmp_path):
    a = taskdef(tmp_path / "a.json", "orders", ROLE, "/orders/db")
    b = taskdef(tmp_path / "b.json", "billing", ROLE, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:billing-AbC123")
    one, two = run("infer", a, b, "--id", "shared"), run("infer", b, a, "--id", "shared")
    assert one.exit_code == 0, one.output
    assert "- /orders/db" in one.stdout and "billing-AbC123" in one.stdout
    body = lambda text: [line.split("  #")[0] for line in text.splitlines() if not line.startswith("#")]  # noqa: E731
    assert body(one.stdout) == body(two.stdout)


def test_different_execution_roles_are_an_error_or_one_spec_each(tmp_path):
    a = taskdef(tmp_path / "a.json", "orders", ROLE, "/orders/db")
    b = taskdef(tmp_path / "b.json", "billing", ROLE.replace("shared", "billing"), "/billing/db")
    result = run("infer", a, b)
    assert result.exit_code == 2
    assert "a.json:" in result.stderr and "b.json:" in result.stderr and "2 different execution roles" in result.stderr
    out = tmp_path / "specs"
    split = run("infer", a, b, "-o", f"{out}/")
    assert split.exit_code == 0, split.output
    assert sorted(p.name for p in out.iterdir()) == ["billing.yaml", "orders.yaml"]
    assert "/billing/db" in (out / "billing.yaml").read_text() and "/orders/db" not in (out / "billing.yaml").read_text()


def test_unused_binding_is_a_warning(tmp_path):
    result = run("infer", T10, "--set", "var.region=us-east-1")
    assert result.exit_code == 0
    assert "warning: --set var.region=... was not used by any task definition" in result.stderr


def test_malformed_binding_is_a_usage_error():
    result = run("infer", T10, "--set", "region")
    assert result.exit_code == 2 and "expected NAME=VALUE" in result.output


def test_unresolved_value_names_the_binding_and_writes_nothing(tmp_path):
    target = tmp_path / "out.yaml"
    result = run("infer", str(CORPUS / "t26-demo-cicd-interpolated-ecr-uri.tf"), "-o", str(target))
    assert result.exit_code == 2
    assert ":11:41: error: the image's registry and repository depends on var.region" in result.stderr
    assert "--set var.region=VALUE" in result.stderr
    assert not target.exists()


def test_a_task_that_needs_no_execution_role_is_told_so(tmp_path):
    target = tmp_path / "out.yaml"
    result = run("infer", str(CORPUS / "t05-refarch-website-no-exec-role.yaml"), "-o", str(target))
    assert result.exit_code == 0
    assert "needs no execution role; nothing was written" in result.stderr
    assert not target.exists()


def test_fargate_task_without_execution_role_is_warned(tmp_path):
    a = taskdef(tmp_path / "a.json", "orders", None, "/orders/db")
    result = run("infer", a)
    assert result.exit_code == 0
    assert "a.json:1:1: warning: the task definition names no executionRoleArn, but it needs one for secrets" in result.stderr
    assert "- /orders/db" in result.stdout


def test_deterministic():
    first = run("infer", T17)
    assert first.exit_code == 0 and first.stdout == run("infer", T17).stdout


def test_pull_through_cache_prefix_and_runtime_monitoring_are_pointed_out(tmp_path):
    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1"
    fargate = taskdef(tmp_path / "a.json", "web", ROLE, "/web/db", image=image)
    result = run("infer", fargate)
    assert result.exit_code == 0
    assert ("a.json:10:16: warning: image '111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1' is "
            "under 'docker-hub/', a default prefix of ECR pull through cache rules") in result.stderr
    assert "add features.pull_through_cache.prefixes: [docker-hub]" in result.stderr
    assert "- 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx  #" in result.stdout
    assert "add features.runtime_monitoring: {guardduty_agent: true}" in result.stdout
    body = json.loads(Path(fargate).read_text())
    body["requiresCompatibilities"] = ["EC2"]
    Path(fargate).write_text(json.dumps(body, indent=2))
    assert "runtime_monitoring" not in run("infer", fargate).stdout


def test_an_output_rolec_cannot_write_is_an_environment_failure_not_an_internal_error(tmp_path):
    """The project's exit codes: 3 for an environment failure (a file that cannot be written), 70 only for a bug."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("infer", T10, "-o", str(blocker / "spec.yaml"))
    assert result.exit_code == 3 and "cannot write" in result.output, result.output


def test_a_folder_that_is_no_terraform_module_given_as_a_task_definition_is_a_located_error(tmp_path):
    """Bad input is `file:line:col: error: …`, exit 2, like a missing file (not a usage message); a folder is read
    as a Terraform module."""
    result = run("infer", str(tmp_path))
    assert result.exit_code == 2 and \
        f"{tmp_path}:1:1: error: {tmp_path} holds no .tf or .tf.json file: it is not a Terraform module" in result.output
