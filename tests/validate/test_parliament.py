"""parliament (optional extra `rolec[lint]`) on every permissions policy rolec emits: zero findings
besides one exactly-listed gap in its IAM data, which must still be a gap (else drop it)."""

from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from rolec.build.pipeline import compile_spec
from rolec.targets.cloudformation import MANAGED_POLICY_SID
from rolec.validate import parliament as lint

from tests.conftest import SPECS
from tests.support.emulator import require
from tests.support.examples import count
from tests.support.outputs import AWS, AWS_CN, TARGETS, Deployment, Refused, policies
from tests.support.strategies import dump, specs


@pytest.fixture(autouse=True)
def parliament_installed():
    require(importlib.util.find_spec("parliament") is not None, "parliament (pip install -e '.[lint]')")


SPEC_FILES = sorted(p.name for p in SPECS.glob("*.yaml"))
GOVCLOUD = Deployment("aws-us-gov", "us-gov-west-1", AWS.account)


@pytest.mark.parametrize("name", SPEC_FILES)
def test_example_roles_have_zero_findings(name):
    assert lint.lint(compile_spec(SPECS / name).role) == []


@pytest.mark.parametrize("name", SPEC_FILES)
@pytest.mark.parametrize("target", TARGETS)
def test_rendered_outputs_have_zero_findings(name, target):
    """The same check on what each target deploys (read back from the rendered files), per partition."""
    compiled = compile_spec(SPECS / name)
    linted = 0
    for deployment in (AWS, AWS_CN, GOVCLOUD):
        try:
            resolved = policies(compiled, target, deployment)
        except Refused:  # the outputs refuse this partition (runtime_monitoring: no GuardDuty agent in China)
            continue
        linted += 1
        for _, document in resolved.documents:
            assert [f for f in lint.analyse(_own(document)) if not lint.suppressed(*f)] == []
    assert linted >= 2, "lint at least two partitions of every example"


def _own(document: dict) -> dict:
    """Without the copy of AmazonECSTaskExecutionRolePolicy's statement that the CloudFormation output of
    `role.existing` + `managed_policy: true` carries: it stands for the AWS managed policy (attached as such
    in Terraform), whose actions on "*" the spec asked for; rolec's own statements are what is linted."""
    statements = [s for s in document["Statement"] if s.get("Sid") != MANAGED_POLICY_SID]
    return {**document, "Statement": statements}


def test_the_suppression_list_is_exactly_the_two_gaps():
    assert [(s.issue, s.detail) for s in lint.SUPPRESSIONS] == [
        ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition kms:ResourceAliases for action kms:Decrypt"),
        ("RESOURCE_MISMATCH", "[{'action': 'ecr:BatchImportUpstreamImage', 'required_format': '*'}]")]
    assert all(s.reason for s in lint.SUPPRESSIONS)


@pytest.mark.parametrize("spec,index", [("app-secrets.yaml", 0), ("pull-through-cache.yaml", 1)])
def test_the_suppressed_finding_is_still_a_gap_in_parliament(spec, index):
    """When parliament learns kms:ResourceAliases for kms:Decrypt, or a resource type for
    ecr:BatchImportUpstreamImage, this fails: then delete that suppression."""
    role = compile_spec(SPECS / spec).role
    raw = {f for values in lint.DEPLOYMENTS for _, d in lint.documents(role, values) for f in lint.analyse(d)}
    assert raw == {(lint.SUPPRESSIONS[index].issue, lint.SUPPRESSIONS[index].detail)}


def test_parliament_catches_a_resource_of_the_wrong_type():
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["ssm:GetParameters"],
        "Resource": ["arn:aws:secretsmanager:us-east-1:123456789012:secret:x-??????"]}]}
    assert [issue for issue, _ in lint.analyse(document)] == ["RESOURCE_MISMATCH"]


@given(specs())
def test_generated_specs_have_zero_findings(spec):
    count("parliament: generated specs")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(dump(spec))
        role = compile_spec(path).role
    assert lint.lint(role) == [], json.dumps(spec)
