"""Fuzz target for every task-definition reader: the corpus files with bytes flipped, inserted or cut either infer,
need nothing, or raise SpecError with `file:line:col: error:` diagnostics; never any other exception."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rolec.errors import SpecError
from rolec.taskdefs import NothingNeeded, infer

from tests.support.examples import count

CORPUS = Path(__file__).parent / "corpus"
INPUTS = sorted(p for p in CORPUS.iterdir() if p.name.startswith("t") and ".role." not in p.name)
DIAGNOSTIC = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+):(?P<col>\d+): (error|warning): \S.*$")
NOISE = [b":", b"- ", b"\n", b"  ", b"[", b"{", b"}", b"]", b",", b'"', b"${", b"!Ref ", b"&a ", b"*a", b"!!python/object ",
         b"\t", b"\xff", b"'", b"= ", b"jsonencode(", b"<<EOF\n", b"#"]


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    source = draw(st.sampled_from(INPUTS))
    data = bytearray(source.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "cut"]))
        if kind == "insert" or not data:
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(NOISE))
        elif kind == "flip":
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            del data[at:at + draw(st.integers(1, 16))]
    return source.name, bytes(data)


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
