"""Files on disk in tests: a folder's snapshot, and expected-output files with one switch to rewrite them."""

from __future__ import annotations

import os
from pathlib import Path

from .paths import ROOT

UPDATE = os.environ.get("ROLEC_UPDATE_GOLDEN") == "1"
"""ROLEC_UPDATE_GOLDEN=1 rewrites every expected-output file a test compares with (golden/, bad/*.err, ...)."""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative POSIX path, with its bytes: equal snapshots mean nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def matches_file(path: Path, actual: str) -> None:
    """Assert `actual` is the text of `path`; under ROLEC_UPDATE_GOLDEN=1 write it first (then review the diff)."""
    if UPDATE:
        path.write_text(actual)
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing; rerun with ROLEC_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(), f"{path.relative_to(ROOT)} differs; rerun with ROLEC_UPDATE_GOLDEN=1 and review the diff"
