"""Role-source formats, one module each, found by walking this package.

Each module defines `NAME`, `DESCRIPTION`, `SUFFIXES` (file endings it reads) and either
`claims(root) -> bool` + `read(root, bindings)` (a JSON file, given as its located tree, `sources.Node`:
the first module in name order that claims it reads it) or `read_file(path, bindings)` (other files,
by ending), or both; each returns `list[SourceRole]`. A module with `READS_FOLDERS = True` also reads a folder given
as a role source (Terraform: the folder is the module).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def catalog() -> list[ModuleType]:
    """Every format module, in name order (the order JSON shapes are tried in)."""
    return [importlib.import_module(f"{__name__}.{info.name}") for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
