"""Shared fixtures and the Hypothesis budgets; helpers that tests import live in tests/support/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.paths import OUT, ROOT, SPECS  # noqa: F401 - re-exported for the tests that import them from here

# Hypothesis budgets, all here. HYPOTHESIS_PROFILE picks the scale: `default` (CI, `make test`) or `thorough`
# (long local runs). A test that only says @given runs the profile's max_examples; the tests whose examples
# cost far less or far more than one compile take a named budget: @settings.get_profile("fuzz") etc.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
BUDGETS = {
    #            @given   damaged specs   raw-byte fuzz   specs deployed to the emulator
    "default": {"max": 25, "mutation": 100, "fuzz": 500, "deploy": 30},
    "thorough": {"max": 300, "mutation": 1500, "fuzz": 10_000, "deploy": 300},
}
for _name, _budget in BUDGETS.items():
    settings.register_profile(_name, max_examples=_budget["max"], deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
for _kind in ("mutation", "fuzz", "deploy"):
    # The mutation and fuzz tests write each example to tmp_path: reusing the function-scoped fixture is meant.
    settings.register_profile(_kind, max_examples=BUDGETS[PROFILE][_kind], deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(PROFILE)

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
