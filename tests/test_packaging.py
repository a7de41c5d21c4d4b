"""The installed import package is `rolec`, mapped from the compiler/ folder (pyproject package-dir)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_under_its_installed_name():
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = sorted(
        ".".join(("rolec", *init.parent.relative_to(ROOT / "compiler").parts))
        for init in (ROOT / "compiler").rglob("__init__.py")
    )
    assert folders, "no package folders found"
    assert sorted(listed) == folders


def test_the_import_name_is_rolec_and_not_a_generic_word():


    import rolec

    assert Path(rolec.__file__).resolve().parent == ROOT / "compiler"
