"""A role's id is its spec's file name. Kept apart from the model so that a build whose specs are
all cached can check ids without importing the YAML loader and the schema."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Diagnostic, SpecError

ROLE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def role_id(path: Path, display: str) -> str:
    stem = path.name.removesuffix(".yaml")
    if not ROLE_ID_RE.fullmatch(stem):
        raise SpecError([Diagnostic(display, 1, 1,
                                    f"the file name gives the role id {stem!r}; expected lowercase letters, digits and - "
                                    "(starting with a letter or digit, at most 64 characters) followed by .yaml")])
    return stem
