"""Scanner suppressions live only in resource Metadata, each with a written reason, and only the
expected ones exist. ecr:GetAuthorizationToken on "*" passes checkov and cfripper (.ci/scan) as it
is (they know it has no resource-level permissions). The one unavoidable finding is the copy of
AmazonECSTaskExecutionRolePolicy's statement (actions on "*") that the CloudFormation output of
`role.existing` + `managed_policy: true` carries: checkov's suppression is in that resource's
Metadata; cfripper reads no Metadata, so its suppression is the one rule filter in
.ci/cfripper-filters, which matches that resource and statement Sid only."""

from __future__ import annotations

import re

import pytest
from cfnlint.decode import decode_str

from rolec.targets.cloudformation import MANAGED_POLICY_SID

from tests.conftest import OUT, ROOT
from tests.support.big_specs import secret_names, secrets_spec

EXPECTED: dict[str, set[str]] = {"cloudformation/existing-execution-role.yaml": {"CKV_AWS_111"}}
"""Template -> suppressed check ids (with their reasons in the resource's Metadata)."""
MARKERS = re.compile(r"checkov|cfripper|cfn_nag|cfn-lint|rules_to_suppress|skip", re.I)


def _suppressions(template: dict) -> tuple[set[str], list[str]]:
    """Check ids suppressed in resource Metadata, and any marker found anywhere else."""
    found, misplaced = set(), []
    for name, resource in template.get("Resources", {}).items():
        metadata = resource.get("Metadata", {})
        for entry in metadata.get("checkov", {}).get("skip", []):
            assert entry.get("comment"), f"{name}: checkov skip {entry.get('id')} has no written reason"
            found.add(entry["id"])
        if set(metadata) - {"checkov"}:
            misplaced.append(f"{name}: unexpected Metadata {sorted(set(metadata) - {'checkov'})}")
        rest = {k: v for k, v in resource.items() if k != "Metadata"}
        if MARKERS.search(str(rest)):
            misplaced.append(name)
    outside = {k: v for k, v in template.items() if k != "Resources"}
    if MARKERS.search(str(outside)):
        misplaced.append("(template level)")
    return found, misplaced


def _templates():
    for path in sorted([*(OUT / "cloudformation").glob("*.yaml"), *(OUT / "stacksets").glob("*.yaml")]):
        yield path.relative_to(OUT).as_posix(), path.read_text()


@pytest.mark.parametrize("name,text", list(_templates()))
def test_suppressions_only_in_resource_metadata_and_only_the_expected_ones(name, text):
    assert not re.search(r"#\s*(checkov|cfripper|cfn_nag)", text, re.I), "suppression in a comment"
    template, errors = decode_str(text)
    assert not errors
    found, misplaced = _suppressions(template)
    assert misplaced == []
    assert found == EXPECTED.get(name, set())


def test_a_spilled_template_carries_no_suppressions(tmp_path):
    from rolec.build.pipeline import compile_spec
    spec = tmp_path / "many.yaml"
    spec.write_text(secrets_spec(secret_names(400)))
    template, _ = decode_str(compile_spec(spec).files["cloudformation/many.yaml"])
    assert _suppressions(template) == (set(), [])


def test_the_checker_finds_a_misplaced_suppression():
    template = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Description": "checkov:skip=CKV_AWS_111"}}}}
    assert _suppressions(template)[1] == ["R"]


def test_the_cfripper_filters_are_exactly_the_managed_policy_copy():
    folder = ROOT / ".ci" / "cfripper-filters"
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".py") == ["aws_managed_policy_copy.py"]
    text = (folder / "aws_managed_policy_copy.py").read_text()
    assert '"rules": ' not in text and 'rules={"WildcardResourceRule"}' in text
    assert '{"eq": [{"ref": "logical_id"}, "ExecutionPolicy"]}' in text
    assert f'{{"eq": [{{"ref": "statement.Sid"}}, "{MANAGED_POLICY_SID}"]}}' in text
    assert "FILTERS = [aws_managed_policy_copy]" in text
