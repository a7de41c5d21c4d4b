"""Which spec files a build reads, and how diagnostics name files."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from ..errors import Diagnostic, SpecError
from .layout import MANIFEST, OUTPUT_FOLDERS


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


NEAR_MISS = re.compile(r"\.ya?ml", re.IGNORECASE)
"""A name that looks like a spec's (`a.yml`, `A.YAML`, `a.yaml.bak`) but is not `NAME.yaml`."""


def discover(inputs: list[Path]) -> list[Path]:
    """Spec files named by `inputs`: files as given, folders by their `*.yaml` files (not recursive).

    Everything else in a spec folder that could be meant as a spec is an error naming it (nothing is
    silently skipped): `.yml` and other near-miss names, subfolders, symbolic links that dangle, loop or
    lead to something other than a file. Hidden entries (`.name`), files with other extensions
    (README.md) and out folders (they hold a rolec manifest) are not read. docs/spec-files.md says the same."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for item in inputs:
        if item.is_dir():
            found.extend(_folder(item, problems))
        elif item.name.endswith(".yaml") and _kind(item) == "file":
            found.append(item)
        elif not os.path.lexists(item):
            problems.append(Diagnostic(display(item), 0, 0, "no such file or folder, so not a .yaml spec file or a folder of them"))
        else:
            kind = _kind(item)
            why = "spec files are named NAME.yaml" if kind == "file" else kind
            problems.append(Diagnostic(display(item), 0, 0, f"not a .yaml spec file or a folder of them ({why})"))
    if problems:
        raise SpecError(problems)
    return list(dict.fromkeys(found))


def _folder(folder: Path, problems: list[Diagnostic]) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            regular = {entry.name: entry.is_file(follow_symlinks=False) for entry in entries}
    except OSError as exc:
        problems.append(Diagnostic(display(folder), 0, 0, f"cannot read the spec folder: {exc.strerror}"))
        return []
    generated = MANIFEST in regular
    specs = []
    for name in sorted(regular):
        if name.startswith("."):
            continue
        path = folder / name
        kind = "file" if regular[name] else _kind(path)  # the folder listing knows a regular file: no stat
        if name.endswith(".yaml") and kind == "file":
            specs.append(path)
        elif kind == "folder":
            if not (generated and name in OUTPUT_FOLDERS) and not (path / MANIFEST).is_file():
                problems.append(Diagnostic(display(path), 0, 0, (
                    "a folder inside a spec folder; rolec reads only the .yaml files directly in it: move the specs up, "
                    "name the folder on the command line, or keep non-spec files outside the spec folder "
                    "(e.g. examples/ beside specs/)")))
        elif kind != "file":
            problems.append(Diagnostic(display(path), 0, 0, (
                f"{kind} in a spec folder; a spec folder holds spec files: fix the link or remove it")))
        elif NEAR_MISS.search(name):
            problems.append(Diagnostic(display(path), 0, 0, (
                "named like a spec, but specs are named NAME.yaml (lower-case .yaml): rename it, or keep "
                "non-spec YAML outside the spec folder (e.g. examples/ beside specs/)")))
    return specs


def _kind(path: Path) -> str:
    """What a folder entry is, following symbolic links: "file", "folder", or what is wrong with it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if os.path.islink(path):
            return f"a dangling symbolic link (to {os.readlink(path)})"
        return f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return "a symbolic link to a device, pipe or socket" if os.path.islink(path) else "a device, pipe or socket"
