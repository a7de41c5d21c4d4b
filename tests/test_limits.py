"""IAM policy size limits: sizes counted as IAM counts them, statements spilled into customer
managed policies when the inline limit is exceeded (same permissions in both targets), and a
clear error when even that cannot hold the role."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec import limits
from rolec.cli import main
from rolec.build.pipeline import compile_spec

from tests.support.big_specs import secret_names, secrets_spec
from tests.support.iam_eval import is_allowed
from tests.support.outputs import AWS, TARGETS, Deployment, normalise, policies

LONGEST = Deployment("aws-us-gov", "us-isof-south-1", "123456789012")
"""The deployment whose ARNs are longest: sizes measured here hold everywhere."""
assert (LONGEST.partition, LONGEST.region, LONGEST.account) == tuple(limits.LONGEST.values())


def iam_size(document: dict) -> int:
    """IAM's count: the document's characters without whitespace."""
    return len(re.sub(r"\s", "", json.dumps(document)))


@pytest.fixture(scope="module")
def spilled(tmp_path_factory):
    path = tmp_path_factory.mktemp("specs") / "many-secrets.yaml"
    path.write_text(secrets_spec(secret_names(400)))
    return compile_spec(path)


def test_small_roles_keep_one_inline_policy():
    """An existing role has no packed documents: its targets put every statement into one policy."""
    from tests.conftest import SPECS
    for path in SPECS.glob("*.yaml"):
        role = compile_spec(path).role
        expected = [(f"rolec-{role.id}", False)] if role.statements and not role.existing else []
        assert [(d.name, d.managed) for d in role.documents] == expected, path.name


def test_400_secrets_spill_into_managed_policies(spilled):
    documents = spilled.role.documents
    assert documents[0].managed is False and all(d.managed for d in documents[1:])
    assert 1 < len(documents) <= limits.MAX_ATTACHED + 1
    granted = [r.key for d in documents for s in d.statements for r in s.resources]
    assert sorted(granted) == sorted(r.key for s in spilled.role.statements for r in s.resources)
    for d in documents:
        sids = [s.sid for s in d.statements]
        assert len(sids) == len(set(sids)), d.name


@pytest.mark.parametrize("target", TARGETS)
def test_every_rendered_policy_is_within_iam_limits(spilled, target):
    """Measured on the deployed form of each target, with the longest partition, region and account."""
    rendered = policies(spilled, target, LONGEST)
    inline = [d for kind, d in rendered.documents if kind == "inline"]
    managed = [d for kind, d in rendered.documents if kind == "managed"]
    assert sum(iam_size(d) for d in inline) + len(f"rolec-{spilled.role.id}") <= limits.INLINE_LIMIT
    assert managed and all(iam_size(d) <= limits.MANAGED_LIMIT for d in managed)
    assert len(managed) + len(rendered.managed_policy_arns) <= limits.MAX_ATTACHED


def test_size_is_counted_without_whitespace(spilled):
    for document in spilled.role.documents:
        rendered = {"Version": "2012-10-17", "Statement": [limits.statement_json(s) for s in document.statements]}
        assert limits.policy_size(document.statements) == iam_size(rendered)


def test_both_targets_grant_the_same_after_spilling(spilled):
    cfn, tf = (policies(spilled, target, AWS) for target in TARGETS)
    assert normalise(cfn.permissions) == normalise(tf.permissions)
    last = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{secret_names(400)[-1]}-AbCdEf"
    for p in (cfn, tf):
        assert is_allowed(p.permissions, "secretsmanager:GetSecretValue", last)
        assert not is_allowed(p.permissions, "secretsmanager:GetSecretValue", last.replace("team0399", "team0400"))
        assert is_allowed(p.permissions, "ecr:GetAuthorizationToken", "*")


def test_attached_aws_managed_policy_leaves_one_slot_fewer():
    assert limits.capacity(1) == limits.capacity(0) - limits.MANAGED_LIMIT


def _build(tmp_path: Path, text: str, name: str = "big"):
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / f"{name}.yaml").write_text(text)
    return CliRunner().invoke(main, ["build", str(tmp_path / "specs"), "--out", str(tmp_path / "out")])


def test_5000_secrets_are_refused_by_the_list_bound(tmp_path):
    result = _build(tmp_path, secrets_spec(secret_names(5000)))
    assert result.exit_code == 2
    assert "big.yaml:7:7: error: features.secrets.secrets_manager: expected at most 500 item(s), got 5000" in result.output
    assert not (tmp_path / "out").exists()


def test_a_role_too_large_for_iam_is_refused_with_a_clear_error(tmp_path):
    """Within every list bound, but 500 long secret names plus 500 parameters exceed inline + 9 managed policies."""
    names = secret_names(500, width=120)
    result = _build(tmp_path, secrets_spec(names, managed_policy=True, parameters=[f"/p/{n}" for n in names]))
    assert result.exit_code == 2, result.output
    assert re.search(r"big\.yaml:4:3: error: features: the role's permissions need \d+ characters of IAM policy .* "
                     r"one role holds at most 65536: 10240 inline and 6144 in each of up to 9 customer managed "
                     r"policies \(10 attached per role, AmazonECSTaskExecutionRolePolicy included\); "
                     r"split these tasks across several roles", result.output), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_statement_split_across_policies_keeps_its_actions_and_conditions(spilled):
    parts = [s for d in spilled.role.documents for s in d.statements if s.sid.startswith("SecretsGetSecretValue")]
    assert len(parts) > 1
    assert {(s.actions, s.conditions) for s in parts} == {(("secretsmanager:GetSecretValue",), ())}
    assert [s.sid for s in parts] == ["SecretsGetSecretValue"] + [f"SecretsGetSecretValuePart{i}" for i in range(2, len(parts) + 1)]


def test_spilled_template_has_zero_cfn_lint_findings(spilled):
    from rolec.build.pipeline import linter
    assert linter().lint(spilled.files["cloudformation/many-secrets.yaml"]) == []


def test_an_existing_role_must_fit_one_managed_policy(tmp_path):
    """rolec does not spill for a role it does not own: the statements go into one policy of 6,144 characters."""
    text = secrets_spec(secret_names(80)).replace("version: 1\n", "version: 1\nrole:\n  existing: ecsTaskExecutionRole\n")
    result = _build(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert re.search(r"big\.yaml:5:3: error: features: the role's permissions need \d+ characters of IAM policy .*, but "
                     r"the one customer managed policy rolec attaches to an existing role holds 6144", result.output), result.output
    fits = secrets_spec(secret_names(40)).replace("version: 1\n", "version: 1\nrole:\n  existing: ecsTaskExecutionRole\n")
    (tmp_path / "fits").mkdir()
    assert _build(tmp_path / "fits", fits).exit_code == 0
