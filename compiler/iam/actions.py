"""The IAM actions dataset (package data, see datagen.py): expand `secretsmanager:*` or
`logs:Create*` to the exact actions with their access levels."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .wildcards import action_matches

LEVEL_NAMES = {"R": "Read", "L": "List", "W": "Write", "P": "Permissions management", "T": "Tagging"}


@dataclass(frozen=True)
class Action:
    name: str
    """`service:Action`, as AWS spells it."""
    levels: tuple[str, ...]
    """Access levels (Read, List, Write, Permissions management, Tagging); a few actions have two."""
    star_only: bool
    """The action takes no resource type: it can only be granted on `*`."""

    @property
    def writes(self) -> bool:
        return "Write" in self.levels or "Permissions management" in self.levels

    @property
    def manages_permissions(self) -> bool:
        return "Permissions management" in self.levels


@dataclass(frozen=True)
class Dataset:
    source: str
    version: str
    updated: str
    actions: dict[str, tuple[Action, ...]]
    """service prefix (lower case) -> its actions."""

    def expand(self, pattern: str) -> tuple[Action, ...]:
        """The actions an Action pattern grants (case-insensitive, `*`/`?` anywhere)."""
        service, _, name = pattern.partition(":")
        if "*" in service or "?" in service or not name:
            candidates = [a for group in self.actions.values() for a in group]
        else:
            candidates = self.actions.get(service.lower(), ())
        return tuple(a for a in candidates if action_matches(pattern, a.name))

    def find(self, action: str) -> Action | None:
        found = self.expand(action) if "*" not in action and "?" not in action else ()
        return found[0] if found else None

    @property
    def all(self) -> tuple[Action, ...]:
        return tuple(a for group in self.actions.values() for a in group)


@lru_cache(maxsize=1)
def dataset() -> Dataset:
    raw = json.loads(gzip.decompress(resources.files(__package__).joinpath("data/actions.json.gz").read_bytes()))
    actions = {
        service: tuple(Action(f"{service}:{name}", tuple(LEVEL_NAMES[c] for c in code.rstrip("*")), code.endswith("*"))
                       for name, code in sorted(names.items()))
        for service, names in raw["services"].items()
    }
    return Dataset(raw["source"], raw["version"], raw["updated"], actions)
