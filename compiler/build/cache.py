"""A content-addressed build cache: unchanged specs are neither recompiled nor relinted.

An entry is keyed by the spec's bytes, its role id and a fingerprint of everything
else that shapes the output: the source of the compiler modules that compile and validate
a spec (not the commands, `audit`, the IAM evaluator or the writer), the versions of troposphere,
cfn-lint and PyYAML, and the build options. Entries are written atomically; their first line
holds the key and a digest of the rest (the files, as JSON), so a corrupted or half-written
entry is detected and ignored by hashing bytes, without re-serializing anything.
Only outputs that passed validation are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path

DEFAULT_DIR = Path(".rolec-cache")
FORMAT = 2
PACKAGE = Path(__file__).resolve().parent.parent
"""The installed rolec package, whose source the fingerprint covers."""
NOT_SHAPING = frozenset({
    "__main__.py", "audit", "cli.py", "commands", "docs.py", "iam", "roles", "ui.py",
    "build/clashes.py", "build/index.py", "build/template_size.py", "build/writer.py",
})
"""Parts of the package (paths relative to it) that never run while a spec is compiled and validated, so
they do not shape a cache entry: tests/build/test_cache_fingerprint.py checks that compiling and linting
every spec of specs/ (and one linked to a task definition) imports none of them."""
_TOOLS = ("troposphere", "cfn-lint", "PyYAML")


def shaping_files(package: Path = PACKAGE) -> list[str]:
    """The source and data files under `package` that the fingerprint covers, relative and in order."""
    found = []
    for root, folders, files in os.walk(package):
        relative = os.path.relpath(root, package)
        prefix = "" if relative == "." else f"{relative}/"
        folders[:] = [f for f in folders if f != "__pycache__" and prefix + f not in NOT_SHAPING]
        found += [prefix + name for name in files
                  if name.endswith((".py", ".yaml", ".json")) and prefix + name not in NOT_SHAPING]
    return sorted(found)


@cache
def compiler_fingerprint(package: Path = PACKAGE) -> str:
    """Hash of the compiler's shaping source and data files (under `package`) and of the tools whose output it embeds."""
    digest = hashlib.sha256(f"rolec-cache-{FORMAT}".encode())
    for name in shaping_files(package):
        with open(os.path.join(package, name), "rb") as handle:
            digest.update(name.encode() + b"\0" + handle.read() + b"\0")
    for tool in _TOOLS:
        try:
            version = metadata.version(tool)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{tool}=={version}\0".encode())
    return digest.hexdigest()


class BuildCache:
    def __init__(self, root: Path, options: str = ""):
        self.root = root
        self._root = os.fspath(root)
        self.salt = f"{compiler_fingerprint()}\0{options}\0".encode()
        """What every key depends on besides the spec: the compiler fingerprint and the build options."""

    def key(self, role_id: str, spec_bytes: bytes) -> str:
        return hashlib.sha256(self.salt + role_id.encode() + b"\0" + spec_bytes).hexdigest()

    def path(self, key: str) -> str:
        """Where the entry of `key` is stored."""
        return f"{self._root}/{key[:2]}/{key}.json"

    def get(self, key: str) -> dict[str, str] | None:
        """The cached files for `key`, or None when absent, unreadable or corrupted."""
        try:
            with open(self.path(key), "rb") as handle:
                header, _, body = handle.read().partition(b"\n")
            if header != _header(key, body):
                return None
            files = json.loads(body)
        except (OSError, ValueError):
            return None
        return files if isinstance(files, dict) else None

    def put(self, key: str, files: dict[str, str]) -> None:
        """Store an entry through a temporary file and a rename; a failure to cache is not an error."""
        path = Path(self.path(key))
        try:
            self.make_root()
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            body = json.dumps(files).encode()
            temporary.write_bytes(_header(key, body) + b"\n" + body)
            os.replace(temporary, path)
        except OSError:
            pass

    def make_root(self) -> None:
        """Create the cache folder if needed. Only a cache folder rolec creates is git-ignored as a whole:
        `--cache-dir .` must not hide a repository."""
        if not self.root.exists():
            self.root.mkdir(parents=True)
            (self.root / ".gitignore").write_text("*\n")


def _header(key: str, body: bytes) -> bytes:
    return f"{key} {hashlib.sha256(body).hexdigest()}".encode()
