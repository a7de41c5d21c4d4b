"""Every schema-breaking mutation of a valid spec is refused with exit 2 and `file:line:col: error:`
messages, never a traceback, and nothing is written; and a fuzz target for the loader: arbitrary
bytes, and valid specs with bytes flipped, inserted or cut, either load or raise SpecError."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from rolec.cli import main
from rolec.errors import SpecError
from rolec.lower import lower
from rolec.spec.v1 import load_spec

from tests.support.examples import count
from tests.support.strategies import dump, specs

DIAGNOSTIC = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: \S.*$")
UNKNOWN_KEY = "aws:not a key!"
"""Unknown to every mapping of the schema, and not a valid tag key either."""


def _paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _set(spec, path, new):
    parent = spec
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new


def _breaking(value) -> list:
    """Replacements that no schema type accepts at the place `value` stands."""
    if isinstance(value, dict):
        return [[value], "text", ("add", UNKNOWN_KEY)]
    if isinstance(value, list):
        return [{"a": value}, [], [*value, ["nested"]]]
    if isinstance(value, bool):
        return ["maybe", [value]]
    if isinstance(value, int):
        return ["many", [value]]
    return [[[value]], {"a": value}]


@st.composite
def mutations(draw):
    spec = draw(specs())
    choice = draw(st.sampled_from([p for p in _paths(spec) if p[0]] + [((), spec)]))
    path, value = choice
    mutated = copy.deepcopy(spec)
    if draw(st.booleans()) and path == ():
        del mutated["version"]
        return mutated, "drop version"
    replacement = draw(st.sampled_from(_breaking(value)))
    if isinstance(replacement, tuple):
        target = mutated
        for step in path:
            target = target[step]
        target[replacement[1]] = "x"
        return mutated, f"unknown key under {path}"
    if path == ():
        return replacement, "whole document"
    _set(mutated, path, replacement)
    return mutated, f"{path} -> {replacement!r}"


@settings.get_profile("mutation")
@given(mutations())
def test_schema_breaking_mutations_are_refused_with_a_location(tmp_path, mutation):
    count("mutations refused (exit 2, file:line:col)")
    document, what = mutation
    spec = tmp_path / "mutated.yaml"
    spec.write_text(dump(document))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "--out", str(out)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, (what, result.output)
    lines = result.output.strip().splitlines()
    assert lines and all(DIAGNOSTIC.match(line) for line in lines), (what, result.output)
    length = len(spec.read_text().splitlines()) or 1
    assert all(1 <= int(DIAGNOSTIC.match(line)["line"]) <= length for line in lines), (what, result.output)
    assert "Traceback" not in result.output
    assert not out.exists()


def _load(path: Path, data: bytes) -> None:
    """The fuzz target: load, validate and lower; only SpecError may escape."""
    path.write_bytes(data)
    try:
        lower(load_spec(path, "fuzz.yaml"))
    except SpecError as exc:
        assert exc.diagnostics and all(DIAGNOSTIC.match(str(d)) for d in exc.diagnostics), exc


@settings.get_profile("fuzz")
@given(st.binary(max_size=512))
def test_fuzz_loader_with_raw_bytes(tmp_path, data):
    count("fuzz: raw bytes")
    _load(tmp_path / "fuzz.yaml", data)


@st.composite
def damaged_specs(draw) -> bytes:
    data = bytearray(dump(draw(specs())).encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "cut"]))
        if kind == "insert" or not data:
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b":", b"- ", b"\n", b"  ", b"[", b"{", b"&a ", b"*a", b"!!python/object ", b"\t", b"\xff", b"'"]))
        elif kind == "flip":
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
        else:
            del data[at:at + draw(st.integers(1, 16))]
    return bytes(data)


@settings.get_profile("fuzz")
@given(damaged_specs())
def test_fuzz_loader_with_damaged_specs(tmp_path, data):
    count("fuzz: damaged valid specs")
    _load(tmp_path / "fuzz.yaml", data)
