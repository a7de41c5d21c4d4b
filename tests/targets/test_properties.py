"""Property tests over generated specs: every valid spec compiles, has zero cfn-lint findings (informational included), is
deterministic, grants the same in both targets, and scopes every resource (only ecr:GetAuthorizationToken is on "*")."""

from __future__ import annotations

from hypothesis import given

from rolec.build.pipeline import linter
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
    `{account}` those two (its region is literal); none has a literal `arn:aws:` unless given as a plain ARN."""
    role = compile_text(dump(spec)).role
    for statement in role.statements:
        for resource in statement.resources:
            if resource.pseudos:
                assert resource.pseudos in ({Pseudo.PARTITION, Pseudo.REGION, Pseudo.ACCOUNT},
                                            {Pseudo.PARTITION, Pseudo.ACCOUNT})
                assert not resource.key.startswith("arn:aws")


@given(specs())
def test_both_targets_grant_the_same(spec):
    from tests.support.outputs import DEPLOYMENTS, normalise, policies

    compiled = compile_text(dump(spec))
    for deployment in DEPLOYMENTS:
        cfn, tf = (policies(compiled, target, deployment) for target in ("cloudformation", "terraform"))
        assert normalise(cfn.permissions) == normalise(tf.permissions)
        assert normalise(cfn.trust) == normalise(tf.trust)
        assert sorted(cfn.managed_policy_arns) == sorted(tf.managed_policy_arns)
