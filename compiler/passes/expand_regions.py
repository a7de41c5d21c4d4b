"""A home-region StackSet creates its role in one region, and that role serves the tasks of every
StackSet region: each name that resolves in the deploying region (a log group, secret, repository...,
or a value looked up per region) is granted in each of them. Partition and account stay pseudo
parameters; the regions are the spec's own list. Other roles pass unchanged."""

from __future__ import annotations

from ..ir import Role
from ..text import Lookup, Part, Pseudo, Text


def in_region(part: Part, region: str) -> Part:
    """A part of a name as it resolves in `region`: the region itself, or a lookup's value there (the spec
    refuses StackSet regions a lookup's table lacks, so the value exists)."""
    if part is Pseudo.REGION:
        return region
    if isinstance(part, Lookup):
        return part.get(region)
    return part


def run(role: Role) -> Role:
    if not role.home_region:
        return role
    regions = role.rollout.regions

    def expand(texts: tuple[Text, ...]) -> tuple[Text, ...]:
        out: dict[str, Text] = {}
        for text in texts:
            for region in regions if Pseudo.REGION in text.pseudos or text.lookups else (None,):
                one = text if region is None else Text.of(*(in_region(p, region) for p in text.parts))
                out.setdefault(one.key, one)
        return tuple(out.values())

    return role.map_texts(expand)
