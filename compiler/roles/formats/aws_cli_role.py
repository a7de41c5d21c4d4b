"""Output of `aws iam get-role`, `get-role-policy` and `list-attached-role-policies` (one file each;
several files given together describe one role)."""

from __future__ import annotations

from ...iam.managed import is_aws_managed
from ...sources import fail
from ..documents import document, inline, text_of, where
from ..model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE, Policy, SourceRole

NAME = "aws-cli-role"
DESCRIPTION = "aws iam get-role / get-role-policy / list-attached-role-policies output (JSON)"
SUFFIXES = (".json",)


def claims(root) -> bool:
    value = root.value
    return isinstance(value, dict) and (("Role" in value and isinstance(value["Role"].value, dict))
                                        or "PolicyDocument" in value or "AttachedPolicies" in value)


def attached(entry) -> Policy:
    arn = text_of(entry.value.get("PolicyArn")) if isinstance(entry.value, dict) else None
    if arn is None:
        raise fail(entry.at, "an attached policy needs a PolicyArn string")
    kind = AWS_MANAGED if is_aws_managed(arn) else CUSTOMER_MANAGED
    return Policy(text_of(entry.value.get("PolicyName")) or arn.rsplit("/", 1)[-1], kind, where(entry.at), arn=arn)


def boundary_of(role: dict) -> str | None:
    boundary = role.get("PermissionsBoundary")
    return text_of(boundary.value.get("PermissionsBoundaryArn")) if boundary and isinstance(boundary.value, dict) else None


def read(root, bindings) -> list[SourceRole]:
    value = root.value
    if "Role" in value:
        role = value["Role"].value
        name = text_of(role.get("RoleName"))
        if name is None or "AssumeRolePolicyDocument" not in role:
            raise fail(value["Role"].at, "get-role output needs Role.RoleName and Role.AssumeRolePolicyDocument")
        trust, trust_at = document(role["AssumeRolePolicyDocument"], "the trust policy")
        return [SourceRole(name, where(value["Role"].at), trust, where(role["AssumeRolePolicyDocument"].at),
                           boundary=boundary_of(role), arn=text_of(role.get("Arn")))]
    if "PolicyDocument" in value:
        name = text_of(value.get("PolicyName"))
        if name is None:
            raise fail(root.at, "get-role-policy output needs a PolicyName string")
        return [SourceRole(text_of(value.get("RoleName")), where(root.at),
                           policies=(inline(name, value["PolicyDocument"], INLINE),))]
    entries = value["AttachedPolicies"]
    if not isinstance(entries.value, list):
        raise fail(entries.at, "AttachedPolicies must be a list")
    return [SourceRole(None, where(root.at), policies=tuple(attached(e) for e in entries.value))]
