"""Shared fixtures: the repository's paths and a helper that writes a spec and compiles it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# HYPOTHESIS_PROFILE=thorough for long local runs: more generated examples where a test
# takes its count from the profile (tests/integration/test_two_targets.py deploys that many specs).
settings.register_profile("thorough", max_examples=300, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
OUT = ROOT / "out"
STACKSET_ROLE = """version: 1
role:
  name: {name}
features:
  awslogs:
    log_groups: [/ecs/app]
  secrets:
    secrets_manager: [app/db]
"""
"""The role the StackSet tests roll out (format with name=...), before its stackset section."""


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own build cache, so no test sees another's entries."""
    monkeypatch.setenv("ROLEC_CACHE_DIR", str(tmp_path_factory.mktemp("rolec-cache")))


@pytest.fixture
def write_spec(tmp_path: Path):
    """Write spec text to tmp_path/specs/<name>.yaml and return its path."""

    def write(text: str, name: str = "role") -> Path:
        folder = tmp_path / "specs"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.yaml"
        path.write_text(text)
        return path

    return write


def pytest_terminal_summary(terminalreporter):
    """Report how many generated examples the property and fuzz tests ran."""
    from tests.support.examples import RUN

    if RUN:
        terminalreporter.write_sep("-", "hypothesis examples run")
        for name, number in sorted(RUN.items()):
            terminalreporter.write_line(f"{name}: {number}")
