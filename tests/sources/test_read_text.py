"""compiler/sources/__init__.py read_text: every reader's way into a file (task definitions, templates, Terraform,
role sources). A device or a pipe given as a file is refused at once with its location, never read forever."""

from __future__ import annotations

import os
import threading

import pytest

from rolec.errors import SpecError
from rolec.sources import MAX_BYTES, read_text


def test_a_device_is_refused_not_read_without_end(tmp_path):
    link = tmp_path / "taskdef.json"
    link.symlink_to("/dev/zero")
    outcome = {}
    reader = threading.Thread(target=lambda: outcome.setdefault("error", _error(link)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "read_text kept reading /dev/zero"
    assert "not a regular file" in outcome["error"] and outcome["error"].startswith(f"{link}:1:1: error:")


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "taskdef.json"
    os.mkfifo(fifo)
    outcome = {}
    reader = threading.Thread(target=lambda: outcome.setdefault("error", _error(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "read_text waited for a writer"
    assert "not a regular file" in outcome["error"]


def test_the_size_limit_holds_for_a_regular_file(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_BYTES + 1))
    assert "at most" in _error(big)


def _error(path) -> str:
    with pytest.raises(SpecError) as caught:
        read_text(path, str(path), "the task definition")
    return str(caught.value.diagnostics[0])
