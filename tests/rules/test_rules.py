"""rolec's own invariants (compiler/rules): each rule passes a good IR and flags a bad one,
every discovered rule has such a pair, and a violation fails the build with its id and blame."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from rolec import rules
from rolec import lower as lowering
from rolec.cli import main
from rolec.ir import Condition, Role, Source, Statement
from rolec.lower import SOURCE_ARN
from rolec.spec.v1 import load_spec
from rolec.spec.names import MANAGED_POLICY
from rolec.text import Lookup, Pseudo, Text, arn

SOURCE = (Source("secrets", "features.secrets.kms_keys[0]", 7, "test"),)
ALL_KEYS = arn("kms", "key/*")


def statement(sid, actions, resources, conditions=(), sources=SOURCE) -> Statement:
    return Statement(sid, tuple(actions), tuple(resources), tuple(conditions), sources)


def role(*statements, trust=(), managed=(), boundary=None) -> Role:
    return Role(id="r", spec_path="specs/r.yaml", description=None, name=None, path="/",
                permissions_boundary=boundary, max_session_duration=None, tags=(), trust_conditions=tuple(trust),
                managed_policies=tuple(managed), statements=tuple(statements))


AUTH = statement("EcrPullAuthToken", ["ecr:GetAuthorizationToken"], [Text.of("*")])
ALIASES = Condition("ForAnyValue:StringEquals", "kms:ResourceAliases", (Text.of("alias/app"),))
VPCE = Condition("StringEquals", "aws:SourceVpce", (Text.of("vpce-0a1b2c3d4e5f60789"),))
GUARDDUTY = Lookup("GuardDutyAgentAccount", (("us-east-1", "593207742271"),), "no agent in this region")

CASES = {
    "R101": [
        (role(AUTH, managed=[MANAGED_POLICY]), True),
        (role(statement("Logs", ["logs:PutLogEvents"], [Text.of("*")])), False),
        (role(AUTH, managed=[Text.of("arn:aws:iam::aws:policy/AdministratorAccess")]), False),
    ],
    "R102": [
        (role(AUTH, statement("Layers", ["ecr:BatchGetImage"], [arn("ecr", "repository/a")], [VPCE])), True),
        (role(statement("AuthToken", ["ecr:GetAuthorizationToken"], [Text.of("*")], [VPCE])), False),
        (role(statement("AuthToken", ["ecr:GetAuthorizationToken"], [Text.of("*")],
                        [Condition("StringEquals", "AWS:SOURCEVPC", (Text.of("vpc-0a1b2c3d"),))])), False),
    ],
    "R103": [
        (role(statement("Kms", ["kms:Decrypt"], [ALL_KEYS], [ALIASES])), True),
        (role(statement("Kms", ["kms:Decrypt"], [arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab")])), True),
        (role(statement("Kms", ["kms:Decrypt"], [ALL_KEYS])), False),
        (role(statement("Kms", ["kms:Decrypt"], [Text.of("*")])), False),
        (role(statement("Kms", ["kms:Decrypt"], [ALL_KEYS],
                        [Condition("ForAllValues:StringEquals", "kms:ResourceAliases", (Text.of("alias/app"),))])), False),
    ],
    "R104": [
        (role(statement("Ssm", ["ssm:GetParameters"], [arn("ssm", "parameter/a")])), True),
        (role(statement("Ssm", ["ssm:GetParameter", "ssm:GetParameters"], [arn("ssm", "parameter/a")])), False),
        # The newest pages' actions (S3 files, pull through cache), and nothing near them.
        (role(statement("S3", ["s3:GetObject"], [Text.of("arn:aws:s3:::b/k.env")]),
              statement("S3Bucket", ["s3:GetBucketLocation"], [Text.of("arn:aws:s3:::b")]),
              statement("Ptc", ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                        [arn("ecr", "repository/docker-hub/*")])), True),
        (role(statement("S3", ["s3:GetObject", "s3:ListBucket"], [Text.of("arn:aws:s3:::b")])), False),
        (role(statement("S3", ["s3:GetObjectVersion"], [Text.of("arn:aws:s3:::b/k.env")])), False),
        (role(statement("Ptc", ["ecr:TagResource"], [arn("ecr", "repository/docker-hub/*")])), False),
        (role(statement("Gd", ["guardduty:SendSecurityTelemetry"], [Text.of("*")])), False),
    ],
    "R105": [
        (role(AUTH, trust=[Condition("StringEquals", "aws:SourceAccount", (Text.of(Pseudo.ACCOUNT),)),
                           Condition("ArnLike", "aws:SourceArn", (SOURCE_ARN,))]), True),
        (role(AUTH, trust=[Condition("StringEquals", "aws:PrincipalOrgID", (Text.of("o-abc"),))]), False),
    ],
    "R106": [
        (role(statement("Ssm", ["ssm:GetParameters"], [arn("ssm", "parameter/a"),
                                                        Text.of("arn:aws-cn:ssm:cn-north-1:111122223333:parameter/b")])),
         True),
        (role(AUTH, managed=[MANAGED_POLICY], boundary=arn("iam", "policy/b", region=False)), True),
        (role(statement("Ssm", ["ssm:GetParameters"], [Text.of("arn:aws:ssm:", Pseudo.REGION, ":", Pseudo.ACCOUNT,
                                                               ":parameter/a")])), False),
        # Admitted on purpose: a literal region with the deploying partition and account (the spec wrote
        # arn:{partition}:ssm:us-east-1:{account}:...), the GuardDuty agent account looked up per region, and S3.
        (role(statement("Ssm", ["ssm:GetParameters"], [Text.of("arn:", Pseudo.PARTITION, ":ssm:us-east-1:",
                                                               Pseudo.ACCOUNT, ":parameter/a")])), True),
        (role(statement("Gd", ["ecr:BatchGetImage"], [Text.of("arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":",
                                                              GUARDDUTY, ":repository/aws-guardduty-agent-fargate")])),
         True),
        (role(statement("S3", ["s3:GetObject"], [Text.of("arn:", Pseudo.PARTITION, ":s3:::b/k.env")])), True),
        (role(AUTH, boundary=Text.of("arn:", Pseudo.PARTITION, ":iam::111122223333:policy/b")), False),
        # Still refused: a literal region with a literal account, a lookup in a literal region or a literal
        # partition, a pseudo region with a literal account, S3 with a region or account, a partition as account.
        (role(statement("Ssm", ["ssm:GetParameters"], [Text.of("arn:", Pseudo.PARTITION,
                                                               ":ssm:us-east-1:111122223333:parameter/a")])), False),
        (role(statement("Gd", ["ecr:BatchGetImage"], [Text.of("arn:", Pseudo.PARTITION, ":ecr:us-east-1:", GUARDDUTY,
                                                              ":repository/aws-guardduty-agent-fargate")])), False),
        (role(statement("Ssm", ["ssm:GetParameters"], [Text.of("arn:", Pseudo.PARTITION, ":ssm:", Pseudo.REGION,
                                                               ":111122223333:parameter/a")])), False),
        (role(statement("Gd", ["ecr:BatchGetImage"], [Text.of("arn:aws:ecr:", Pseudo.REGION, ":", GUARDDUTY,
                                                              ":repository/aws-guardduty-agent-fargate")])), False),
        (role(statement("S3", ["s3:GetObject"], [Text.of("arn:", Pseudo.PARTITION, ":s3:", Pseudo.REGION,
                                                         "::b/k.env")])), False),
        (role(statement("S3", ["s3:GetObject"], [Text.of("arn:", Pseudo.PARTITION, ":s3::", Pseudo.ACCOUNT,
                                                         ":b/k.env")])), False),
        (role(statement("Ssm", ["ssm:GetParameters"], [Text.of("arn:", Pseudo.PARTITION, ":ssm:", Pseudo.REGION,
                                                               ":", Pseudo.PARTITION, ":parameter/a")])), False),
    ],
    "R107": [
        (role(AUTH), True),
        (role(statement("Ssm", ["ssm:GetParameters"], [arn("ssm", "parameter/a")], sources=())), False),
    ],
}


def _ids(findings) -> list[str]:
    return [f.rule.id for f in findings]


def test_every_rule_has_good_and_bad_cases():
    assert [r.id for r in rules.rules()] == sorted(CASES)
    for rule_id, cases in CASES.items():
        assert {ok for _, ok in cases} == {True, False}, rule_id


def test_rules_declare_id_description_source_and_blame():
    for rule in rules.rules():
        assert rule.id.startswith("R1") and rule.description and rule.source
        assert rule.blame in (rules.COMPILER_BUG, rules.UNSAFE_SPEC)


@pytest.mark.parametrize("rule_id,index", [(k, i) for k, cases in CASES.items() for i in range(len(cases))])
def test_rule_case(rule_id, index):
    case, ok = CASES[rule_id][index]
    rule = next(r for r in rules.rules() if r.id == rule_id)
    violations = list(rule.check(case))
    assert (violations == []) == ok, violations


def test_every_example_spec_passes_every_rule():
    from tests.conftest import SPECS
    for path in sorted(SPECS.glob("*.yaml")):
        assert rules.check(lowering.lower(load_spec(path, path.name))) == [], path.name


def test_a_violation_fails_the_build_with_id_line_and_blame(write_spec, tmp_path, monkeypatch):
    """A broken lowering (here: GetAuthorizationToken put under the VPC endpoint condition) is caught before rendering."""
    write_spec("version: 1\nfeatures:\n  ecr_pull:\n    repositories: [app]\n")
    real_lower = lowering.lower

    def broken_lower(spec):
        r = real_lower(spec)
        bad = [replace(s, conditions=(VPCE,)) if "ecr:GetAuthorizationToken" in s.actions else s for s in r.statements]
        return replace(r, statements=tuple(bad))

    monkeypatch.setattr(lowering, "lower", broken_lower)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "specs", "--out", "out", "--no-cache"])
    assert result.exit_code == 1
    assert "specs/role.yaml:4:1: error: R102 ecr:GetAuthorizationToken without VPC endpoint conditions" in result.output
    assert "compiler bug: this is a bug in rolec" in result.output
    assert not (tmp_path / "out").exists()
