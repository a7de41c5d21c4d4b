"""Fuzz target for every role reader: the corpus roles with lines cut (an argument, a property, a statement's
element gone) or bytes flipped, inserted or cut either load, or raise RoleSourceError with `file:line:col: error:`
diagnostics; never any other exception (an internal error, exit 70)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rolec.roles import RoleSourceError, load

from tests.support.examples import count
from tests.support.mutation import DIAGNOSTIC, damage

CORPUS = Path(__file__).parents[1] / "taskdefs" / "corpus"
ROLES = sorted(p for p in CORPUS.iterdir() if ".role." in p.name)
NOISE = [b":", b"- ", b"\n", b"  ", b"[", b"{", b"}", b"]", b",", b'"', b"${", b"!Ref ", b"= ", b"5", b"[5]", b"{}",
         b"jsonencode(", b"#"]


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    source = draw(st.sampled_from(ROLES))
    lines = source.read_bytes().splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 3))):  # whole lines: what a reader requires goes missing
        if lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
    return source.name, damage(draw, bytearray(b"".join(lines)), draw(st.integers(0, 2)), NOISE)


@settings.get_profile("mutation")
@given(damaged())
def test_damaged_roles_never_crash(tmp_path, case):
    count("fuzz: damaged roles")
    name, data = case
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / name  # a folder each: a Terraform file is read with its whole folder
    path.write_bytes(data)
    try:
        load([path])
    except RoleSourceError as exc:
        assert exc.diagnostics and all(DIAGNOSTIC.match(str(d)) for d in exc.diagnostics), exc
