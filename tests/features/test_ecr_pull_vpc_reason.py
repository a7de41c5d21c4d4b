"""Finding 26: the vpc_endpoint reason says what the conditions do: keys in one statement are ANDed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rolec.cli import main


@pytest.mark.parametrize("endpoint, reason", [
    ("{source_vpce: [vpce-0a1b2c3d4e5f60789]}", "layer downloads are allowed only through one of the listed VPC endpoints"),
    ("{source_vpc: [vpc-0a1b2c3d]}", "layer downloads are allowed only from one of the listed VPCs"),
    ("{source_vpce: [vpce-0a1b2c3d4e5f60789], source_vpc: [vpc-0a1b2c3d]}",
     "layer downloads are allowed only through one of the listed VPC endpoints and from one of the listed VPCs"),
])
def test_finding_26_vpc_endpoint_reason_names_both_conditions_as_and(endpoint, reason, write_spec):
    spec = write_spec(f"version: 1\nfeatures:\n  ecr_pull:\n    repositories: [app]\n    vpc_endpoint: {endpoint}\n")
    result = CliRunner().invoke(main, ["explain", "--format", "json", str(spec)])
    assert result.exit_code == 0, result.output
    (role,) = json.loads(result.output)["roles"]
    reasons = {s["reason"] for statement in role["statements"] for s in statement["sources"] if s["key"].endswith("vpc_endpoint")}
    assert reasons == {reason}
