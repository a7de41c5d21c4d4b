"""IAM-aware linting with parliament (optional extra `rolec[lint]`), through its Python API.

cfn-lint checks action names but neither condition keys nor resource types inside
`Fn::Sub`; parliament checks, per action, that the action exists, that each resource
matches one of its resource types and that each condition key applies. It reads plain
IAM JSON, so each permissions policy is rendered from the IR with the pseudo parameters
filled in for real deployments (one per partition). Trust policies are not checked:
parliament models identity and resource policies only, and reports a trust policy's
missing `Resource` as malformed.

parliament 1.6.4 needs `setuptools<82` at run time (it imports pkg_resources).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..ir import Role
from ..limits import POLICY_VERSION, statement_json
from ..text import Pseudo

DEPLOYMENTS = (
    {Pseudo.PARTITION: "aws", Pseudo.REGION: "us-east-1", Pseudo.ACCOUNT: "123456789012"},
    {Pseudo.PARTITION: "aws-cn", Pseudo.REGION: "cn-north-1", Pseudo.ACCOUNT: "123456789012"},
    {Pseudo.PARTITION: "aws-us-gov", Pseudo.REGION: "us-gov-west-1", Pseudo.ACCOUNT: "123456789012"},
)
"""Regions parliament's ARN check knows the form of (it rejects e.g. us-isof-south-1)."""


@dataclass(frozen=True)
class Suppression:
    issue: str
    detail: str
    reason: str


SUPPRESSIONS = (
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "Unknown condition kms:ResourceAliases for action kms:Decrypt",
        "parliament's bundled IAM data predates kms:ResourceAliases on kms:Decrypt; AWS documents the key for it "
        "(KMS condition keys, kms:ResourceAliases), and an alias ARN in Resource grants nothing for kms:Decrypt, "
        "so the alias form must use it",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "[{'action': 'ecr:BatchImportUpstreamImage', 'required_format': '*'}]",
        "parliament's bundled IAM data lists no resource type for ecr:BatchImportUpstreamImage; the Service "
        "Authorization Reference (Amazon Elastic Container Registry, actions table) gives it repository*, and the "
        "ECR pull through cache IAM page scopes it to repository/PREFIX/*, as pull_through_cache does",
    ),
)
"""Findings that are gaps in parliament's data, not problems in the policy. Keep this list exact."""


@dataclass(frozen=True)
class Finding:
    document: str
    partition: str
    issue: str
    detail: str

    def __str__(self) -> str:
        return f"{self.document} ({self.partition}): {self.issue} {self.detail} (parliament)"


def documents(role: Role, values: dict) -> list[tuple[str, dict]]:
    """Each permissions policy of the role as IAM JSON for one deployment."""
    return [(d.name, {"Version": POLICY_VERSION, "Statement": [statement_json(s, values) for s in d.statements]})
            for d in role.documents]


def suppressed(issue: str, detail: str) -> bool:
    return any(s.issue == issue and s.detail == detail for s in SUPPRESSIONS)


def analyse(document: dict) -> list[tuple[str, str]]:
    """parliament's (issue, detail) pairs for one policy, suppressions not applied."""
    from parliament import analyze_policy_string

    policy = analyze_policy_string(json.dumps(document), ignore_private_auditors=True)
    return sorted((f.issue, str(f.detail)) for f in policy.findings)


def lint(role: Role) -> list[Finding]:
    findings = []
    for values in DEPLOYMENTS:
        for name, document in documents(role, values):
            findings.extend(Finding(name, values[Pseudo.PARTITION], issue, detail)
                            for issue, detail in analyse(document) if not suppressed(issue, detail))
    return findings
