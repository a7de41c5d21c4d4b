"""Role sources: read hand-written roles from the files teams keep them in (format catalog in
`formats/`), each permission with the file:line:col that grants it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from ..errors import Diagnostic, SpecError
from ..iam.conditions import PolicyError
from ..iam.evaluate import identity_statements, statements
from ..sources import Bindings, jsonfile, read_text
from .documents import where
from .formats import catalog
from .model import RoleSourceError, SourceRole, Where, error


def _read_one(path: Path, bindings: Bindings) -> list[SourceRole]:
    name = path.as_posix()
    formats = catalog()
    if name.endswith(".json") and not name.endswith(".tf.json"):
        root = jsonfile.parse(read_text(path, name, "the role source"), name)
        for module in formats:
            if hasattr(module, "claims") and module.claims(root):
                return module.read(root, bindings)
        shapes = "; ".join(m.DESCRIPTION for m in formats if hasattr(m, "claims"))
        raise error(where(root.at), f"not a role source rolec reads (expected {shapes})")
    if path.is_dir():
        readers = [(0, m) for m in formats if getattr(m, "READS_FOLDERS", False)]
    else:
        readers = [(len(s), m) for m in formats if hasattr(m, "read_file") for s in m.SUFFIXES if name.endswith(s)]
    if readers:
        return max(readers, key=lambda r: r[0])[1].read_file(path, bindings)  # `.tf.json` before `.json`
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
                              old.notes + role.notes, logical_id=old.logical_id or role.logical_id,
                              boundary_policy=old.boundary_policy or role.boundary_policy)
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
                                      host.arn, host.notes, logical_id=host.logical_id, boundary_policy=host.boundary_policy)
    return list(named.values())


def _bind_placeholders(value, bindings: Bindings):
    """ARNs in a role's policies whose region or account field is a bound placeholder name (`region`,
    `aws_account_id`: documentation placeholders, bound with --set as for `rolec infer`) get the bound value."""
    if isinstance(value, list):
        return [_bind_placeholders(v, bindings) for v in value]
    if not isinstance(value, str) or not value.startswith("arn:"):
        return value
    fields = value.split(":", 5)
    for index in (3, 4):
        if len(fields) == 6 and fields[index] and fields[index] in bindings.values:
            fields[index] = bindings.get(fields[index])
    return ":".join(fields)


def _with_bindings(role: SourceRole, bindings: Bindings) -> SourceRole:
    policies = []
    for policy in role.policies:
        if policy.document is None or not bindings.values:
            policies.append(policy)
            continue
        statements = policy.document.get("Statement")
        items = [statements] if isinstance(statements, dict) else statements or []
        bound = [{k: _bind_placeholders(v, bindings) if k in ("Resource", "NotResource") else v for k, v in s.items()}
                 for s in items]
        policies.append(replace(policy, document={**policy.document, "Statement": bound}))
    return replace(role, policies=tuple(policies))


def load(paths: list[Path], bindings: Bindings | None = None) -> list[SourceRole]:
    """Every role the files describe; all problems in all files are reported together.
    `bindings` are the `--set NAME=VALUE` values (which of them were used is recorded in it)."""
    found, diagnostics = [], []
    bindings = bindings if bindings is not None else Bindings()
    for path in paths:
        try:
            found.extend(_read_one(path, bindings))
        except SpecError as exc:
            diagnostics.extend(exc.diagnostics)
    for role in found:
        diagnostics.extend(_identity_problems(role))
    if diagnostics:
        raise RoleSourceError(diagnostics)
    return [_with_bindings(role, bindings) for role in _combine(found)]


def _identity_problems(role: SourceRole) -> list:
    """A role's permission policies are identity policies: a statement IAM would refuse there (no Resource, a
    Principal) is located now, not met as an internal error when a need is evaluated."""
    problems = []
    for policy in role.policies + ((role.boundary_policy,) if role.boundary_policy is not None else ()):
        for index, statement in enumerate(statements(policy.document) if policy.document is not None else ()):
            try:
                identity_statements({"Statement": [statement]})
            except PolicyError as exc:
                at = policy.statement_where[index] if index < len(policy.statement_where) else policy.where
                problems.append(Diagnostic(at.path, at.line, at.col,
                                           f"policy {policy.name}: not a valid IAM policy statement: {exc}"))
    return problems


__all__ = ["load", "SourceRole", "RoleSourceError", "catalog"]
