"""The compiler and the auditor agree: every example spec's outputs (CloudFormation and Terraform) audit
exact against the spec, and a mutated output is caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.audit.compare import audit_role
from rolec.audit.needs import from_role
from rolec.build.pipeline import compile_spec
from rolec.cli import main
from rolec.iam.location import Location
from rolec.roles import load

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def outputs(spec: Path) -> list[Path]:
    return [ROOT / "out" / "cloudformation" / f"{spec.stem}.yaml", ROOT / "out" / "terraform" / spec.stem / "main.tf.json"]


def audit(source: Path, spec: Path):
    [role] = load([source])
    return audit_role(role, from_role(compile_spec(spec).role), Location())


STACKSET_SPECS = [s for s in SPECS if (ROOT / "out" / "stacksets" / f"{s.stem}.yaml").exists()]


@pytest.mark.parametrize("spec", STACKSET_SPECS, ids=lambda p: p.stem)
def test_stackset_outputs_audit_exact_against_the_role_they_deploy(spec):
    """The role a StackSet deploys (from its TemplateBody / template_body) against the spec's StackSet role:
    created once in the home region, it serves every StackSet region."""
    for output in (ROOT / "out" / "stacksets" / f"{spec.stem}.yaml", ROOT / "out" / "stacksets" / spec.stem / "main.tf.json"):
        result = CliRunner().invoke(main, ["audit", str(output), "--spec", str(spec)])
        assert result.exit_code == 0, result.output
        assert "deployed by StackSet" in result.output


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_output_audits_exact_against_its_spec(spec):
    for output in outputs(spec):
        result = audit(output, spec)
        assert result.exact, (output, result.missing, result.excess, [t for t in result.trust if not t.note])


def mutate(tmp_path: Path, source: Path, old: str, new: str, count: int = 1) -> Path:
    text = source.read_text()
    assert old in text, (source, old)
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, count))
    return target


PAYMENTS = ROOT / "specs" / "payments-api.yaml"
CFN = ROOT / "out" / "cloudformation" / "payments-api.yaml"
TF = ROOT / "out" / "terraform" / "payments-api" / "main.tf.json"


def test_a_resource_widened_to_star_is_excess(tmp_path):
    text = CFN.read_text()
    group = re.search(r"- !Sub 'arn:\$\{AWS::Partition\}:logs:[^']*'", text).group(0)
    result = audit(mutate(tmp_path, CFN, group, "- '*'"), PAYMENTS)
    assert any(e.resource == "*" and "logs:" in e.action for e in result.excess)
    # the stream ARN next to it still grants what the tasks need on the group's streams only
    assert not result.exact


def test_an_added_action_is_excess(tmp_path):
    result = audit(mutate(tmp_path, TF, '"logs:PutLogEvents"', '"logs:PutLogEvents", "logs:DeleteLogGroup"'), PAYMENTS)
    items = [e for e in result.excess if "logs:DeleteLogGroup" in e.unneeded]
    assert len(items) == 2  # one per resource of the statement: the log group and its streams
    assert all(e.unneeded == e.risky == ("logs:DeleteLogGroup",) and e.where.path.endswith("main.tf.json") for e in items)
    assert {m.action for m in result.missing} == set()


def test_a_dropped_action_is_missing(tmp_path):
    result = audit(mutate(tmp_path, CFN, "                  - logs:PutLogEvents\n", ""), PAYMENTS)
    # one need per action: the group's streams, which CloudWatch Logs authorises (the bare group ARN is the same need)
    assert {(m.action, m.resource.split(":log-group:")[-1]) for m in result.missing} == {
        ("logs:PutLogEvents", "/ecs/payments-api:log-stream:*")}
    assert all(m.decision == "implicit deny" and m.origins[0].detail == "features.awslogs.log_groups[0]"
               and m.origins[0].path.endswith("payments-api.yaml") for m in result.missing)
    assert not result.excess
