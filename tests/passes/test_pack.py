"""passes/pack.py: the one translation of "too large" into a diagnostic, blaming the section that made it so."""

from __future__ import annotations

import pytest

from rolec.errors import SpecError
from rolec.ir import Role, Statement
from rolec.passes import pack
from rolec.spec.stackset import StackSet
from rolec.text import arn


def role(resources: int, home_region: str | None = None) -> Role:
    rollout = None if home_region is None else StackSet(
        "self_managed", (), ("111122223333",), None, ("us-east-1", "eu-west-1"), home_region, False, False, None,
        None, "sequential", None)
    statement = Statement("S", ("secretsmanager:GetSecretValue",),
                          tuple(arn("secretsmanager", f"secret:{i:05d}-??????") for i in range(resources)), (), ())
    return Role(id="app", spec_path="app.yaml", description=None, name=None, path="/", permissions_boundary=None,
                max_session_duration=None, tags=(), trust_conditions=(), managed_policies=(), statements=(statement,),
                rollout=rollout, anchors=(("features", (3, 1)), ("stackset", (9, 1))))


def test_a_role_that_fits_inline_has_one_inline_document():
    (document,) = pack.run(role(10)).documents
    assert document.name == "rolec-app" and not document.managed


def test_too_large_blames_features():
    with pytest.raises(SpecError) as raised:
        pack.run(role(2000))
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.col) == ("app.yaml", 3, 1)
    assert diagnostic.message.startswith("features: the role's permissions need ")


def test_too_large_because_of_stackset_regions_blames_stackset():
    with pytest.raises(SpecError) as raised:
        pack.run(role(2000, home_region="us-east-1"))
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.line, diagnostic.message[:60]) == (9, "stackset: granted in each of the 2 StackSet regions, the rol")
