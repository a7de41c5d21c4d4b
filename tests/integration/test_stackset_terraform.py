"""`rolec build --terraform-validate` validates the StackSet modules too, and names their file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rolec.cli import main
from rolec.targets import stackset

from tests.conftest import SPECS
from tests.support.files import snapshot


def test_a_wrong_argument_in_a_stackset_module_names_its_file(terraform_ready, tmp_path, monkeypatch):
    real = stackset.terraform_module

    def broken(role, config, body):
        document = json.loads(real(role, config, body))
        document["resource"]["aws_cloudformation_stack_set"]["this"]["capabilitys"] = ["CAPABILITY_NAMED_IAM"]
        return json.dumps(document)

    monkeypatch.setattr(stackset, "terraform_module", broken)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(out)
    result = CliRunner().invoke(main, ["build", str(SPECS / "regional-execution-role.yaml"), "--out", str(out),
                                       "--terraform-validate"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert "/stacksets/regional-execution-role.tf.json:" in first, first
    assert 'No argument or block type is named "capabilitys"' in first
    assert snapshot(out) == before
