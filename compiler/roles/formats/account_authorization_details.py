"""Output of `aws iam get-account-authorization-details`: many roles at once, with the customer
managed policies they attach (their default versions)."""

from __future__ import annotations

from .. import jsonlines
from ..documents import inline
from ..model import CUSTOMER_MANAGED, INLINE, Policy, SourceRole, error
from .aws_cli_role import attached

NAME = "account-authorization-details"
DESCRIPTION = "aws iam get-account-authorization-details output (JSON)"
SUFFIXES = (".json",)


def claims(data) -> bool:
    return isinstance(data, dict) and "RoleDetailList" in data


def _customer_policies(source, where) -> dict[str, Policy]:
    data = source.data
    found = {}
    for entry in data.get("Policies") or []:
        here = source.where(entry, where)
        if not isinstance(entry, dict) or not isinstance(entry.get("Arn"), str):
            raise error(here, "a Policies entry needs an Arn")
        versions = [v for v in entry.get("PolicyVersionList") or [] if isinstance(v, dict) and v.get("IsDefaultVersion")]
        if not versions:
            continue
        node = versions[0].get("Document")
        policy = inline(source, str(entry.get("PolicyName") or entry["Arn"]), node,
                        source.where(node, here), CUSTOMER_MANAGED)
        found[str(entry["Arn"])] = Policy(policy.name, CUSTOMER_MANAGED, policy.where, policy.document,
                                          policy.statement_where, str(entry["Arn"]))
    return found


def read(source, bindings) -> list[SourceRole]:
    data = source.data
    where = source.where(data)
    if not isinstance(data["RoleDetailList"], list):
        raise error(where, "RoleDetailList must be a list")
    customer = _customer_policies(source, where)
    roles = []
    for role in data["RoleDetailList"]:
        here = source.where(role, where)
        if not isinstance(role, dict) or not isinstance(role.get("RoleName"), str):
            raise error(here, "a RoleDetailList entry needs a RoleName")
        trust_node = role.get("AssumeRolePolicyDocument")
        trust = inline(source, "trust", trust_node, source.where(trust_node, here), INLINE) if trust_node else None
        policies = []
        for entry in role.get("RolePolicyList") or []:
            at = source.where(entry, here)
            if not isinstance(entry, dict) or "PolicyDocument" not in entry:
                raise error(at, "a RolePolicyList entry needs a PolicyDocument")
            node = entry["PolicyDocument"]
            policies.append(inline(source, str(entry.get("PolicyName", "inline")), node, source.where(node, at), INLINE))
        for entry in role.get("AttachedManagedPolicies") or []:
            policy = attached(source, entry, here)
            if policy.kind == CUSTOMER_MANAGED and policy.arn in customer:
                known = customer[policy.arn]
                policy = Policy(policy.name, CUSTOMER_MANAGED, policy.where, known.document, known.statement_where, policy.arn)
            policies.append(policy)
        boundary = role.get("PermissionsBoundary")
        boundary = boundary.get("PermissionsBoundaryArn") if isinstance(boundary, dict) else None
        roles.append(SourceRole(str(role["RoleName"]), here, trust.document if trust else None,
                                trust.where if trust else None, tuple(policies),
                                str(boundary) if boundary else None, str(role.get("Arn") or "") or None))
    return roles
