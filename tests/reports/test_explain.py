"""Pass level: each tests/examples/passes/NAME.yaml lowers to exactly the explain JSON in NAME.json.

The permission IR after every pass and invariant, without rendering a target: these tests need neither
troposphere nor cfn-lint (checked below), so they run in a fraction of a second. ROLEC_UPDATE_GOLDEN=1
writes the .json files (review the diff).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rolec.reports.explain import explain

from tests.support.compile import role_of
from tests.support.files import matches_file
from tests.support.paths import EXAMPLES, ROOT

PASSES = EXAMPLES / "passes"
CASES = sorted(p.name for p in PASSES.glob("*.yaml"))


def test_there_are_cases():
    assert CASES, f"no specs in {PASSES}"


@pytest.mark.parametrize("name", CASES)
def test_spec_lowers_to_its_expected_ir(name, monkeypatch):
    monkeypatch.chdir(PASSES)
    data = explain(role_of(Path(name)))
    assert data["statements"] or data["managed_policies"], "a fixture that grants nothing tests nothing"
    matches_file((PASSES / name).with_suffix(".json"), json.dumps(data, indent=2) + "\n")


def test_the_pass_level_tier_imports_neither_troposphere_nor_cfn_lint():
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from rolec.reports.explain import explain\n"
        "from tests.support.compile import role_of\n"
        f"for name in {CASES!r}:\n"
        f"    explain(role_of(Path({str(PASSES)!r}) / name))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('troposphere', 'cfnlint')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
