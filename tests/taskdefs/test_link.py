"""compiler/taskdefs/link.py and its place in the build: a spec with `task_definitions:` is checked against them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from rolec.build.pipeline import BuildStats, build
from rolec.build.cache import BuildCache
from rolec.cli import main

ROOT = Path(__file__).resolve().parents[2]
ORDERS = json.loads((ROOT / "examples" / "taskdefs" / "orders.json").read_text())


def project(tmp_path: Path, taskdef: dict | None = None, *, name: str = "orders", extra: str = "") -> Path:
    """specs/NAME.yaml inferred from taskdefs/NAME.json and linked to it."""
    (tmp_path / "taskdefs").mkdir(exist_ok=True)
    (tmp_path / "specs").mkdir(exist_ok=True)
    td = tmp_path / "taskdefs" / f"{name}.json"
    td.write_text(json.dumps(taskdef or ORDERS, indent=2))
    spec = tmp_path / "specs" / f"{name}.yaml"
    result = CliRunner().invoke(main, ["infer", str(td), "-o", str(spec), "--force"])
    assert result.exit_code == 0, result.output
    spec.write_text(spec.read_text() + f"task_definitions:\n  - path: ../taskdefs/{name}.json\n{extra}")
    return td


def edit(td: Path, change) -> None:
    body = json.loads(td.read_text())
    change(body["containerDefinitions"][0])
    td.write_text(json.dumps(body, indent=2))


def rolec(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, [*args, str(tmp_path / "specs"), "--out", str(tmp_path / "out"),
                                     "--cache-dir", str(tmp_path / "cache")])


def test_linked_spec_builds_and_checks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project(tmp_path)
    assert rolec(tmp_path, "build").exit_code == 0
    assert rolec(tmp_path, "check").exit_code == 0


def test_an_added_secret_fails_with_its_location(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path)
    edit(td, lambda c: c["secrets"].append({"name": "NEW", "valueFrom": "/orders/new"}))
    for command in ("build", "check"):
        result = rolec(tmp_path, command)
        assert result.exit_code == 1, result.output
        line = next(n for n, text in enumerate(td.read_text().splitlines(), 1) if '"/orders/new"' in text)
        assert (f"taskdefs/orders.json:{line}:24: error: container app needs ssm:GetParameters on "
                "arn:{partition}:ssm:{region}:{account}:parameter/orders/new (secrets[2].valueFrom), which "
                "specs/orders.yaml does not grant: add '/orders/new' to features.secrets.ssm_parameters") in result.stderr


def test_a_removed_log_group_is_a_warning_and_an_error_when_strict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path)
    edit(td, lambda c: c.pop("logConfiguration"))
    result = rolec(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert re.search(r"specs/orders.yaml:\d+:9: warning: features.awslogs.log_groups\[0\]: "
                     r"arn:\{partition\}:logs:eu-west-1:\{account\}:log-group:/ecs/orders is granted, but no linked "
                     r"task definition needs it", result.stderr)
    assert "features.awslogs.create_group: create_group: true (logs:CreateLogGroup) is granted" in result.stderr
    strict = rolec(tmp_path, "check", "--strict")
    assert strict.exit_code == 1 and "error: features.awslogs.log_groups[0]" in strict.stderr


def test_a_changed_image_repository_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path)
    edit(td, lambda c: c.update(image="111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders/worker:2"))
    result = rolec(tmp_path, "build")
    assert result.exit_code == 1
    assert ("container app needs ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on "
            "arn:aws:ecr:eu-west-1:111122223333:repository/orders/worker (image)") in result.stderr


def test_editing_a_task_definition_invalidates_exactly_the_specs_that_link_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path)
    other = dict(ORDERS, family="billing", executionRoleArn="arn:aws:iam::111122223333:role/billing")
    project(tmp_path, other, name="billing")
    specs = sorted((tmp_path / "specs").glob("*.yaml"))
    cache = BuildCache(tmp_path / "cache")
    first = BuildStats()
    build(specs, tmp_path / "out", cache=cache, stats=first)
    assert first.compiled == 2
    again = BuildStats()
    build(specs, tmp_path / "out", cache=cache, stats=again)
    assert again.compiled == 0
    edit(td, lambda c: c["environment"].append({"name": "X", "value": "1"}) if "environment" in c
         else c.update(environment=[{"name": "X", "value": "1"}]))
    changed = BuildStats()
    build(specs, tmp_path / "out", cache=cache, stats=changed)
    assert changed.compiled == 1


def test_bad_or_missing_task_definition_is_invalid_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path)
    td.write_text("{ not json")
    result = rolec(tmp_path, "build")
    assert result.exit_code == 2 and "taskdefs/orders.json:1:3: error: invalid JSON" in result.stderr
    td.unlink()
    result = rolec(tmp_path, "build")
    assert result.exit_code == 2
    assert re.search(r"specs/orders.yaml:\d+:11: error: task_definitions\[0\].path: '../taskdefs/orders.json' is not a "
                     r"file", result.stderr)


def test_bindings_in_the_spec_and_unused_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    td = project(tmp_path, extra="    set: {LOG_GROUP: /ecs/orders, UNUSED: x}\n")
    td.write_text(json.dumps(ORDERS).replace("/ecs/orders", "${LOG_GROUP}"))
    result = rolec(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert "warning: task_definitions[0].set.UNUSED is not used by ../taskdefs/orders.json" in result.stderr
    assert "warning: features.awslogs" not in result.stderr


def test_schema_and_pre_commit_hook_know_task_definitions():
    from rolec.spec.v1 import spec_json_schema

    assert "task_definitions" in spec_json_schema()["properties"]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    check = next(h for h in hooks if h["id"] == "rolec-check")
    for changed in ("taskdefs/orders.json", "infra/ecs.tf", "infra/ecs.tf.json", "cfn/task.yaml", "out/x", "specs/a.yaml"):
        assert re.search(check["files"], changed), changed
