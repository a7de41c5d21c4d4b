"""compiler/build/cache.py: the fingerprint covers every module that runs while a spec is compiled and
validated (a change there invalidates the cache), and not the commands, audit or the IAM evaluator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rolec.build import cache as cache_module

from tests.conftest import ROOT, SPECS

@pytest.fixture
def package(tmp_path):
    copy = tmp_path / "rolec"
    shutil.copytree(cache_module.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def fingerprint_after(package, relative: str) -> str:
    before = cache_module.compiler_fingerprint.__wrapped__(package)
    changed = package / relative
    changed.write_text(changed.read_text() + "\n# changed\n")
    after = cache_module.compiler_fingerprint.__wrapped__(package)
    changed.write_text(changed.read_text().removesuffix("\n# changed\n"))
    assert cache_module.compiler_fingerprint.__wrapped__(package) == before
    return "changed" if after != before else "same"


@pytest.mark.parametrize("relative", [
    "__init__.py",  # the version
    "lower.py", "spec/v1.py", "targets/cloudformation.py", "targets/record.py", "passes/pack.py",
    "validate/cfnlintrc.yaml", "build/pipeline.py", "taskdefs/link.py", "features/secrets.py",
])
def test_a_change_to_a_module_that_shapes_outputs_changes_the_fingerprint(package, relative):
    assert fingerprint_after(package, relative) == "changed"


@pytest.mark.parametrize("relative", [
    "cli.py", "commands/diff.py", "audit/report.py", "iam/evaluate.py", "roles/documents.py", "build/writer.py",
    "build/index.py",
])
def test_a_change_to_a_module_that_never_runs_in_a_compile_leaves_the_fingerprint(package, relative):
    assert fingerprint_after(package, relative) == "same"


PROBE = """
import json, sys
from pathlib import Path
from rolec.build.cache import BuildCache
from rolec.build.pipeline import build
specs = [Path(p) for p in sys.argv[2:]]
build(specs, Path(sys.argv[1]) / "out", cache=BuildCache(Path(sys.argv[1]) / "cache"))
print(json.dumps(sorted(m.__file__ for name, m in sys.modules.items() if name.split(".")[0] == "rolec")))
"""


def test_compiling_and_validating_imports_only_fingerprinted_modules(tmp_path):
    """Every spec of specs/ (StackSets, existing roles, every feature) and a linked task definition, compiled and linted: each
    rolec module that ran is one the fingerprint covers, so NOT_SHAPING leaves out nothing that shapes an entry."""
    (tmp_path / "linked").mkdir()
    (tmp_path / "td.json").write_text(json.dumps({"family": "app", "containerDefinitions": [
        {"name": "c", "image": "nginx", "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "c"}}}]}))
    (tmp_path / "linked" / "app.yaml").write_text(
        "version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/app]\ntask_definitions:\n  - path: ../td.json\n")
    specs = sorted(SPECS.glob("*.yaml")) + [tmp_path / "linked" / "app.yaml"]
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), *map(str, specs)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    package = cache_module.PACKAGE
    ran = {Path(f).resolve().relative_to(package).as_posix() for f in json.loads(result.stdout)}
    assert {"lower.py", "targets/cloudformation.py", "taskdefs/link.py"} <= ran
    assert ran - set(cache_module.shaping_files()) == set()
