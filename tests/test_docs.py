"""docs/ and the README: generated tables are current, the README stays a front door, every relative link resolves."""

from __future__ import annotations

import ast
import re

import pytest

from rolec import docs
from rolec.features import catalog
from rolec.rules import rules

from tests.support.paths import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
LINKED = [ROOT / "README.md", ROOT / "tests" / "README.md", *PAGES]
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
README_MAX_LINES = 250


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_generated_tables_are_current(page):
    assert docs.regenerate(page.read_text()) == page.read_text(), f"{page.name} is stale: run `make docs`"


def test_every_feature_and_rule_is_in_the_docs():
    features, security = (DOCS / "features.md").read_text(), (DOCS / "security.md").read_text()
    assert catalog() and rules()
    for feature in catalog():
        assert f"## `{feature.name}`" in features
        assert feature.summary in features
        for key, field in feature.schema.fields.items():
            assert f"| `{key}` |" in features and field.doc in features, (feature.name, key)
    for rule in rules():
        assert f"| {rule.id} | {rule.description} |" in security


def test_the_feature_table_shows_what_the_sample_compiles_to():
    """The actions come from compiling each sample, so a grant the feature adds shows up without editing docs."""
    section = docs.feature_section(next(f for f in catalog() if f.name == "awslogs"))
    assert "| `AwslogsCreateGroup` | `logs:CreateLogGroup` |" in section  # create_group is switched on in the sample
    assert section.count("log-group:/ecs/example") >= 2


def test_an_unknown_generated_block_is_an_error():
    with pytest.raises(KeyError):
        docs.regenerate("<!-- begin generated: nothing -->\n<!-- end generated -->")


def test_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into docs/"


@pytest.mark.parametrize("page", LINKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_at_files(page):
    targets = [m["target"] for m in LINK.finditer(page.read_text())]
    relative = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    missing = [t for t in relative if not (page.parent / t).exists()]
    assert not missing, f"{page.relative_to(ROOT)} links to missing files: {missing}"


def test_nothing_in_the_package_imports_the_docs_generator():
    """`make docs` is maintenance: the build never pays for it."""
    importers = []
    for path in (ROOT / "compiler").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "docs" \
                    or isinstance(node, ast.ImportFrom) and "docs" in {a.name for a in node.names} \
                    or isinstance(node, ast.Import) and any(a.name.endswith(".docs") for a in node.names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert importers == []
