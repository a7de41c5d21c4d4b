"""The task-definition format catalog (compiler/taskdefs/formats/): every format has good fixtures (good/, each with
the spec `rolec infer` must write, good/NAME.spec.yaml) and bad ones (bad/, each with its exact diagnostics,
bad/NAME.err). Regenerate the expected files with ROLEC_REGENERATE=1 and read the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolec.cli import main
from rolec.taskdefs.formats import catalog

HERE = Path(__file__).parent
GOOD = sorted(p.name for p in (HERE / "good").iterdir() if not p.name.endswith(".spec.yaml"))
"""Files, and folders: a folder is a Terraform module (every .tf and .tf.json file in it), read as a whole."""
BAD = sorted(p.name for p in (HERE / "bad").iterdir() if not p.name.endswith(".err"))
BINDINGS = {"container-list.json": ["repository_url=111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders",
                                    "log_group=/ecs/orders"]}
"""The deploy-time values a good fixture leaves open (a tag needs none)."""
FORMAT_OF = {
    "register.json": "register", "describe-wrapped.json": "describe", "describe-bare.json": "describe",
    "container-list.json": "container-list", "container.json": "container", "cloudformation.yaml": "cloudformation",
    "cloudformation.json": "cloudformation", "terraform-jsonencode": "terraform", "terraform-heredoc": "terraform",
    "terraform-file": "terraform", "terraform-json": "terraform", "terraform-module": "terraform",
}


def _infer(folder: Path, name: str, monkeypatch, *extra: str):
    monkeypatch.chdir(folder)
    args = ["infer", name, *(a for b in BINDINGS.get(name, []) for a in ("--set", b)), *extra]
    return CliRunner().invoke(main, args)


def _expect(path: Path, text: str) -> None:
    if os.environ.get("ROLEC_REGENERATE"):
        path.write_text(text)
    assert text == path.read_text()


def test_every_format_has_good_and_bad_fixtures():
    readable = {f.name for f in catalog()} - {"jsonnet"}
    assert set(FORMAT_OF.values()) == readable
    assert set(FORMAT_OF) == set(GOOD)
    assert "template.jsonnet" in BAD


@pytest.mark.parametrize("name", GOOD)
def test_good_fixture_infers_its_spec(name, monkeypatch):
    result = _infer(HERE / "good", name, monkeypatch)
    assert result.exit_code == 0, result.output
    _expect(HERE / "good" / f"{name}.spec.yaml", result.stdout)


@pytest.mark.parametrize("name", GOOD)
def test_good_fixture_spec_is_valid(name, tmp_path):
    spec = HERE / "good" / f"{name}.spec.yaml"
    target = tmp_path / "specs" / "orders.yaml"
    target.parent.mkdir()
    target.write_text(spec.read_text())
    result = CliRunner().invoke(main, ["validate", str(target)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", BAD)
def test_bad_fixture_is_refused_with_its_location(name, monkeypatch):
    result = _infer(HERE / "bad", name, monkeypatch)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    _expect(HERE / "bad" / f"{name}.err", result.stderr)


def test_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    huge = tmp_path / "huge.json"
    huge.write_text('{"family": "x", "containerDefinitions": [' + " " * (1024 * 1024) + "]}")
    result = _infer(tmp_path, "huge.json", monkeypatch)
    assert result.exit_code == 2
    size = huge.stat().st_size
    assert result.stderr.startswith(f"huge.json:1:1: error: the task definition is {size} bytes; at most 1048576 are accepted")
