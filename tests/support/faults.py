"""Fault injection for the writer: fail one chosen os call on a path under a folder (tests of finding 10)."""

from __future__ import annotations

import os
from pathlib import Path

OPERATIONS = ("mkdir", "open", "write", "replace", "unlink")
"""The os functions the writer calls on paths under the out folder (os.write: on a descriptor of one)."""


class Faults:
    """Wraps os functions: counts the calls on paths under `root` and fails the `fail_at`-th of `operation`."""

    def __init__(self, monkeypatch, root: Path, operation: str | None = None, fail_at: int = -1):
        self.root, self.operation, self.fail_at = str(root), operation, fail_at
        self.calls = dict.fromkeys(OPERATIONS, 0)
        for name in OPERATIONS:
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _under_root(self, name: str, args) -> bool:
        target = args[0]
        if name == "write":
            target = os.readlink(f"/proc/self/fd/{target}")
        return os.fspath(target).startswith(self.root + os.sep)

    def _wrap(self, name, real):
        def wrapper(*args, **kwargs):
            if self._under_root(name, args):
                if name == self.operation and self.calls[name] == self.fail_at:
                    self.calls[name] += 1
                    raise OSError(28, "No space left on device", os.fspath(args[0]) if name != "write" else None)
                self.calls[name] += 1
            return real(*args, **kwargs)
        return wrapper
