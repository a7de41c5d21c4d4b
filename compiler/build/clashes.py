"""Outputs of one build that would clash where they are deployed, found before anything is written.

- A role id is the name of its outputs: a spec in another folder with the same file name would take
  over the outputs (and the manifest entry) of a spec that still exists.
- IAM role names are unique per account, case-insensitively: two specs naming the same role (to
  create it, or to add to an existing one) collide when they deploy to one account, unless their
  `account` labels say they deploy to different ones.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostic, SpecError
from .discover import display
from ..targets import record
from .pipeline import Built, Compiled
from .writer import SpecEntries, read_manifest


def check_clashes(out_dir: Path, compiled: list[Built]) -> None:
    """Both checks, before the out folder is locked or created (its manifest is only read)."""
    check_role_ids(out_dir, read_manifest(out_dir), compiled)
    check_role_names(compiled)


def check_role_ids(out_dir: Path, manifest: dict, compiled: list[Built]) -> None:
    """Refuse a spec whose role id belongs, in the out folder's manifest, to another spec that still exists."""
    root = out_dir.resolve()
    spec_entry = SpecEntries(out_dir)
    problems = []
    for item in compiled:
        entry = manifest["roles"].get(item.role_id)
        if not isinstance(entry, dict) or not isinstance(entry.get("spec"), str) or entry["spec"] == spec_entry.unresolved(item.spec_file):
            continue  # the manifest names this very spec (the common case, decided without resolving every path)
        owner = out_dir / entry["spec"]
        if owner.is_file() and owner.resolve() != item.spec_file.resolve():
            problems.append(Diagnostic(display(item.spec_file), 0, 0, (
                f"role id '{item.role_id}' belongs to {display(Path(os.path.normpath(root / entry['spec'])))}, whose "
                f"outputs are in {display(out_dir)}; building this spec there would replace them. Rename one of the "
                "spec files, or build the other folder into another --out")))
    if problems:
        raise SpecError(problems)


def role_name(item: Built) -> tuple[str, bool] | None:
    """The IAM role name a spec's outputs create or add to (with `{region}` as written), and whether
    they create it; None for a generated name."""
    if isinstance(item, Compiled):
        role = item.role
        return (role.existing.name, False) if role.existing else (role.name, True) if role.name else None
    head = item.record_head or record.head(item.files[record.path(item.role_id)])
    if head["existing"] is not None:
        return head["existing"].rsplit("/", 1)[-1], False
    return (head["name"], True) if head["name"] is not None else None


def check_role_names(compiled: list[Built]) -> None:
    """Refuse two specs naming the same IAM role unless their `account` labels differ. Specs are
    read for their labels only when their names clash, so cached builds stay cheap."""
    by_name: dict[str, list[tuple[Built, bool]]] = {}
    for item in compiled:
        named = role_name(item)
        if named is not None:
            by_name.setdefault(named[0].casefold(), []).append((item, named[1]))
    problems = []
    for name, items in sorted(by_name.items()):
        if len(items) < 2:
            continue
        groups: dict[str | None, list[tuple[Built, bool]]] = {}
        for item, created in items:
            groups.setdefault(_account(item), []).append((item, created))
        for account, members in groups.items():
            first = members[0][0]
            for item, created in members[1:]:
                verb = "creates" if created else "adds permissions to"
                problems.append(Diagnostic(display(item.spec_file), 0, 0, (
                    f"this spec {verb} the IAM role '{role_name(item)[0]}', which {display(first.spec_file)} "
                    f"{'creates' if members[0][1] else 'adds permissions to'} too; IAM role names are unique per account "
                    "(case-insensitively), so the two collide in one account. If they deploy to different accounts, "
                    "say so with a different top-level 'account:' label in each spec (see docs/spec-files.md)")))
    if problems:
        raise SpecError(problems)


def _account(item: Built) -> str | None:
    from ..spec.v1 import load_spec

    return load_spec(item.spec_file, display(item.spec_file)).account
