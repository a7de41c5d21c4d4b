"""Output of `aws iam get-account-authorization-details`: many roles at once, with the customer
managed policies they attach (their default versions)."""

from __future__ import annotations

from ...sources import fail
from ..documents import document, inline, text_of, where
from ..model import CUSTOMER_MANAGED, INLINE, Policy, SourceRole
from .aws_cli_role import attached, boundary_of

NAME = "account-authorization-details"
DESCRIPTION = "aws iam get-account-authorization-details output (JSON)"
SUFFIXES = (".json",)


def claims(root) -> bool:
    return isinstance(root.value, dict) and "RoleDetailList" in root.value


def _items(node, what: str) -> list:
    if node is None:
        return []
    if not isinstance(node.value, list):
        raise fail(node.at, f"{what} must be a list")
    return node.value


def _customer_policies(root) -> dict[str, Policy]:
    found = {}
    for entry in _items(root.value.get("Policies"), "Policies"):
        arn = text_of(entry.value.get("Arn")) if isinstance(entry.value, dict) else None
        if arn is None:
            raise fail(entry.at, "a Policies entry needs an Arn")
        versions = [v for v in _items(entry.value.get("PolicyVersionList"), "PolicyVersionList")
                    if isinstance(v.value, dict) and v.value.get("IsDefaultVersion") is not None
                    and v.value["IsDefaultVersion"].value is True]
        if versions and "Document" in versions[0].value:
            policy = inline(text_of(entry.value.get("PolicyName")) or arn, versions[0].value["Document"], CUSTOMER_MANAGED)
            found[arn] = Policy(policy.name, CUSTOMER_MANAGED, policy.where, policy.document, policy.statement_where, arn)
    return found


def read(root, bindings) -> list[SourceRole]:
    customer = _customer_policies(root)
    roles = []
    for entry in _items(root.value["RoleDetailList"], "RoleDetailList"):
        role = entry.value if isinstance(entry.value, dict) else {}
        name = text_of(role.get("RoleName"))
        if name is None:
            raise fail(entry.at, "a RoleDetailList entry needs a RoleName")
        trust = trust_at = None
        if "AssumeRolePolicyDocument" in role:
            trust, _ = document(role["AssumeRolePolicyDocument"], "the trust policy")
            trust_at = where(role["AssumeRolePolicyDocument"].at)
        policies = []
        for item in _items(role.get("RolePolicyList"), "RolePolicyList"):
            if not isinstance(item.value, dict) or "PolicyDocument" not in item.value:
                raise fail(item.at, "a RolePolicyList entry needs a PolicyDocument")
            policies.append(inline(text_of(item.value.get("PolicyName")) or "inline", item.value["PolicyDocument"],
                                   INLINE, item.at))
        for item in _items(role.get("AttachedManagedPolicies"), "AttachedManagedPolicies"):
            policy = attached(item)
            if policy.arn in customer:
                known = customer[policy.arn]
                policy = Policy(policy.name, CUSTOMER_MANAGED, policy.where, known.document, known.statement_where, policy.arn)
            policies.append(policy)
        boundary = boundary_of(role)
        roles.append(SourceRole(name, where(entry.at), trust, trust_at, tuple(policies), boundary,
                                text_of(role.get("Arn")), boundary_policy=customer.get(boundary)))
    return roles
