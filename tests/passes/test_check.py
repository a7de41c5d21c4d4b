"""The invariants run on what each rollout deploys, with its deployment context."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rolec import rules
from rolec.cli import main

from ..conftest import SPECS


def test_b4_invariants_see_the_role_a_home_region_stackset_deploys(monkeypatch):
    seen = []
    check = rules.check

    def spy(role, *args, **kwargs):
        seen.append(role)
        return check(role, *args, **kwargs)

    monkeypatch.setattr(rules, "check", spy)
    result = CliRunner().invoke(main, ["validate", str(SPECS / "org-wide-execution-role.yaml")])
    assert result.exit_code == 0, result.output
    resources = {r.key for role in seen for s in role.statements for r in s.resources}
    assert "arn:${Partition}:logs:eu-west-1:${AccountId}:log-group:/ecs/platform" in resources
    assert "arn:${Partition}:logs:us-east-1:${AccountId}:log-group:/ecs/platform" in resources


def test_b4_explain_shows_what_a_home_region_stackset_deploys():
    result = CliRunner().invoke(main, ["explain", "--format", "json", str(SPECS / "org-wide-execution-role.yaml")])
    assert result.exit_code == 0, result.output
    (role,) = json.loads(result.output)["roles"]
    deployed = role["stackset"]
    assert deployed["home_region"] == "us-east-1" and deployed["regions"] == ["us-east-1", "eu-west-1"]
    resources = {r for s in deployed["statements"] for r in s["resources"]}
    assert "arn:${Partition}:logs:eu-west-1:${AccountId}:log-group:/ecs/platform" in resources
