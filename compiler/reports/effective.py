"""Effective permissions of a role, in a form two builds can be compared in.

A role's permissions are the set of (action, resource, conditions) it allows, plus its
trust conditions, managed policies and permissions boundary. Sids, statement merging
and the order of anything are formatting and do not appear here. The same form is
read from the IR (`from_role`) and back from a generated Terraform module
(`from_terraform`), so a build can be compared with committed outputs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..ir import Condition, Role
from ..targets.terraform import _DATA, lookup_key

ConditionKey = tuple[tuple[str, str, tuple[str, ...]], ...]
"""Conditions as sorted (operator, key, sorted values) triples; () for none."""


class UnreadableOutput(ValueError):
    """A generated file that does not have the shape rolec writes."""


@dataclass(frozen=True)
class Permissions:
    role_id: str
    trust: ConditionKey
    managed_policies: frozenset[str]
    boundary: str | None
    existing: str | None
    """The ARN (`Text.key` form) of the existing role the permissions are added to; None when rolec creates the role."""
    allows: frozenset[tuple[str, str, ConditionKey]]
    """(action, resource, conditions) triples the inline policy allows."""
    sids: dict[tuple[str, str, ConditionKey], str] = field(default_factory=dict, compare=False, hash=False)
    """The Sid of the statement each triple comes from: shown to reviewers, never compared."""


def _conditions(conditions: list[tuple[str, str, list[str]]]) -> ConditionKey:
    merged: dict[tuple[str, str], set[str]] = {}
    for operator, key, values in conditions:
        merged.setdefault((operator, key), set()).update(values)
    return tuple(sorted((op, key, tuple(sorted(values))) for (op, key), values in merged.items()))


def _ir_conditions(conditions: tuple[Condition, ...]) -> ConditionKey:
    return _conditions([(c.operator, c.key, [v.key for v in c.values]) for c in conditions])


def from_role(role: Role) -> Permissions:
    sids = {(action, resource.key, _ir_conditions(s.conditions)): s.sid
            for s in role.statements for action in s.actions for resource in s.resources}
    return Permissions(
        role_id=role.id,
        trust=_ir_conditions(role.trust_conditions),
        managed_policies=frozenset(p.key for p in role.managed_policies),
        boundary=role.permissions_boundary.key if role.permissions_boundary else None,
        existing=_existing_arn(role),
        allows=frozenset(sids),
        sids=sids,
    )


def _existing_arn(role: Role) -> str | None:
    existing = role.existing
    if existing is None:
        return None
    return existing.arn or existing.arn_text.key


_PSEUDO_BY_DATA = {"${data.%s.current.%s}" % data: "${" + pseudo.value + "}" for pseudo, data in _DATA.items()}
_TEMPLATE = re.compile(r"\$\$\{|%%\{|\$\{[^}]*\}|%\{[^}]*\}")


def _text(value: object, where: str) -> str:
    """A Terraform string template as written by the Terraform target, back to `Text.key` form."""
    if not isinstance(value, str):
        raise UnreadableOutput(f"{where}: expected a string, got {value!r}")

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("$${", "%%{"):
            return token[1:]
        if token in _PSEUDO_BY_DATA:
            return _PSEUDO_BY_DATA[token]
        if lookup_key(token):
            return lookup_key(token)
        raise UnreadableOutput(f"{where}: unexpected interpolation {token!r}")

    return _TEMPLATE.sub(replace, value)


def _tf_conditions(statement: dict, where: str) -> ConditionKey:
    return _conditions([(c["test"], c["variable"], [_text(v, where) for v in c["values"]])
                        for c in statement.get("condition", [])])


def from_terraform(role_id: str, text: str, where: str) -> Permissions:
    """Read a module written by the Terraform target; `where` names it in errors."""
    try:
        module = json.loads(text)
        documents = module["data"].get("aws_iam_policy_document", {})
        resources = module["resource"]
        existing = _tf_existing(module["data"].get("aws_iam_role", {}).get("this"), where)
        trust = {} if existing else documents["trust"]["statement"][0]
        sids = {}
        for statement in documents.get("execution", {}).get("statement", []):
            if statement.get("effect", "Allow") != "Allow":
                raise UnreadableOutput(f"{where}: a Deny statement is not something rolec writes")
            conditions = _tf_conditions(statement, where)
            for action in statement["actions"]:
                for resource in statement["resources"]:
                    sids[(action, _text(resource, where), conditions)] = statement.get("sid", "")
        role = {} if existing else resources["aws_iam_role"]["this"]
        attachments = resources.get("aws_iam_role_policy_attachment", {}).values()
        return Permissions(
            role_id=role_id,
            trust=_tf_conditions(trust, where),
            managed_policies=frozenset(_text(a["policy_arn"], where) for a in attachments),
            boundary=_text(role["permissions_boundary"], where) if "permissions_boundary" in role else None,
            existing=existing,
            allows=frozenset(sids),
            sids=sids,
        )
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, UnreadableOutput):
            raise
        raise UnreadableOutput(f"{where}: not a Terraform module written by rolec ({type(exc).__name__}: {exc})") from None


_PATH_CHECK = re.compile(r'\$\{self\.path == "(?P<path>[^"]*)"\}')
_ACCOUNT_CHECK = re.compile(r'\$\{data\.aws_caller_identity\.current\.account_id == "(?P<account>\d{12})" && '
                            r'data\.aws_partition\.current\.partition == "(?P<partition>[a-z-]+)"\}')


def _tf_existing(data: dict | None, where: str) -> str | None:
    """The existing role's ARN from `data.aws_iam_role.this`: its name, the path its postcondition
    checks, and the account and partition its precondition pins (if the spec gave an ARN)."""
    if data is None:
        return None
    lifecycle = data["lifecycle"][0]
    path = _PATH_CHECK.fullmatch(lifecycle["postcondition"][0]["condition"])
    if not path:
        raise UnreadableOutput(f"{where}: data.aws_iam_role.this has no path check rolec writes")
    pinned = _ACCOUNT_CHECK.fullmatch(lifecycle["precondition"][0]["condition"]) if "precondition" in lifecycle else None
    partition, account = (pinned["partition"], pinned["account"]) if pinned else ("${Partition}", "${AccountId}")
    return f"arn:{partition}:iam::{account}:role{path['path']}{data['name']}"
