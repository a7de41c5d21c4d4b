"""Where the repository's inputs and expected outputs are, for every test folder alike."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
OUT = ROOT / "out"
EXAMPLES = ROOT / "tests" / "examples"
BAD = EXAMPLES / "bad"
"""NAME.yaml refused with exactly NAME.err (tests/spec/test_bad_specs.py)."""
GOLDEN = EXAMPLES / "golden"
"""Expected command outputs (tests/commands/)."""
