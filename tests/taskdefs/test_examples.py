"""Round trip on examples/taskdefs/ (a folder spec discovery does not read): `rolec infer` -> `rolec build` -> the
built role allows every need of the task definition, and nothing else, on both targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.build.pipeline import compile_spec
from rolec.cli import main

from ..support.outputs import TARGETS, policies
from ..support.taskdef_needs import ACCOUNT, assert_exactly, ecr, logs, parameter, s3, secret

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "taskdefs"
NEEDS = {
    "orders.json": [
        *ecr("111122223333", "eu-west-1", "orders/app"), *logs("eu-west-1", "/ecs/orders", create=True),
        *parameter("orders/db-password"), *secret("arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/api-key-AbC123"),
        *s3("arn:aws:s3:::orders-config/app/prod.env")],
    "billing.yaml": [
        *ecr(ACCOUNT, "us-east-1", "billing"), *logs("us-east-1", "/ecs/billing-prod"), *parameter("billing/prod/ledger-token")],
    "search.tf": [
        *logs("us-east-1", "/ecs/search-prod"),
        *secret(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:search/ghcr-token-AbC123")],
}


def test_every_example_has_its_needs():
    assert sorted(NEEDS) == sorted(p.name for p in EXAMPLES.iterdir())


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", sorted(NEEDS))
def test_infer_build_allows_what_the_task_needs(name, target, tmp_path):
    spec = tmp_path / "specs" / f"{Path(name).stem}.yaml"
    result = CliRunner().invoke(main, ["infer", str(EXAMPLES / name), "-o", str(spec)])
    assert result.exit_code == 0, result.output
    built = CliRunner().invoke(main, ["build", str(spec.parent), "--out", str(tmp_path / "out"), "--no-cache"])
    assert built.exit_code == 0, built.output
    assert_exactly(policies(compile_spec(spec), target), NEEDS[name])
