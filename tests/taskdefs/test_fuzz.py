"""Fuzz target for every task-definition reader: the corpus files with bytes flipped, inserted or cut either infer,
need nothing, or raise SpecError with `file:line:col: error:` diagnostics; never any other exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rolec.errors import SpecError
from rolec.taskdefs import NothingNeeded, infer

from tests.support.examples import count
from tests.support.mutation import DIAGNOSTIC, damage

CORPUS = Path(__file__).parent / "corpus"
INPUTS = sorted(p for p in CORPUS.iterdir() if p.name.startswith("t") and ".role." not in p.name)
NOISE = [b":", b"- ", b"\n", b"  ", b"[", b"{", b"}", b"]", b",", b'"', b"${", b"!Ref ", b"&a ", b"*a", b"!!python/object ",
         b"\t", b"\xff", b"'", b"= ", b"jsonencode(", b"<<EOF\n", b"#"]


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    source = draw(st.sampled_from(INPUTS))
    return source.name, damage(draw, bytearray(source.read_bytes()), draw(st.integers(1, 4)), NOISE)


@settings.get_profile("mutation")
@given(damaged())
def test_damaged_task_definitions_never_crash(tmp_path, case):
    count("fuzz: damaged task definitions")
    name, data = case
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / name  # a folder each: a Terraform file is read with its whole folder
    path.write_bytes(data)
    try:
        infer([str(path)], {})
    except NothingNeeded:
        pass
    except SpecError as exc:
        assert exc.diagnostics and all(DIAGNOSTIC.match(str(d)) for d in exc.diagnostics), exc
