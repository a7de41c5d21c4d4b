"""What the owners of resources in other accounts must add for the role to work: cross-account access needs a
grant on both sides, and rolec writes only the role's side.

Read from the permission IR: every ECR repository, Secrets Manager secret and KMS key whose ARN names an
account literally (the spec gave a full ARN) may belong to another account; for each, the statement its
owner adds to the repository policy, secret resource policy or key policy, with this role's ARN as the
principal. Sources: ECR "Private repository policy examples", Secrets Manager "Access AWS Secrets Manager
secrets from a different account" (a secret shared across accounts cannot use the aws/secretsmanager key),
IAM "Cross-account policy evaluation logic".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..ir import Role
from ..text import Pseudo, Text

POLICIES = {
    "ecr": "repository policy",
    "secretsmanager": "secret resource policy",
    "kms": "key policy",
}
"""The resource-based policy the owner edits, by service."""
SECRET_KEY_RULE = ("a secret read from another account must be encrypted with a customer managed key, not the "
                   "aws/secretsmanager key (its key policy cannot be changed), and that key's policy must allow this "
                   "role kms:Decrypt; list the key under kms_keys so the role may use it too")
ALIAS_RULE = "the grant covers the keys that carry this alias (kms:ResourceAliases); add the statement to each such key"


@dataclass(frozen=True)
class OwnerGrant:
    """The statement the owner of `resource` (in `account`) adds to its `policy`, and why."""

    resource: str
    account: str
    policy: str
    statement: dict
    note: str | None


def role_arn(role: Role) -> str:
    """This role's ARN in `Text.key` form (`${AccountId}` is the deploying account), or how to find it."""
    if role.existing:
        return role.existing.arn or role.existing.arn_text.key
    if role.name:
        name = role.name.replace("{region}", "${Region}")
        return Text.of("arn:", Pseudo.PARTITION, ":iam::", Pseudo.ACCOUNT, f":role{role.path}{name}").key
    return "<the RoleArn output of this stack or module: the role's name is generated>"


def _foreign(resource: Text) -> tuple[str, str] | None:
    """(service, account) when the resource names its account literally and is of a service with resource policies."""
    if resource.deployed:
        return None
    fields = resource.key.split(":", 5)
    if len(fields) < 6 or fields[2] not in POLICIES or not fields[4]:
        return None
    return fields[2], fields[4]


def owner_grants(role: Role) -> list[OwnerGrant]:
    principal = role_arn(role)
    found: dict[str, dict] = {}
    for statement in role.statements:
        aliases = [v.key for c in statement.conditions if c.key == "kms:ResourceAliases" for v in c.values]
        for resource in statement.resources:
            foreign = _foreign(resource)
            if foreign is None:
                continue
            entry = found.setdefault(resource.key, {"service": foreign[0], "account": foreign[1], "actions": set(),
                                                    "aliases": set()})
            entry["actions"].update(statement.actions)
            entry["aliases"].update(aliases)
    grants = []
    for resource, entry in found.items():
        statement = {"Sid": f"Rolec{role.id.title().replace('-', '')}", "Effect": "Allow",
                     "Principal": {"AWS": principal}, "Action": sorted(entry["actions"])}
        if entry["service"] != "ecr":  # a repository policy has no Resource element; the others apply to "*"
            statement["Resource"] = "*"
        note = SECRET_KEY_RULE if entry["service"] == "secretsmanager" else None
        if entry["aliases"]:
            note = f"{ALIAS_RULE}: {', '.join(sorted(entry['aliases']))}"
        grants.append(OwnerGrant(resource, entry["account"], POLICIES[entry["service"]], statement, note))
    return grants


def as_data(grants: list[OwnerGrant]) -> list[dict]:
    return [{"resource": g.resource, "account": g.account, "policy": g.policy, "statement": g.statement,
             "note": g.note} for g in grants]


def output_path(role_id: str) -> str:
    return f"cross-account/{role_id}.json"


def to_json(role: Role) -> str:
    """The build output listing each owner's statement (written only when the role has foreign resources)."""
    return json.dumps({"role": role.id, "principal": role_arn(role), "applies_when": APPLIES_WHEN,
                       "owners": as_data(owner_grants(role))}, indent=2) + "\n"


APPLIES_WHEN = ("each entry applies when the resource's account is not the account the role is deployed in: "
                "cross-account access needs the owner's grant as well as the role's; ${Partition} and ${AccountId} "
                "in the principal are the role's partition and account")
