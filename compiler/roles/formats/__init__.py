"""Role-source formats, one module each, found by walking this package.

Each module defines `NAME`, `DESCRIPTION`, `SUFFIXES` (file endings it reads), `claims(data) -> bool`
(for a parsed JSON file: is it this format's shape?) or `None` for non-JSON formats, and
`read(source, bindings) -> list[SourceRole]`, where `source` is a `jsonlines.JsonFile` for JSON formats and
the file's path and text for the others.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def catalog() -> list[ModuleType]:
    """Every format module, in name order (the order JSON shapes are tried in)."""
    return [importlib.import_module(f"{__name__}.{info.name}") for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
