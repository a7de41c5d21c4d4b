"""Write the tables of docs/ from the catalogs, as cfn-lint generates its rules page: `make docs`.

A maintenance entry point (`python -m rolec.docs [DOCS_DIR]`); nothing on the build path imports it.
A table sits in its page between `<!-- begin generated: NAME -->` and `<!-- end generated -->`, and the
rest of the page is written by hand. tests/test_docs.py fails when a page differs from what this writes,
so a feature or rule added to its package shows up in the docs with `make docs` and nothing else.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import yaml

from .features import Feature, catalog
from .ir import Role
from .rules import rules
from .spec.starter import DEFAULT_FEATURES, EXAMPLES, starter
from .spec.types import Bool

BLOCK = re.compile(r"(?P<begin><!-- begin generated: (?P<name>[a-z-]+) -->\n).*?(?P<end><!-- end generated -->)", re.S)
SAMPLE_NAME = "example"
"""Stands for the role id in a feature's `rolec new` example block."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(items) -> str:
    return ", ".join(f"`{item}`" for item in items) or "—"


def sample(feature: Feature) -> dict:
    """The feature's `rolec new` block with every commented-out option written in and every flag on."""
    text = re.sub(r"(?m)^(\s{4,})# ", r"\1", EXAMPLES[feature.name].format(name=SAMPLE_NAME))
    block = yaml.safe_load(text)[feature.name]
    for key, field in feature.schema.fields.items():
        if isinstance(field.type, Bool):
            block[key] = True
    return block


def sample_role(feature: Feature) -> Role:
    """The permission IR of a spec holding only the feature's sample: what it grants, read from the compiler itself."""
    from .lower import lower
    from .passes import deployments
    from .spec.v1 import load_spec

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{SAMPLE_NAME}.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "features": {feature.name: sample(feature)}}, sort_keys=False))
        return deployments(lower(load_spec(path, path.name)))[0]


def feature_section(feature: Feature) -> str:
    keys = ["| Key | Takes | Default | What it is for |", "|---|---|---|---|"]
    for key, field in feature.schema.fields.items():
        default = "required" if field.required else (f"`{json.dumps(field.default)}`"
                                                     if field.default not in (None, ()) else "—")
        keys.append(f"| `{key}` | {_cell(field.type.what)} | {default} | {_cell(field.doc)} |")
    role = sample_role(feature)
    prefix = f"features.{feature.name}."
    grants = ["| Statement | Actions | Resources | Conditions | Asked for by |", "|---|---|---|---|---|"]
    for s in role.statements:
        asked = dict.fromkeys(re.sub(r"\[\d+\]$", "", src.key).removeprefix(prefix) for src in s.sources)
        conditions = [f"{c.operator} {c.key}" for c in s.conditions]
        grants.append(f"| `{s.sid}` | {_code(s.actions)} | {_code(r.key for r in s.resources)} | {_code(conditions)} | "
                      f"{_code(asked)} |")
    return "\n".join([
        f"## `{feature.name}`", "", feature.summary, "", *keys, "",
        f"Granted for the sample (the `rolec new` block with every option on, `{SAMPLE_NAME}` as the name):", "",
        *grants, "",
    ])


def feature_tables() -> str:
    return "\n".join(feature_section(f) for f in catalog())


def invariant_table() -> str:
    lines = ["| Rule | Invariant | The AWS rule it enforces | When it fires |", "|---|---|---|---|"]
    for rule in rules():
        lines.append(f"| {rule.id} | {_cell(rule.description)} | {_cell(rule.source)} | {rule.blame} |")
    return "\n".join(lines) + "\n"


def starter_block() -> str:
    """What `rolec new orders-api` writes, so the page cannot drift from the command."""
    return f"```yaml\n{starter('orders-api', DEFAULT_FEATURES)}```\n"


TABLES = {"features": feature_tables, "invariants": invariant_table, "starter": starter_block}
"""Generated block name -> what writes it."""


def regenerate(page: str) -> str:
    """The page with each generated block rewritten from the catalogs; an unknown block name is a KeyError."""
    return BLOCK.sub(lambda m: f"{m['begin']}{TABLES[m['name']]()}{m['end']}", page)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of every page in DOCS_DIR (default docs/); print the pages that changed."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("docs")
    for page in sorted(folder.glob("*.md")):
        text = page.read_text()
        new = regenerate(text)
        if new != text:
            page.write_text(new)
            print(f"updated {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
