"""The pre-commit hooks for real: `pre-commit try-repo` installs rolec from this repository
into its own environment and runs `rolec-validate` and `rolec-check` in a throwaway git repo."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SPECS
from tests.support.emulator import require

pytestmark = pytest.mark.integration

GIT_ENV = {"GIT_AUTHOR_NAME": "rolec", "GIT_AUTHOR_EMAIL": "dev@rolec.invalid",
           "GIT_COMMITTER_NAME": "rolec", "GIT_COMMITTER_EMAIL": "dev@rolec.invalid"}


def test_hooks_pass_on_a_built_repo_and_catch_a_stale_out(tmp_path):
    """Two runs, because try-repo installs a fresh hook environment each time (about a minute).
    That `rolec validate` names a bad spec is tested without pre-commit in test_commands.py."""
    require(importlib.util.find_spec("pre_commit") is not None and shutil.which("git") is not None,
            "the pre-commit package (pip install -e '.[test]') and git")
    repo = tmp_path / "infra"
    (repo / "specs").mkdir(parents=True)
    shutil.copy(SPECS / "web-frontend.yaml", repo / "specs")
    env = {**os.environ, **GIT_ENV,
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           # The hook environment gets the versions rolec is tested with, so out/ is byte-identical.
           "PIP_CONSTRAINT": str(ROOT / "constraints.txt")}

    def sh(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)

    def hooks() -> subprocess.CompletedProcess:
        return sh(sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files", "--color", "never")

    assert sh("git", "init", "-q").returncode == 0
    assert sh(sys.executable, "-m", "rolec", "-q", "build").returncode == 0
    sh("git", "add", "-A")

    ok = hooks()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "rolec check (out/ matches specs/)" in ok.stdout and "rolec validate (specs are valid)" in ok.stdout

    spec = repo / "specs" / "web-frontend.yaml"
    spec.write_text(spec.read_text().replace("log_groups: [/ecs/web-frontend]", "log_groups: [/ecs/web]"))
    sh("git", "add", "-A")
    stale = hooks()
    assert stale.returncode == 1
    assert "out/cloudformation/web-frontend.yaml: stale" in stale.stdout
    assert re.search(r"rolec validate \(specs are valid\)\.+Passed", stale.stdout)

