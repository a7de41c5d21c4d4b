"""The feature catalog: one module per feature of the AWS page, discovered by walking this package.

A feature module defines `FEATURE = Feature(...)`: its spec key, the schema of its
block, and a function from the validated block to the grants it needs (and the notes
`explain` prints about them, and the accounts a deployment must be in). Adding a
feature means adding a module here, and what docs/architecture.md ("Adding a feature") lists
beside it: a starter example, strategies, bad examples, permission tests, R104 for new actions.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Callable, Iterable

from ..ir import AccountCheck, Grant, Note, Source
from ..spec.types import Obj


@dataclass(frozen=True)
class Context:
    """What a feature may know while it emits grants: its own spec positions and role-level settings."""

    feature: str
    positions: dict[str, tuple[int, int]]
    managed_policy: bool

    def source(self, key: str, reason: str) -> Source:
        return Source(self.feature, key, self.positions.get(key, (1, 1))[0], reason)

    def note(self, key: str, message: str) -> Note:
        return Note(self.feature, key, self.positions.get(key, (1, 1))[0], message)


@dataclass(frozen=True)
class Feature:
    name: str
    sid: str
    order: int
    summary: str
    schema: Obj
    grants: Callable[[dict, Context], Iterable[Grant | Note | AccountCheck]]
    """The grants the block needs, with the notes `explain` prints and the accounts deployments must be in."""
    conflicts: Callable[[dict, dict], Iterable[tuple[str, str]]] = lambda config, document: ()
    """(spec key, message) pairs for settings that contradict the rest of the spec."""


@cache
def catalog() -> tuple[Feature, ...]:
    features = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue  # shared helpers of several features, such as _kms
        features.append(importlib.import_module(f"{__name__}.{module.name}").FEATURE)
    return tuple(sorted(features, key=lambda f: (f.order, f.name)))
