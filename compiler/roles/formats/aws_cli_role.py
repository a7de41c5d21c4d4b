"""Output of `aws iam get-role`, `get-role-policy` and `list-attached-role-policies` (one file each;
several files given together describe one role)."""

from __future__ import annotations

from .. import jsonlines
from ..documents import inline
from ..model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE, Policy, SourceRole, error
from ...iam.managed import is_aws_managed

NAME = "aws-cli-role"
DESCRIPTION = "aws iam get-role / get-role-policy / list-attached-role-policies output (JSON)"
SUFFIXES = (".json",)


def claims(data) -> bool:
    return isinstance(data, dict) and (isinstance(data.get("Role"), dict) or "PolicyDocument" in data
                                       or "AttachedPolicies" in data)


def attached(source, entry, fallback) -> Policy:
    where = source.where(entry, fallback)
    if not isinstance(entry, dict) or not isinstance(entry.get("PolicyArn"), str):
        raise error(where, "an attached policy needs a PolicyArn string")
    arn = str(entry["PolicyArn"])
    kind = AWS_MANAGED if is_aws_managed(arn) else CUSTOMER_MANAGED
    return Policy(str(entry.get("PolicyName") or arn.rsplit("/", 1)[-1]), kind, where, arn=arn)


def read(source, bindings) -> list[SourceRole]:
    data = source.data
    where = source.where(data)
    if isinstance(data.get("Role"), dict):
        role = data["Role"]
        here = source.where(role, where)
        if "AssumeRolePolicyDocument" not in role or not isinstance(role.get("RoleName"), str):
            raise error(here, "get-role output needs Role.RoleName and Role.AssumeRolePolicyDocument")
        trust_node = role["AssumeRolePolicyDocument"]
        trust = inline(source, "trust", trust_node, source.where(trust_node, here), INLINE)
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") if isinstance(
            role.get("PermissionsBoundary"), dict) else None
        return [SourceRole(str(role["RoleName"]), here, trust.document, trust.where,
                           boundary=str(boundary) if boundary else None, arn=str(role.get("Arn") or "") or None)]
    if "PolicyDocument" in data:
        name = data.get("PolicyName")
        if not isinstance(name, str):
            raise error(where, "get-role-policy output needs a PolicyName string")
        node = data["PolicyDocument"]
        policy = inline(source, str(name), node, source.where(node, where), INLINE)
        role_name = data.get("RoleName")
        return [SourceRole(str(role_name) if isinstance(role_name, str) else None, where, policies=(policy,))]
    entries = data["AttachedPolicies"]
    if not isinstance(entries, list):
        raise error(where, "AttachedPolicies must be a list")
    return [SourceRole(None, where, policies=tuple(attached(source, e, where) for e in entries))]
