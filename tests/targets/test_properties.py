"""Property tests over generated specs: every valid spec compiles, has zero cfn-lint findings (informational included), is
deterministic, grants the same in both targets, and scopes every resource (only ecr:GetAuthorizationToken is on "*")."""

from __future__ import annotations

import pytest
from hypothesis import given

from rolec.build.pipeline import linter
from rolec.aws.guardduty_agent_accounts import REPOSITORY
from rolec.aws.lookups import GUARDDUTY_AGENT_ACCOUNT
from rolec.text import Pseudo

from tests.support.compile import compile_text
from tests.support.strategies import dump, specs


@given(specs())
def test_valid_specs_compile_lint_clean_and_deterministic(spec):
    text = dump(spec)
    first, second = compile_text(text), compile_text(text)
    assert first.files == second.files
    findings = linter().lint(first.files["cloudformation/generated.yaml"])
    assert findings == []


@given(specs())
def test_only_the_auth_token_is_granted_on_every_resource(spec):
    role = compile_text(dump(spec)).role
    for statement in role.statements:
        if any(r.key == "*" for r in statement.resources):
            assert statement.actions == ("ecr:GetAuthorizationToken",)
            assert statement.conditions == ()


@given(specs())
def test_names_resolve_in_the_deploying_partition(spec):
    """A resource given as a name carries all three pseudo parameters, one given as an ARN with `{partition}` and
    `{account}` those two (its region is literal); the GuardDuty agent repository the deploying partition and region
    with the account looked up for that region; an S3 ARN with `{partition}` that one, and the deploying account and
    region only where its bucket name holds them. None has a literal `arn:aws:` unless given as a plain ARN."""
    role = compile_text(dump(spec)).role
    for statement in role.statements:
        for resource in statement.resources:
            if resource.lookups:
                assert resource.lookups == (GUARDDUTY_AGENT_ACCOUNT,)
                assert resource.pseudos == {Pseudo.PARTITION, Pseudo.REGION}
                assert resource.key.endswith(f":repository/{REPOSITORY}"), resource.key
            elif resource.key.startswith("arn:${Partition}:s3:::"):
                bucket, _, key = resource.key.removeprefix("arn:${Partition}:s3:::").partition("/")
                located = {p for p in (Pseudo.ACCOUNT, Pseudo.REGION) if "${" + p.value + "}" in bucket}
                assert resource.pseudos == {Pseudo.PARTITION, *located}, resource.key
                assert "${" not in key, resource.key
            elif resource.pseudos:
                assert resource.pseudos in ({Pseudo.PARTITION, Pseudo.REGION, Pseudo.ACCOUNT},
                                            {Pseudo.PARTITION, Pseudo.ACCOUNT})
                assert not resource.key.startswith("arn:aws")


@given(specs())
def test_both_targets_grant_the_same(spec):
    from tests.support.outputs import DEPLOYMENTS, Refused, normalise, policies

    compiled = compile_text(dump(spec))
    for deployment in DEPLOYMENTS:
        if any(lookup.get(deployment.region) is None for lookup in compiled.role.lookups):
            # A value looked up per region that this region lacks (the GuardDuty agent account in China):
            # both targets stop the deployment, with the same message.
            refusals = set()
            for target in ("cloudformation", "terraform"):
                with pytest.raises(Refused) as refused:
                    policies(compiled, target, deployment)
                refusals.add(str(refused.value).split(": ", 1)[1])
            assert len(refusals) == 1
            continue
        cfn, tf = (policies(compiled, target, deployment) for target in ("cloudformation", "terraform"))
        assert normalise(cfn.permissions) == normalise(tf.permissions)
        assert normalise(cfn.trust) == normalise(tf.trust)
        assert sorted(cfn.managed_policy_arns) == sorted(tf.managed_policy_arns)
