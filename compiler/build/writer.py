"""Write outputs under the out directory: all or nothing, atomically, and only files rolec generated.

A manifest (`.rolec-manifest.json`) records which files each role produced and
from which spec, so files of a spec that is gone can be removed while files
rolec did not generate are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import posixpath
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..errors import EnvironmentFailure
from .layout import GENERATED_FOLDERS, MANIFEST, OUTPUT_FOLDERS
from .pipeline import Built

if TYPE_CHECKING:
    from .index import Index



class UnsafeOutput(EnvironmentFailure):
    """An output path that must not be written (a symlink, or a folder where a file goes)."""


@dataclass
class Plan:
    write: dict[str, bytes] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    """Files in the generated folders that no manifest entry lists: rolec did not write them (`check` fails on them)."""
    changed_roles: list[str] = field(default_factory=list)
    """Roles built now whose files are written or removed."""
    removed_roles: list[str] = field(default_factory=list)
    """Roles whose spec is gone: all their files are removed."""

    @property
    def changed(self) -> list[str]:
        return sorted([*self.write, *self.remove])


def read_manifest(out_dir: Path) -> dict:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"roles": {}}
    return manifest if isinstance(manifest.get("roles"), dict) else {"roles": {}}


class SpecEntries:
    """How the manifest names a spec: its symlink-resolved path relative to the out folder. Each spec
    folder is resolved once per build (resolving every spec costs 0.1 s for 1000 specs)."""

    def __init__(self, out_dir: Path):
        self.root = out_dir.resolve()
        self.folders: dict[str, str] = {}

    def __call__(self, spec_file: Path) -> str:
        if spec_file.is_symlink():
            return os.path.relpath(spec_file.resolve(), self.root)
        return self.unresolved(spec_file)

    def unresolved(self, spec_file: Path) -> str:
        """The entry of the spec at this path if it is no symlink (equal to a manifest entry: the same spec)."""
        folder, name = os.path.split(os.fspath(spec_file))  # strings: a Path per spec costs more than the rest
        if folder not in self.folders:
            self.folders[folder] = os.path.relpath(os.path.realpath(folder or "."), self.root)
        return posixpath.normpath(posixpath.join(self.folders[folder], name))


def _manifest(out_dir: Path, old: dict, compiled: list[Built], gone: set[str]) -> dict:
    roles = {k: v for k, v in old["roles"].items() if k not in gone}
    entry = SpecEntries(out_dir)
    for item in compiled:
        roles[item.role_id] = {"spec": entry(item.spec_file), "files": sorted(item.files)}
    return {"generator": "rolec", "roles": dict(sorted(roles.items()))}


def plan(out_dir: Path, compiled: list[Built], *, find_unlisted: bool = True, index: Index | None = None) -> Plan:
    """Compare what the specs produce with what is on disk; with `find_unlisted`, also list the files in the
    generated folders that no manifest entry names (`check` fails on them; a build leaves them alone).
    With an `index`, an output it vouches for is unchanged when its status is, without reading it; every
    output found unchanged is told to the index."""
    try:
        return _plan(out_dir, compiled, find_unlisted, index)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot read {exc.filename or out_dir}: {exc.strerror or exc}") from None


def _plan(out_dir: Path, compiled: list[Built], find_unlisted: bool, index: Index | None) -> Plan:
    old = read_manifest(out_dir)
    built = {item.role_id for item in compiled}
    gone = {
        role_id for role_id, entry in old["roles"].items()
        if role_id not in built and not (out_dir / str(entry.get("spec", ""))).is_file()
    }
    inside = Inside(out_dir)
    result = Plan()
    root = str(out_dir)
    wanted = [(path, item) for item in compiled for path in item.files]
    wanted.append((MANIFEST, None))
    manifest = _manifest(out_dir, old, compiled, gone)
    for path, item in sorted(wanted, key=lambda pair: pair[0]):
        target = f"{root}/{path}"  # joined as a string: os.path.join costs 10 ms per 1000 outputs (`inside` checks the path)
        try:
            status = os.lstat(target)
        except (FileNotFoundError, NotADirectoryError):
            status = None
        if not inside(path) or (status is not None and not stat.S_ISREG(status.st_mode)):
            raise UnsafeOutput(f"{target}: refusing to write through a symlink or over a folder")
        spec_file = item.spec_file if item is not None else None  # None: the manifest
        if index is not None and status is not None and (item is not None or old == manifest) \
                and index.clean(spec_file, path, status):
            result.unchanged.append(path)  # as an earlier build verified it: not read
            continue
        data = item.files[path].encode() if item is not None else (json.dumps(manifest, indent=2) + "\n").encode()
        if status is not None and status.st_size == len(data) and _read(target) == data:
            result.unchanged.append(path)
            if index is not None:
                index.verified(path, status)
        else:
            result.write[path] = data
    paths = {path for path, _ in wanted}
    # Files of specs that are gone, and files a spec no longer produces (e.g. its stackset section was removed).
    for role_id in sorted(gone | (built & set(old["roles"]))):
        for path in old["roles"][role_id].get("files", []):
            if path not in paths and inside(path) and (out_dir / path).is_file():
                result.remove.append(path)
    if find_unlisted:
        listed = paths | {path for entry in old["roles"].values() for path in entry.get("files", [])}
        result.unlisted = [path for path in _generated_files(out_dir) if path not in listed]
    removed = set(result.remove)
    result.changed_roles = [item.role_id for item in compiled
                            if any(path in result.write for path in item.files)
                            or removed & set(old["roles"].get(item.role_id, {}).get("files", []))]
    result.removed_roles = sorted(gone)
    return result


def _generated_files(out_dir: Path) -> list[str]:
    """Files in the generated folders: anything rolec did not write there is deployed by whoever includes the
    folder, so `check` names it. Hidden files (`.terraform/`, lock files) are not counted: Terraform does not
    load them and no template is read from them. A symbolic link is named, never followed; paths are built
    as strings (Path objects for 1000 role folders cost `check` 40 ms)."""
    found: list[str] = []

    def walk(relative: str) -> None:
        try:
            with os.scandir(os.path.join(out_dir, relative)) as entries:
                listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        except OSError:
            return
        for name, folder in listed:
            if name.startswith("."):
                continue
            if folder:
                walk(f"{relative}/{name}")
            else:
                found.append(f"{relative}/{name}")

    for folder in GENERATED_FOLDERS:
        walk(folder)
    return sorted(found)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class Inside:
    """Whether a relative output path stays inside the out directory: not absolute, no `..`, and no
    symlink in any folder between the out directory and the file. Each folder is looked at once
    (one lstat), which for 1000 roles is 0.3 s faster than resolving every path."""

    def __init__(self, out_dir: Path):
        self._out_dir = out_dir
        self._folders: dict[tuple[str, ...], bool] = {(): True}
        self._named: dict[str, bool] = {}
        """The same answers by the folder's path as written: one look-up per output."""

    def __call__(self, path: str) -> bool:
        parts = path.split("/")
        if "" in parts or "." in parts or ".." in parts:  # also an absolute path: its first part is ""
            return False
        folder = path[:-len(parts[-1])]
        if folder not in self._named:
            self._named[folder] = self._folder(tuple(parts[:-1]))
        return self._named[folder]

    def _folder(self, parts: tuple[str, ...]) -> bool:
        if parts not in self._folders:
            safe = self._folder(parts[:-1])
            if safe:
                try:
                    safe = not stat.S_ISLNK(os.lstat(os.path.join(self._out_dir, "/".join(parts))).st_mode)
                except (FileNotFoundError, NotADirectoryError):
                    pass  # created by the writer, as a real folder
            self._folders[parts] = safe
        return self._folders[parts]


@contextlib.contextmanager
def locked(out_dir: Path, *, exclusive: bool = True) -> Iterator[None]:
    """Hold a lock on the out directory itself (flock on its descriptor: no lock file to leave behind),
    so that two builds, or a build and a check, never interleave. A build creates the directory (and
    removes it again if the build fails before writing into it); a check of a directory that does not
    exist has nothing to lock. Waiting is announced on stderr."""
    if not exclusive and not out_dir.is_dir():
        yield
        return
    first_made = next((folder for folder in reversed([out_dir, *out_dir.parents]) if not os.path.lexists(folder)), None)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        _remove_empty(out_dir, first_made)
        raise EnvironmentFailure(f"cannot use {out_dir} as the out folder: {exc.strerror or exc}") from None
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"rolec: waiting for another rolec process using {out_dir}", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, mode)
        yield
    except BaseException:
        _remove_empty(out_dir, first_made)
        raise
    finally:
        os.close(descriptor)


def _remove_empty(folder: Path, last: Path | None) -> None:
    """Remove `folder` and its parents up to `last` (the first one this build created) while they are empty."""
    if last is None:
        return
    while True:
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == last:
            return
        folder = folder.parent


def apply(out_dir: Path, changes: Plan) -> None:
    """Write the changes all or nothing: out/ ends up either fully updated or as it was.

    First every new file is written to a temporary file beside its target (created exclusively,
    never through a symlink; running out of space fails here, before anything is replaced).
    Then only renames: each old file is renamed aside, the new one into place, the manifest last;
    files to remove are renamed aside too. Any failure undoes what was done, in reverse order, and
    raises EnvironmentFailure (UnsafeOutput for a symlink that appeared meanwhile); the files renamed
    aside are deleted only once everything succeeded.
    """
    if not changes.changed:
        return  # a no-op build touches nothing (leftovers of a killed build go with the next real change)
    undo: list[tuple[str, Path, Path | None]] = []
    inside = Inside(out_dir)
    suffix = f".{os.getpid()}"
    current = out_dir
    try:
        staged = []
        for path in sorted(changes.write, key=lambda p: p == MANIFEST):
            current = target = out_dir / path
            _make_folders(out_dir, target.parent, undo)
            if not inside(path) or target.is_symlink():
                raise UnsafeOutput(f"{target}: refusing to write through a symlink or outside {out_dir}")
            temporary = target.with_name(f".{target.name}{suffix}.tmp")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            undo.append(("unlink", temporary, None))
            try:
                _write_all(descriptor, changes.write[path])
            finally:
                os.close(descriptor)
            staged.append((target, temporary))
        for target, temporary in staged:
            current = target
            if os.path.lexists(target):
                aside = target.with_name(f".{target.name}{suffix}.old")
                os.replace(target, aside)
                undo.append(("restore", target, aside))
            else:
                undo.append(("unlink", target, None))
            os.replace(temporary, target)
        for path in changes.remove:
            current = target = out_dir / path
            aside = target.with_name(f".{target.name}{suffix}.old")
            os.replace(target, aside)
            undo.append(("restore", target, aside))
    except BaseException as exc:
        left = _roll_back(undo)
        if isinstance(exc, OSError):
            state = f"{out_dir} is as it was before the build" if not left else (
                f"could not restore {', '.join(map(str, left))}; rebuild once the cause is fixed")
            raise EnvironmentFailure(f"cannot write {current}: {exc.strerror or exc}; {state}") from None
        raise
    # Done: drop what was renamed aside (and what an interrupted build left), then folders left empty.
    for leftover in [aside for kind, _, aside in undo if kind == "restore"] + _leftovers(out_dir):
        with contextlib.suppress(OSError):
            os.unlink(leftover)
    for path in changes.remove:
        parent = (out_dir / path).parent
        while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
            with contextlib.suppress(OSError):
                parent.rmdir()
            parent = parent.parent


_LEFTOVER = re.compile(r"\..+\.\d+\.(?:tmp|old)")
"""The writer's own temporary and renamed-aside files (`.NAME.PID.tmp`, `.NAME.PID.old`)."""


def _leftovers(out_dir: Path) -> list[Path]:
    """The writer's files that a killed build, or a failed clean-up, left: its manifest's, and any in the generated folders."""
    found = [out_dir / name for name in os.listdir(out_dir) if _LEFTOVER.fullmatch(name) and name.startswith(f".{MANIFEST}.")]
    for folder in OUTPUT_FOLDERS:
        for root, _, files in os.walk(out_dir / folder):
            found += [Path(root, name) for name in files if _LEFTOVER.fullmatch(name)]
    return found


def _make_folders(out_dir: Path, folder: Path, undo: list) -> None:
    """Create `folder` and missing parents below `out_dir`, each recorded so a failed build removes it."""
    missing = []
    while folder != out_dir and not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        os.mkdir(made)
        undo.append(("rmdir", made, None))


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _roll_back(undo: list[tuple[str, Path, Path | None]]) -> list[Path]:
    """Undo in reverse order; the paths that could not be put back."""
    left = []
    for kind, target, aside in reversed(undo):
        try:
            if kind == "restore":
                os.replace(aside, target)
            elif kind == "unlink":
                os.unlink(target)
            else:
                os.rmdir(target)
        except FileNotFoundError:
            pass
        except OSError:
            left.append(target)
    return left
