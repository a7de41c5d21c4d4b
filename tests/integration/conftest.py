"""Fixtures for tests that deploy compiled output to the moto emulator."""

import pytest

from rolec.validate.terraform import TerraformUnavailable, find_plugin_mirror, find_terraform
from tests.support import emulator


@pytest.fixture(scope="session")
def moto_endpoint():
    """One moto server per test session; starting it costs about half a second."""
    emulator.require(
        emulator.moto_available(), "moto server (pip install 'moto[server]')"
    )
    with emulator.moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def emulator_endpoint(moto_endpoint):
    """The shared moto server, emptied so each test starts from a clean account."""
    emulator.reset(moto_endpoint)
    return moto_endpoint


@pytest.fixture(scope="session")
def terraform_available():
    emulator.require(emulator.find_terraform() is not None, "terraform binary on PATH")
    emulator.require(
        emulator.find_plugin_mirror() is not None,
        "hashicorp/aws provider mirror (/opt/tf-plugins or ROLEC_TF_PLUGIN_DIR)",
    )


@pytest.fixture(scope="session")
def terraform_ready():
    """terraform and its provider mirror as `rolec build --terraform-validate` finds them, or a skip (a failure in CI)."""
    try:
        find_terraform()
        find_plugin_mirror()
    except TerraformUnavailable as exc:
        emulator.require(False, str(exc))
