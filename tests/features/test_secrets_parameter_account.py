"""An SSM parameter ARN with a literal account: ECS reads parameters only in the task's own account, so both
targets stop a deployment in any other account, and a StackSet that deploys elsewhere is refused at spec time."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import compile_spec
from rolec.errors import SpecError
from rolec.reports.explain import to_text

from tests.support.outputs import AWS, TARGETS, Deployment, Refused, policies
from tests.support.roles import Role, write_spec

OWN = "111122223333"
PARAMETER = f"arn:aws:ssm:eu-west-1:{OWN}:parameter/app/db"
SPEC = {"features": {"secrets": {"ssm_parameters": [PARAMETER, "/app/local"]}}}


@pytest.mark.parametrize("target", TARGETS)
def test_deploys_only_in_the_parameters_account(tmp_path, target):
    compiled = compile_spec(write_spec(tmp_path, SPEC))
    with pytest.raises(Refused, match=f"is a parameter in account {OWN}"):
        policies(compiled, target, AWS)
    there = Deployment("aws", "us-east-1", OWN)
    r = Role(policies(compiled, target, there), there)
    assert r.allows("ssm:GetParameters", PARAMETER)
    assert r.allows("ssm:GetParameters", there.arn("ssm", "parameter/app/local"))
    assert not r.allows("ssm:GetParameters", f"arn:aws:ssm:eu-west-1:{OWN}:parameter/app/db2")


def test_placeholders_and_names_need_no_check(tmp_path):
    spec = {"features": {"secrets": {"ssm_parameters": ["arn:{partition}:ssm:eu-west-1:{account}:parameter/a", "b"]}}}
    role = compile_spec(write_spec(tmp_path, spec)).role
    assert role.account_checks == ()


def test_explain_names_the_account(tmp_path):
    text = to_text([compile_spec(write_spec(tmp_path, SPEC)).role])
    assert f"deploys only in account {OWN}: features.secrets.ssm_parameters[0]" in text


def _stackset(**targets) -> dict:
    return {**SPEC, "stackset": {"regions": ["us-east-1"], **targets}}


@pytest.mark.parametrize("stackset", [
    {"permission_model": "service_managed", "organizational_units": ["ou-abcd-12345678"]},
    {"permission_model": "self_managed", "accounts": [OWN, "222233334444"]},
    {"permission_model": "self_managed", "accounts": ["222233334444"]},
], ids=["organization", "two-accounts", "other-account"])
def test_a_stackset_deploying_elsewhere_is_refused(tmp_path, stackset):
    with pytest.raises(SpecError, match=r"ssm_parameters\[0\]: a parameter in account 111122223333, but the StackSet"):
        compile_spec(write_spec(tmp_path, _stackset(**stackset)))


def test_a_stackset_into_the_parameters_account_alone_is_fine(tmp_path):
    compiled = compile_spec(write_spec(tmp_path, _stackset(permission_model="self_managed", accounts=[OWN])))
    assert compiled.role.account_checks[0].account == OWN
