"""Which spec files a build reads, and how diagnostics name files."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostic, SpecError


def display(path: Path) -> str:
    """How diagnostics name a file: relative to the working directory unless it lies outside it.

    Without `..` in the path that is a matter of string prefixes (os.path.relpath, which gives the same,
    costs 60 ms for 1000 specs)."""
    if ".." not in path.parts:
        text = path.as_posix()
        if not path.is_absolute():
            return text
        cwd = os.getcwd()
        if cwd != "/" and text != cwd:
            return text[len(cwd) + 1:] if text.startswith(cwd + "/") else text
    relative = os.path.relpath(path)
    return Path(relative if not relative.startswith("..") else path).as_posix()


def discover(inputs: list[Path]) -> list[Path]:
    """Spec files named by `inputs`: files as given, folders by their `*.yaml` files (not recursive)."""
    found: list[Path] = []
    problems = []
    for item in inputs:
        if item.is_dir():
            with os.scandir(item) as entries:
                found.extend(sorted(item / e.name for e in entries  # as glob("*.yaml"): no hidden files
                                    if e.name.endswith(".yaml") and not e.name.startswith(".") and e.is_file()))
        elif item.is_file() and item.suffix == ".yaml":
            found.append(item)
        else:
            problems.append(Diagnostic(display(item), 1, 1, "not a .yaml spec file or a folder of them"))
    if problems:
        raise SpecError(problems)
    return list(dict.fromkeys(found))
