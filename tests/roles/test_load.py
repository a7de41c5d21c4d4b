"""compiler/roles/__init__.py: a role's permission policies are identity policies, checked as IAM checks them
when the source is read: a malformed statement is a located error (exit 2), never an internal error later."""

from __future__ import annotations

import json

import pytest

from rolec.roles import RoleSourceError, load


@pytest.mark.parametrize("statement", [
    {"Effect": "Allow", "Action": 5, "Resource": "*"},
    {"Effect": "Allow", "Resource": "*"},
    {"Effect": "Allow", "Action": "ecr:BatchGetImage"},
    {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"},
])
def test_a_malformed_identity_statement_is_located(tmp_path, statement):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}, statement]}, indent=1))
    with pytest.raises(RoleSourceError) as caught:
        load([path])
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line) == (str(path), 9) and "not a valid IAM policy statement" in diagnostic.message
