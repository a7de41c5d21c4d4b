"""cfn-lint at its strictest, with rolec's own configuration: informational checks on, any finding
fails, a stray .cfnlintrc changes nothing, and every committed output has zero findings."""

from __future__ import annotations

import pytest

from compiler.pipeline import FAILING_SEVERITIES, linter
from compiler.validate.cfnlint import CfnLint

from .conftest import OUT

HARD_CODED_PARTITION = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !Sub "arn:aws:kms:us-east-1:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
"""


def test_informational_checks_are_on_and_fail_the_build():
    findings = linter().lint(HARD_CODED_PARTITION)
    assert [(f.rule, f.severity) for f in findings] == [("I3042", "informational")]
    assert "informational" in FAILING_SEVERITIES


def test_a_stray_cfnlintrc_changes_nothing(tmp_path, monkeypatch):
    (tmp_path / ".cfnlintrc").write_text("ignore_checks: [I]\nregions: [eu-west-1]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert [f.rule for f in CfnLint().lint(HARD_CODED_PARTITION)] == ["I3042"]


@pytest.mark.parametrize("path", sorted(p.name for p in (OUT / "cloudformation").glob("*.yaml")))
def test_committed_outputs_have_zero_findings(path):
    assert linter().lint((OUT / "cloudformation" / path).read_text()) == []
