"""compiler/roles/formats/account_authorization_details.py: the export holds the customer managed policies'
documents, a role's permissions boundary among them."""

from __future__ import annotations

import json

from rolec.audit.compare import audit_role
from rolec.audit.needs import Need, Needs, Origin
from rolec.iam.location import Location
from rolec.roles import load

BOUNDARY = "arn:aws:iam::123456789012:policy/ecr-only"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"


def test_a_customer_managed_boundary_in_the_export_is_applied(tmp_path):
    """IAM, Permissions boundaries: the effective permissions are the intersection of the role's policies and its
    boundary; the export gives the boundary's default version, so a need the boundary does not allow is missing."""
    export = {
        "RoleDetailList": [{"RoleName": "web-exec", "Arn": "arn:aws:iam::123456789012:role/web-exec",
                            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": BOUNDARY},
                            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": SECRET}]}}],
                            "AttachedManagedPolicies": []}],
        "Policies": [{"PolicyName": "ecr-only", "Arn": BOUNDARY, "PolicyVersionList": [
            {"IsDefaultVersion": True, "Document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}}]}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, indent=1))
    [role] = load([path])
    assert role.boundary == BOUNDARY and role.boundary_policy is not None
    needs = Needs("web", (Need("secretsmanager:GetSecretValue", SECRET, (), (Origin("t.json", 1, 1, "secrets[0]"),)),), (), ())
    [missing] = audit_role(role, needs, Location()).missing
    assert "permissions boundary" in missing.reasons[0]
