"""The IR passes, in the order they run (as sqlglot lists its optimizer rules).

Each pass is a module with one entry point, `run(role) -> role`. `lower` only asks the
features for grants; everything from there to what a rollout deploys happens here, so
the invariants, both targets, `explain` and `diff` all see the same value.
"""

from __future__ import annotations

from dataclasses import replace

from ..ir import Role
from . import check, expand_regions, merge, pack

PASSES = (merge, expand_regions, pack, check)


def run(role: Role) -> Role:
    for step in PASSES:
        role = step.run(role)
    return role


def deployments(lowered: Role) -> tuple[Role, ...]:
    """What the spec deploys: the stand-alone role, then the role its StackSet (if any) rolls out."""
    standalone = run(replace(lowered, rollout=None))
    return (standalone, run(lowered)) if lowered.rollout else (standalone,)
