"""A generated spec with one value the newest features refuse (s3_files, pull_through_cache, runtime_monitoring:
`refused_specs` in tests/support/strategies.py, from compiler/spec/names.py and each feature's schema, `validate`
and `conflicts`) is refused by `rolec build` with exit 2 and `file:line:col: error:` lines, one of them at the
refused value naming its key and why, never a traceback, and nothing is written."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner
from hypothesis import given, settings

from rolec.cli import main
from rolec.spec.loader import position

from tests.support.examples import count
from tests.support.strategies import dump, refused_specs

DIAGNOSTIC = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>\S.*)$")


def _node(text: str, path: tuple) -> yaml.Node:
    node = yaml.compose(text)
    for step in path:
        if isinstance(step, int):
            node = node.value[step]
        else:
            node = next(value for key, value in node.value if key.value == step)
    return node


def _key(path: tuple) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


@settings.get_profile("mutation")
@given(refused_specs())
def test_a_refused_value_is_located_and_named(tmp_path, refused):
    count("refused specs (exit 2 at the refused value)")
    spec, path, message = refused
    text = dump(spec)
    source = tmp_path / "refused.yaml"
    source.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(out)])
    shown = f"\n{text}\n{result.output}"
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, shown
    lines = result.output.strip().splitlines()
    found = [DIAGNOSTIC.match(line) for line in lines]
    assert lines and all(found), shown
    assert "Traceback" not in result.output
    assert not out.exists()
    if path is None:
        assert any(message in m["message"] for m in found), shown
        return
    line, col = position(_node(text, path))
    assert any((int(m["line"]), int(m["col"])) == (line, col) and m["message"].startswith(_key(path) + ": ")
               and message in m["message"] for m in found), f"expected {line}:{col} {_key(path)}: …{message}…{shown}"
