"""Property tests over generated specs: every valid spec compiles, has zero cfn-lint findings (informational included), is
deterministic, grants the same in both targets, and scopes every resource (only ecr:GetAuthorizationToken is on "*")."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from rolec.build.pipeline import compile_spec, linter
from rolec.text import Pseudo

from .support.strategies import dump, specs

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compile(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(text)
        return compile_spec(path)


@PROPERTY_SETTINGS
@given(specs())
def test_valid_specs_compile_lint_clean_and_deterministic(spec):
    text = dump(spec)
    first, second = _compile(text), _compile(text)
    assert first.files == second.files
    findings = linter().lint(first.files["cloudformation/generated.yaml"])
    assert findings == []


@PROPERTY_SETTINGS
@given(specs())
def test_only_the_auth_token_is_granted_on_every_resource(spec):
    role = _compile(dump(spec)).role
    for statement in role.statements:
        if any(r.key == "*" for r in statement.resources):
            assert statement.actions == ("ecr:GetAuthorizationToken",)
            assert statement.conditions == ()


@PROPERTY_SETTINGS
@given(specs())
def test_names_resolve_in_the_deploying_partition(spec):
    """A resource given as a name carries all three pseudo parameters, one given as an ARN with `{partition}` and
    `{account}` those two (its region is literal); none has a literal `arn:aws:` unless given as a plain ARN."""
    role = _compile(dump(spec)).role
    for statement in role.statements:
        for resource in statement.resources:
            if resource.pseudos:
                assert resource.pseudos in ({Pseudo.PARTITION, Pseudo.REGION, Pseudo.ACCOUNT},
                                            {Pseudo.PARTITION, Pseudo.ACCOUNT})
                assert not resource.key.startswith("arn:aws")


@PROPERTY_SETTINGS
@given(specs())
def test_both_targets_grant_the_same(spec):
    from .support.outputs import DEPLOYMENTS, normalise, policies

    compiled = _compile(dump(spec))
    for deployment in DEPLOYMENTS:
        cfn, tf = (policies(compiled, target, deployment) for target in ("cloudformation", "terraform"))
        assert normalise(cfn.permissions) == normalise(tf.permissions)
        assert normalise(cfn.trust) == normalise(tf.trust)
        assert sorted(cfn.managed_policy_arns) == sorted(tf.managed_policy_arns)
