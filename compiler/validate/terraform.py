"""Validate generated Terraform modules with the real `terraform validate`, offline.

Provider start-up costs seconds, so all modules are validated at once through one
root module that calls each of them, after a single `terraform init` that takes the
AWS provider from a local plugin mirror (no network).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import EnvironmentFailure

MIRROR_ENV = "ROLEC_TF_PLUGIN_DIR"
MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
PROVIDER_GLOB = "registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*"


class TerraformUnavailable(EnvironmentFailure):
    """terraform, or the AWS provider in a local mirror, cannot be found."""


@dataclass(frozen=True)
class TerraformFinding:
    module: str
    line: int
    col: int
    severity: str
    message: str


def find_terraform() -> str:
    binary = shutil.which("terraform")
    if not binary:
        raise TerraformUnavailable("terraform is not on PATH; install it or build without --terraform-validate")
    return binary


def find_plugin_mirror() -> Path:
    """The folder holding `registry.terraform.io/hashicorp/aws/...` ($ROLEC_TF_PLUGIN_DIR first)."""
    configured = os.environ.get(MIRROR_ENV)
    candidates = [configured] if configured else list(MIRROR_CANDIDATES)
    for candidate in candidates:
        folder = Path(candidate).expanduser()
        if any(folder.glob(PROVIDER_GLOB)):
            return folder
    where = f"${MIRROR_ENV}={configured}" if configured else ", ".join(MIRROR_CANDIDATES)
    raise TerraformUnavailable(
        f"no hashicorp/aws provider found in a local plugin mirror ({where}); "
        f"set {MIRROR_ENV} to the folder that contains registry.terraform.io/"
    )


def terraform_env(workdir: Path) -> dict[str, str]:
    """An environment in which terraform never reaches for the network."""
    config = workdir / "terraform.rc"
    config.write_text('disable_checkpoint = true\n')
    return {
        **os.environ,
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_INPUT": "0",
    }


def module_label(role_id: str) -> str:
    """A Terraform identifier for a role id (identifiers cannot start with a digit)."""
    return role_id if re.match(r"[a-z]", role_id) else f"role_{role_id}"


def validate_modules(modules: dict[str, str]) -> list[TerraformFinding]:
    """`terraform validate` every module (role id -> main.tf.json text) in one root module."""
    binary = find_terraform()
    mirror = find_plugin_mirror()
    with tempfile.TemporaryDirectory(prefix="rolec-tf-") as folder:
        root = Path(folder)
        calls = {}
        for role_id, text in sorted(modules.items()):
            (root / "modules" / role_id).mkdir(parents=True)
            (root / "modules" / role_id / "main.tf.json").write_text(text)
            calls[module_label(role_id)] = {"source": f"./modules/{role_id}"}
        (root / "main.tf.json").write_text(json.dumps({"module": calls}, indent=2))
        env = terraform_env(root)
        init = subprocess.run(
            [binary, "init", "-backend=false", f"-plugin-dir={mirror}", "-input=false", "-no-color"],
            cwd=root, env=env, capture_output=True, text=True,
        )
        if init.returncode != 0:
            return [TerraformFinding("", 1, 1, "error", f"terraform init failed: {init.stderr.strip() or init.stdout.strip()}")]
        result = subprocess.run([binary, "validate", "-json", "-no-color"], cwd=root, env=env, capture_output=True, text=True)
        try:
            report = json.loads(result.stdout)
        except ValueError:
            return [TerraformFinding("", 1, 1, "error", f"terraform validate failed: {result.stderr.strip()}")]
    return [_finding(d) for d in report.get("diagnostics", [])]


def _finding(diagnostic: dict) -> TerraformFinding:
    where = diagnostic.get("range") or {}
    filename = where.get("filename", "")
    match = re.match(r"modules/([^/]+)/", filename)
    start = where.get("start") or {}
    message = diagnostic.get("summary", "")
    if diagnostic.get("detail"):
        message = f"{message}: {diagnostic['detail']}"
    return TerraformFinding(match.group(1) if match else "", start.get("line", 1), start.get("column", 1),
                            diagnostic.get("severity", "error"), message)
