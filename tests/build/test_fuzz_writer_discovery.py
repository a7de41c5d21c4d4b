"""A fuzz target over spec discovery and the writer: random spec folders (near-miss names, subfolders,
links that dangle, loop or lead to folders and devices, bad specs) and random out folders (earlier builds,
foreign files, symlinks and files where folders go, damaged manifests), optionally with one failing os
call in the writer. Whatever happens: never an internal error or a traceback; a failed build leaves out/
exactly as it was; a successful one leaves a manifest that lists every generated file, and no leftovers.

Permissions (an unreadable spec, a read-only output folder) only bite when the tests do not run as root.
Examples: a few by default (seconds), 300 under HYPOTHESIS_PROFILE=thorough."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolec.cli import main
from tests.support.examples import count
from tests.support.faults import OPERATIONS, Faults

EXAMPLES = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 12
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TEXTS = {
    "managed": "version: 1\nmanaged_policy: true\n",
    "logs": "version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/app]\n",
    "bad": "version: 1\nnope: true\n",
}
SPEC_NAMES = ["a.yaml", "b.yaml", "c.yml", "D.YAML", "e.yaml.bak", "sub", "README.md", ".hidden.yaml", "f-1.yaml"]
ENTRY_KINDS = ["managed", "logs", "bad", "folder", "link-to-spec", "dangling", "loop", "link-to-folder", "link-to-device",
               "unreadable"]
OUT_DAMAGE = ["none", "foreign-file", "file-for-folder", "symlinked-folder", "symlink-at-output", "garbage-manifest",
              "manifest-escapes", "stray-temporary", "read-only-folder"]
LEFTOVER = re.compile(r"\..+\.\d+\.(?:tmp|old)$")

entries = st.dictionaries(st.sampled_from(SPEC_NAMES), st.sampled_from(ENTRY_KINDS), min_size=1, max_size=5)
faults = st.one_of(st.none(), st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 6)))


def make_specs(folder: Path, chosen: dict[str, str]) -> None:
    folder.mkdir()
    for name, kind in chosen.items():
        path = folder / name
        if kind in TEXTS:
            path.write_text(TEXTS[kind])
        elif kind == "folder":
            path.mkdir()
            (path / "x.yaml").write_text(TEXTS["managed"])
        elif kind == "link-to-spec":
            (folder / "target-spec").write_text(TEXTS["logs"])
            path.symlink_to("target-spec")
        elif kind == "dangling":
            path.symlink_to("nowhere")
        elif kind == "loop":
            path.symlink_to(name)
        elif kind == "link-to-folder":
            path.symlink_to(folder.parent)
        elif kind == "unreadable":  # (root reads it all the same)
            path.write_text(TEXTS["managed"])
            path.chmod(0)
        else:
            path.symlink_to("/dev/null")


def damage(out: Path, how: str) -> None:
    if how == "none" or not out.is_dir():
        return
    if how == "foreign-file":
        (out / "terraform" / "ghost").mkdir(parents=True, exist_ok=True)
        (out / "terraform" / "ghost" / "main.tf.json").write_text("{}")
    elif how == "file-for-folder":
        shutil.rmtree(out / "terraform", ignore_errors=True)
        (out / "terraform").write_text("a file where a folder goes\n")
    elif how == "symlinked-folder":
        shutil.rmtree(out / "cloudformation", ignore_errors=True)
        (out / "cloudformation").symlink_to(out.parent)
    elif how == "symlink-at-output":
        for path in (out / "cloudformation").glob("*.yaml"):
            path.unlink()
            path.symlink_to(out.parent / "victim")
    elif how == "garbage-manifest":
        (out / ".rolec-manifest.json").write_text("{not json")
    elif how == "manifest-escapes":
        (out / ".rolec-manifest.json").write_text(json.dumps(
            {"roles": {"gone": {"spec": "nowhere.yaml", "files": ["../victim", "/etc/hostname"]}}}))
    elif how == "read-only-folder":  # (root writes into it all the same)
        (out / "cloudformation").mkdir(exist_ok=True)
        (out / "cloudformation").chmod(0o555)
    elif how == "stray-temporary":
        (out / "cloudformation").mkdir(exist_ok=True)
        (out / "cloudformation" / ".a.yaml.1.tmp").write_text("half")


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under `folder` without following links: file bytes, link targets, folders."""
    if not os.path.lexists(folder):
        return {}
    found: dict[str, object] = {".": "folder" if folder.is_dir() else "other"}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root, name)
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


def assert_consistent(out: Path, specs: Path, before: dict[str, object]) -> None:
    """The roles of this build have every listed file in place (roles of other folders keep their entries as they were)."""
    manifest = json.loads((out / ".rolec-manifest.json").read_text())
    listed = {path for entry in manifest["roles"].values() for path in entry["files"]}
    for entry in manifest["roles"].values():
        if (out / entry["spec"]).resolve().parent == specs.resolve():
            for path in entry["files"]:
                assert (out / path).is_file() and not (out / path).is_symlink(), path
    for root, _, files in os.walk(out):
        for name in files:
            key = Path(root, name).relative_to(out).as_posix()
            assert not LEFTOVER.search(name) or key in before, f"left over: {key}"
            if key.split("/")[0] in ("cloudformation", "terraform", "stacksets") and not name.startswith("."):
                assert key in listed or key in before, f"{key} is neither listed nor the user's"


@FUZZ
@given(chosen=entries, previous=st.sampled_from([None, *TEXTS]), hurt=st.sampled_from(OUT_DAMAGE), fault=faults)
def test_discovery_and_the_writer_never_crash_and_never_half_write(chosen, previous, hurt, fault, monkeypatch):
    count("discovery and writer fuzz")
    with tempfile.TemporaryDirectory(prefix="rolec-fuzz-") as scratch:
        root = Path(scratch)
        (root / "victim").write_text("precious\n")
        out = root / "out"
        if previous:
            (root / "previous").mkdir()
            (root / "previous" / "a.yaml").write_text(TEXTS[previous])
            assert CliRunner().invoke(main, ["build", str(root / "previous"), "--out", str(out)]).exit_code in (0, 2)
        damage(out, hurt)
        make_specs(root / "specs", chosen)
        before = snapshot(out)
        with monkeypatch.context() as patch:
            if fault:
                Faults(patch, out, *fault)
            result = CliRunner().invoke(main, ["build", str(root / "specs"), "--out", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)  # a bug: exit 70
        assert result.exit_code in (0, 1, 2, 3), (result.exit_code, result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert (root / "victim").read_text() == "precious\n"
        if result.exit_code == 0:
            assert_consistent(out, root / "specs", before)
        else:
            assert snapshot(out) == before, result.output
