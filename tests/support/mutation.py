"""Damage for the fuzz tests of the readers: bytes of a valid input flipped, inserted (random or syntax noise) or cut,
and every diagnostic a reader gives is `file:line:col: error|warning: …`."""

from __future__ import annotations

import re

from hypothesis import strategies as st

DIAGNOSTIC = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+):(?P<col>\d+): (error|warning): \S.*$")


def damage(draw, data: bytearray, times: int, noise: list[bytes]) -> bytes:
    """`data` with `times` random byte edits, each drawn by `draw` (a Hypothesis composite's)."""
    for _ in range(times):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "cut"]))
        if kind == "insert" or not data:
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(noise))
        elif kind == "flip":
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            del data[at:at + draw(st.integers(1, 16))]
    return bytes(data)
