"""`rolec new` (review findings 21 and 10): the modeline names a schema file that exists; I/O failures are exit 3."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rolec.cli import main
from rolec.commands.schema import schema_text


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def modeline_target(spec: Path) -> Path:
    first = spec.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    return spec.parent / first.split("=", 1)[1]


def test_finding_21_the_modeline_points_at_a_schema_file_that_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("specs", "nested/deeper/specs"):
        assert run("new", "orders", "--dir", folder).exit_code == 0
        schema = modeline_target(tmp_path / folder / "orders.yaml")
        assert schema.is_file()
        assert schema.read_text() == schema_text()


def test_an_existing_schema_file_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "rolec-spec-v1.json").write_text("{}\n")
    result = run("new", "orders")
    assert result.output == "wrote specs/orders.yaml; next: rolec build\n"
    assert (tmp_path / "schema" / "rolec-spec-v1.json").read_text() == "{}\n"


def test_finding_10_new_into_a_folder_that_cannot_be_made_is_an_environment_error(tmp_path):
    result = run("new", "orders", "--dir", "/proc/rolec-nope")
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("rolec: error: cannot write /proc/rolec-nope")
