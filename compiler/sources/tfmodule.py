"""Which files make a Terraform module: every `*.tf` and `*.tf.json` file of one folder, as Terraform loads them.

Kept apart from the reader (`terraform.py`, which imports python-hcl2 and Lark) because the build's cache key
lists a linked module's files on every build, and must not pay for the parser to do it.
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = (".tf.json", ".tf")


def is_configuration(name: str) -> bool:
    """A file Terraform loads: ends in `.tf` or `.tf.json`, and is no editor or hidden file (Terraform's
    IsIgnoredFile: a name starting with `.`, ending in `~`, or `#...#`)."""
    ignored = name.startswith(".") or name.endswith("~") or name.startswith("#") and name.endswith("#")
    return name.endswith(SUFFIXES) and not ignored


def is_override(name: str) -> bool:
    """`override.tf`, `NAME_override.tf` (and the `.tf.json` forms): merged into the other files' blocks, last."""
    base = name.removesuffix(".json").removesuffix(".tf")
    return base == "override" or base.endswith("_override")


def folder_of(path: Path) -> Path:
    """The module a path belongs to: a folder is the module; a file belongs to its folder's."""
    return path if path.is_dir() else path.parent


def module_files(path: Path) -> list[Path]:
    """The module's files in Terraform's order: the primary files by name, then the override files by name."""
    folder = folder_of(path)
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if is_configuration(entry.name) and entry.is_file())
    except OSError:
        return [path] if path.is_file() else []
    return [folder / name for name in names if not is_override(name)] + [folder / name for name in names if is_override(name)]
