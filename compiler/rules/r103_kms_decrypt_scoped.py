"""R103: kms:Decrypt on `*` or `key/*` only when narrowed by ForAnyValue kms:ResourceAliases."""

from __future__ import annotations

from . import COMPILER_BUG, Rule, Violation


def _all_keys(resource: str) -> bool:
    return resource == "*" or resource.endswith(":key/*")


def _narrowed(statement) -> bool:
    """ForAnyValue: a request for a key without aliases has no values and fails; ForAllValues would pass it."""
    return any(c.key.lower() == "kms:resourcealiases" and c.operator.startswith("ForAnyValue:") and c.values
               for c in statement.conditions)


def check(role):
    for s in role.statements:
        if "kms:Decrypt" in s.actions and any(_all_keys(r.key) for r in s.resources) and not _narrowed(s):
            yield Violation(f"statement {s.sid} grants kms:Decrypt on every key without a ForAnyValue "
                            "kms:ResourceAliases condition", s)


RULE = Rule(
    id="R103",
    description="kms:Decrypt on all keys only through kms:ResourceAliases",
    source="ECS task execution IAM role, 'Required IAM permissions for Amazon ECS secrets': kms:Decrypt only for "
           "the custom keys that encrypt the secrets (Security Hub KMS.2 flags it on all keys)",
    blame=COMPILER_BUG,
    check=check,
)
