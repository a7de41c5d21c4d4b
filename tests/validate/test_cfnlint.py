"""cfn-lint at its strictest, with rolec's own configuration: informational checks on, any finding
fails, a stray .cfnlintrc changes nothing, and every committed output has zero findings."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import FAILING_SEVERITIES, linter
from rolec.validate.cfnlint import CfnLint

from tests.conftest import OUT

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


HARD_CODED = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Handle:
    Type: AWS::CloudFormation::WaitConditionHandle
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: logs:PutLogEvents
                Resource: !Sub 'arn:${AWS::Partition}:logs:%s:%s:log-group:/ecs/app:log-stream:*'
"""


@pytest.mark.parametrize(("config", "region", "account", "flagged"), [
    ("cfnlintrc.yaml", "eu-west-1", "111122223333", set()),
    ("cfnlintrc-stackset-member.yaml", "eu-west-1", "${AWS::AccountId}", {"Region"}),
    ("cfnlintrc-stackset-member.yaml", "${AWS::Region}", "111122223333", {"AccountId"}),
    ("cfnlintrc-stackset-member.yaml", "${AWS::Region}", "${AWS::AccountId}", set()),
    ("cfnlintrc-stackset-home-region.yaml", "eu-west-1", "${AWS::AccountId}", set()),
    ("cfnlintrc-stackset-home-region.yaml", "eu-west-1", "111122223333", {"AccountId"}),
])
def test_stackset_member_templates_refuse_hard_coded_region_and_account(config, region, account, flagged):
    """I3042 for the role template a StackSet deploys everywhere: region and account must be pseudo
    parameters (with home_region, regions are written out on purpose; the account still may not be)."""
    findings = [f for f in linter(config).lint(HARD_CODED % (region, account)) if f.rule == "I3042"]
    assert {word for f in findings for word in ("Region", "AccountId") if f"hardcoded {word}" in f.message} == flagged


def test_the_build_lints_a_stackset_body_with_the_member_configuration(write_spec, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from rolec.cli import main
    from rolec.targets import stackset

    real = stackset.role_template
    monkeypatch.setattr(stackset, "role_template",
                        lambda role, section: real(role, section).replace("${AWS::AccountId}:log-group", "111122223333:log-group"))
    spec = write_spec("version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/app]\nstackset:\n"
                      "  permission_model: self_managed\n  accounts: ['111122223333']\n  regions: [us-east-1, eu-west-1]\n",
                      "member")
    result = CliRunner().invoke(main, ["build", str(spec), "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "TemplateBody: I3042" in result.stderr and "hardcoded AccountId" in result.stderr
    assert not (tmp_path / "out").exists()


def test_configurations_sharing_one_rule_set_do_not_leak_into_each_other():
    """linter(config) reuses the default rule set under each configuration; interleaved runs must find
    exactly what a runner built for that configuration alone finds."""
    from rolec.validate.cfnlint import CONFIG_FILE, CfnLint

    template = HARD_CODED % ("eu-west-1", "111122223333")
    configs = ["cfnlintrc-stackset-member.yaml", "cfnlintrc.yaml", "cfnlintrc-stackset-home-region.yaml",
               "cfnlintrc.yaml", "cfnlintrc-stackset-member.yaml"]
    alone = {config: CfnLint(CONFIG_FILE.with_name(config)).lint(template) for config in set(configs)}
    assert len({tuple(findings) for findings in alone.values()}) == 3, "the configurations differ on this template"
    for config in configs:
        assert linter(config).lint(template) == alone[config], config
