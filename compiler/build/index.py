"""What the last build of an out folder verified, by file status, so that a no-op build reads neither
the cache entries nor the outputs of unchanged specs (as git's index spares `git status` reading files).

For each spec it records the status (size, mtime_ns, ctime_ns, inode, device, mode) of the spec file, of
the task definitions it links (for a Terraform module also its folder, which a file added or removed changes,
and the files its `templatefile()`/`file()` calls read), its cache key, and for each of its outputs the size of the text and
the status of the file on disk once its bytes were compared with that text. A later build whose statuses
all match takes the spec's outputs as they are; any difference, and the bytes are read and compared as
before. ctime cannot be set by users (`touch` and `os.utime` set it to now), so an edit with the mtime
put back still differs. A file changed within one timestamp tick of being looked at could keep its
status (git's "racy" case), so a status is recorded only for a file last changed well before the
build started (`SETTLED_NS`); a file written just now is compared byte for byte next time.

The index lives in the cache folder, one file per out folder, never in out/: the committed manifest
stays deterministic. It is keyed by the cache's salt (compiler fingerprint and build options), so a
new rolec or other options ignore it. `--no-cache` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import EnvironmentFailure
from .layout import MANIFEST

if TYPE_CHECKING:
    from .cache import BuildCache

FORMAT = 1
SETTLED_NS = 2_100_000_000
"""How long before a build a file must have last changed for its status to be recorded: above the coarsest
timestamp granularity of the file systems rolec may write to (2 s on FAT), plus a clock tick."""
SUBSECOND_SETTLED_NS = 100_000_000
"""The same for a file whose ctime has a fraction of a second (a file system with fine timestamps: ns on
ext4, xfs, btrfs, tmpfs, overlayfs, where a kernel clock tick is at most 10 ms)."""


def signature(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev, status.st_mode]


def settled(status: os.stat_result, started: int) -> bool:
    """Whether a change made after `started` must give the file another ctime than it has now."""
    ctime = status.st_ctime_ns
    margin = SUBSECOND_SETTLED_NS if ctime % 1_000_000_000 else SETTLED_NS
    return ctime < started - margin


def now() -> int:
    return time.time_ns()


class StoredFiles(Mapping):
    """The outputs of a spec the index vouches for: their names and sizes at once, their texts only when
    asked for (read from the spec's cache entry), which a no-op build never does."""

    def __init__(self, spec_file: Path, sizes: dict[str, int], load: Callable[[], dict | None]):
        self.spec_file = spec_file
        self.sizes = sizes
        self._load = load
        self._texts: dict[str, str] | None = None

    def __getitem__(self, path: str) -> str:
        if path not in self.sizes:
            raise KeyError(path)
        if self._texts is None:
            texts = self._load()
            if texts is None or texts.keys() != self.sizes.keys():
                raise EnvironmentFailure(f"the build cache lost the entry of {self.spec_file} during the build; "
                                         "run the build again")
            self._texts = texts
        return self._texts[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)


class Index:
    """The index of one out folder: read at the start of a build, written by it once the outputs are verified."""

    def __init__(self, cache: BuildCache, out_dir: Path):
        self.cache = cache
        self.started = now()
        self._cwd = os.getcwd()
        self._salt = hashlib.sha256(cache.salt).hexdigest()
        self.path = cache.root / "index" / f"{hashlib.sha256(os.fsencode(out_dir.resolve())).hexdigest()[:32]}.index"
        self._old: dict = self._read()
        self._specs: dict[str, dict] = {}
        self._outputs: dict[str, list[int]] = {}
        self._vouched: dict[Path, dict[str, list]] = {}
        """The recorded outputs of the specs taken from the index in this build: only they may be found clean by status."""
        self._changed = False
        """Whether this build recorded a status the index does not hold (else it is not written again: a
        recorded status that no longer matches is harmless, since a file changed since never matches it)."""

    def _read(self) -> dict:
        try:
            header, _, body = self.path.read_bytes().partition(b"\n")
            if header != hashlib.sha256(body).hexdigest().encode():
                return {}
            document = json.loads(body)
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("salt") != self._salt:
            return {}
        return document

    def _key(self, spec_file: Path) -> str:
        """A spec's absolute path as written (not resolved: a symlink's target is in its status)."""
        return os.path.join(self._cwd, spec_file)

    def stored(self, spec_file: Path, status: os.stat_result) -> dict | None:
        """The recorded entry of a spec whose file, linked task definitions and cache entry have the recorded
        status, else None. The cache entry is intact then, so its texts can be read if an output changed."""
        key = self._key(spec_file)
        entry = self._old.get("specs", {}).get(key)
        if entry is None or entry["status"] != signature(status):
            return None
        for path, recorded in [*entry["linked"], [self.cache.path(entry["key"]), entry["entry"]]]:
            try:
                current = signature(os.stat(path))
            except OSError:
                current = None
            if current != recorded:
                return None
        self._vouched[spec_file] = entry["files"]
        self._specs[key] = entry
        return entry

    def files(self, spec_file: Path, entry: dict) -> StoredFiles:
        return StoredFiles(spec_file, {path: size for path, (size, _) in entry["files"].items()},
                           lambda: self.cache.get(entry["key"]))

    def record_spec(self, spec_file: Path, status: os.stat_result, linked: dict[str, os.stat_result | None],
                    key: str, files: Mapping[str, str], head: dict) -> None:
        """A spec read (and its outputs found or made) in this build; kept if its file, the linked ones and its
        cache entry are settled."""
        try:
            entry = os.stat(self.cache.path(key))
        except OSError:
            return
        if not all(s is None or settled(s, self.started) for s in [status, entry, *linked.values()]):
            return
        self._changed = True
        self._specs[self._key(spec_file)] = {
            "status": signature(status),
            "linked": [[os.path.join(self._cwd, path), None if s is None else signature(s)] for path, s in linked.items()],
            "key": key, "entry": signature(entry), "head": head,
            "files": {path: [len(text.encode()), None] for path, text in files.items()},
        }

    def clean(self, spec_file: Path | None, path: str, status: os.stat_result) -> bool:
        """Whether an output of a spec the index vouches for (or the manifest: no spec) still has the status
        recorded once its bytes were the ones wanted; it stays recorded then."""
        recorded = self._old.get("manifest") if spec_file is None else self._vouched.get(spec_file, {}).get(path, [0, None])[1]
        current = signature(status)
        if recorded is None or recorded != current:
            return False
        self._outputs[path] = current
        return True

    def verified(self, path: str, status: os.stat_result) -> None:
        """An output (or the manifest) whose bytes were compared with what the build wants and matched, with
        a status taken after the build started."""
        if settled(status, self.started):
            self._outputs[path] = signature(status)
            self._changed = True

    def save(self) -> None:
        """Write what this build verified (atomically), unless it recorded nothing new; failing to write is not
        an error, as for the cache. Files the build wrote are left for the next build to verify and record."""
        if not self._changed:
            return
        specs = {}
        for key, entry in self._specs.items():
            files = {path: [size, self._outputs.get(path)] for path, (size, _) in entry["files"].items()}
            specs[key] = dict(entry, files=files)
        body = json.dumps({"format": FORMAT, "salt": self._salt, "specs": specs,
                           "manifest": self._outputs.get(MANIFEST)}).encode()
        try:
            self.cache.make_root()
            self.path.parent.mkdir(exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temporary, self.path)
        except OSError:
            pass
