"""Role sources: read hand-written roles from the files teams keep them in (format catalog in
`formats/`), each permission with the file:line:col that grants it."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..errors import Diagnostic
from . import jsonlines
from .formats import catalog
from .model import RoleSourceError, SourceRole, Where, error

MAX_BYTES = 5_000_000
"""A role source larger than this is refused (an account export of ~1000 roles is about 3 MB)."""


def _read_one(path: Path, bindings: Mapping[str, str]) -> list[SourceRole]:
    name = path.as_posix()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise error(Where(name, 1, 1), f"larger than {MAX_BYTES} bytes; not read")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(Where(name, 1, 1), f"cannot read: {exc}") from None
    formats = catalog()
    if name.endswith(".json") and not name.endswith(".tf.json"):
        source = jsonlines.load(name, text)
        for module in formats:
            if module.claims is not None and module.claims(source.data):
                return module.read(source, bindings)
        shapes = "; ".join(m.DESCRIPTION for m in formats if m.claims is not None)
        raise error(source.where(source.data), f"not a role source rolec reads (expected {shapes})")
    for module in formats:
        if module.claims is None and any(name.endswith(s) for s in module.SUFFIXES):
            return module.read((name, text), bindings)
    known = ", ".join(sorted({s for m in formats for s in m.SUFFIXES}))
    raise error(Where(name, 1, 1), f"not a role source format rolec reads (file endings read: {known})")


def _combine(found: list[SourceRole]) -> list[SourceRole]:
    """Sources that describe one role in several files (get-role + get-role-policy + …) become that role;
    fragments that name no role join the only named role, or form one role named after their first file."""
    named: dict[str, SourceRole] = {}
    fragments = []
    for role in found:
        if role.name is None:
            fragments.append(role)
            continue
        if role.name in named:
            old = named[role.name]
            role = SourceRole(role.name, old.where if old.trust is not None else role.where,
                              old.trust if old.trust is not None else role.trust,
                              old.trust_where if old.trust is not None else role.trust_where,
                              old.policies + role.policies, old.boundary or role.boundary, old.arn or role.arn,
                              old.notes + role.notes)
        named[role.name] = role
    if fragments:
        if len(named) > 1:
            where = fragments[0].where
            raise error(where, f"names no role, and the sources hold {len(named)} roles ({', '.join(sorted(named))}): "
                               "give this file with the one role it belongs to")
        host = next(iter(named.values()), None) or SourceRole(Path(fragments[0].where.path).stem.removesuffix(".role"),
                                                                fragments[0].where)
        policies = host.policies + tuple(p for f in fragments for p in f.policies)
        named[host.name] = SourceRole(host.name, host.where, host.trust, host.trust_where, policies, host.boundary,
                                      host.arn, host.notes)
    return list(named.values())


def load(paths: list[Path], bindings: Mapping[str, str] | None = None) -> list[SourceRole]:
    """Every role the files describe; all problems in all files are reported together."""
    found, diagnostics = [], []
    for path in paths:
        try:
            found.extend(_read_one(path, bindings or {}))
        except RoleSourceError as exc:
            diagnostics.extend(exc.diagnostics)
    if diagnostics:
        raise RoleSourceError(diagnostics)
    return _combine(found)


__all__ = ["load", "SourceRole", "RoleSourceError", "Diagnostic", "catalog"]
