"""A content-addressed build cache: unchanged specs are neither recompiled nor relinted.

An entry is keyed by the spec's bytes, its role id and a fingerprint of everything
else that shapes the output: the compiler's own source, the versions of troposphere,
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
_TOOLS = ("troposphere", "cfn-lint", "PyYAML")


@cache
def compiler_fingerprint(package: Path = PACKAGE) -> str:
    """Hash of the compiler's source and data files (under `package`) and of the tools whose output it embeds."""
    digest = hashlib.sha256(f"rolec-cache-{FORMAT}".encode())
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml", ".json") and p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
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
        self._salt = f"{compiler_fingerprint()}\0{options}\0".encode()

    def key(self, role_id: str, spec_bytes: bytes) -> str:
        return hashlib.sha256(self._salt + role_id.encode() + b"\0" + spec_bytes).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], f"{key}.json")

    def get(self, key: str) -> dict[str, str] | None:
        """The cached files for `key`, or None when absent, unreadable or corrupted."""
        try:
            with open(self._path(key), "rb") as handle:
                header, _, body = handle.read().partition(b"\n")
            if header != _header(key, body):
                return None
            files = json.loads(body)
        except (OSError, ValueError):
            return None
        return files if isinstance(files, dict) else None

    def put(self, key: str, files: dict[str, str]) -> None:
        """Store an entry through a temporary file and a rename; a failure to cache is not an error."""
        path = Path(self._path(key))
        try:
            if not self.root.exists():
                # Only a cache folder rolec creates is git-ignored as a whole: `--cache-dir .` must not hide a repository.
                self.root.mkdir(parents=True)
                (self.root / ".gitignore").write_text("*\n")
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            body = json.dumps(files).encode()
            temporary.write_bytes(_header(key, body) + b"\n" + body)
            os.replace(temporary, path)
        except OSError:
            pass


def _header(key: str, body: bytes) -> bytes:
    return f"{key} {hashlib.sha256(body).hexdigest()}".encode()
