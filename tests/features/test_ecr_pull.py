"""features/ecr_pull.py: repositories written as ECR repository URIs (red-team finding 15, first bullet)."""

from __future__ import annotations

from click.testing import CliRunner

from rolec.cli import main

SPEC = """version: 1
features:
  ecr_pull:
    repositories:
{items}
{extra}"""


def _run(tmp_path, items, extra=""):
    spec = tmp_path / "specs" / "role.yaml"
    spec.parent.mkdir(exist_ok=True)
    spec.write_text(SPEC.format(items="\n".join(f"      - {i}" for i in items), extra=extra))
    return CliRunner().invoke(main, ["build", str(spec), "--out", str(tmp_path / "out"), "--no-cache"])


def test_repository_uri_grants_on_the_repository_arn(tmp_path):
    # one spec per partition: a role's ARNs share one partition (red-team finding 15, second bullet)
    for uri, arn in (("111122223333.dkr.ecr.eu-west-1.amazonaws.com/shared/base",
                      "arn:aws:ecr:eu-west-1:111122223333:repository/shared/base"),
                     ("111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn/app",
                      "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app")):
        result = _run(tmp_path, [uri])
        assert result.exit_code == 0, result.output
        text = (tmp_path / "out" / "cloudformation" / "role.yaml").read_text()
        assert arn in text
        assert "dkr.ecr" not in text


def test_repository_uri_with_tag_is_refused_with_its_location(tmp_path):
    result = _run(tmp_path, ["app", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:latest"])
    assert result.exit_code == 2
    assert "role.yaml:6:9: error: features.ecr_pull.repositories[1]:" in result.output
    assert "without tag or digest" in result.output


def test_dual_stack_host_with_vpc_endpoint_is_refused(tmp_path):
    result = _run(tmp_path, ["111122223333.dkr.ecr.us-east-1.amazonaws.com/ok",
                             "111122223333.dkr-ecr.us-east-1.on.aws/app"],
                  "    vpc_endpoint: {source_vpce: [vpce-0a1b2c3d4e5f60789]}\n")
    assert result.exit_code == 2
    assert "role.yaml:6:9: error: features.ecr_pull.repositories[1]: '111122223333.dkr-ecr.us-east-1.on.aws/app' is a dual-stack" in result.output
    assert "repositories[0]" not in result.output


def test_dual_stack_host_without_vpc_endpoint_builds(tmp_path):
    assert _run(tmp_path, ["111122223333.dkr-ecr.us-east-1.on.aws/app"]).exit_code == 0
