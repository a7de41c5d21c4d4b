"""Standalone CloudFormation templates over the inline limit (review finding 9): a warning, never a refusal."""

from __future__ import annotations

from click.testing import CliRunner

from rolec.cli import main

BIG = "version: 1\nfeatures:\n  secrets:\n    secrets_manager:\n" + "".join(
    f"      - prod/service-{i:03d}/database-password\n" for i in range(400))


def test_finding_9_a_template_over_51200_bytes_builds_with_a_warning_naming_its_size(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "big400.yaml").write_text(BIG)
    (tmp_path / "specs" / "small.yaml").write_text("version: 1\nmanaged_policy: true\n")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    size = (tmp_path / "out" / "cloudformation" / "big400.yaml").stat().st_size
    assert size > 51_200
    assert result.stderr == (
        f"out/cloudformation/big400.yaml: warning: the template is {size:,} bytes, over the 51,200 bytes CloudFormation "
        "accepts inline; deploy it through S3: aws cloudformation deploy --s3-bucket BUCKET --template-file "
        "out/cloudformation/big400.yaml … (see docs/spec-files.md)\n")
    assert "built 2 roles" in result.stdout
