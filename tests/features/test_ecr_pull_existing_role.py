"""ecr_pull.vpc_endpoint on an existing role (review finding 5)."""

from __future__ import annotations

from tests.support.bad import expected, refusal


def test_finding_5_vpc_endpoint_on_an_existing_role_is_refused_with_the_reason(tmp_path, monkeypatch):
    code, stderr = refusal("vpc-endpoint-on-existing-role", tmp_path, monkeypatch)
    assert code == 2
    assert "an Allow with conditions cannot narrow" in stderr
    assert stderr == expected("vpc-endpoint-on-existing-role")
