"""Count the examples hypothesis really runs, per test, for the terminal summary (and the closing note)."""

from __future__ import annotations

from collections import Counter

RUN: Counter = Counter()


def count(name: str) -> None:
    RUN[name] += 1
