"""compiler/roles/formats/cloudformation.py on templates whose IAM properties have the wrong shape: each is a
located error (exit 2), never an internal error. AWS::IAM::Role: Policies is a list of Policy objects,
ManagedPolicyArns a list of strings, PermissionsBoundary a string; AWS::IAM::Policy needs a PolicyDocument;
a policy's Principal is "*" or an object of strings or lists of strings (IAM JSON policy elements: Principal)."""

from __future__ import annotations

import pytest

from rolec.roles import RoleSourceError, load

ROLE = """\
Resources:
  Exec:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {principal}, Action: sts:AssumeRole}}]
{properties}
"""
TRUST = "{Service: ecs-tasks.amazonaws.com}"
POLICY = """\
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Exec]
"""


@pytest.mark.parametrize("principal, properties, line, fragment", [
    (TRUST, "      Policies: 5", 7, "Policies"),
    (TRUST, "      ManagedPolicyArns: 5", 7, "ManagedPolicyArns"),
    (TRUST, "      ManagedPolicyArns: [5]", 7, "ManagedPolicyArns"),
    (TRUST, "      ManagedPolicyArns: [[arn:aws:iam::aws:policy/ReadOnlyAccess]]", 7, "ManagedPolicyArns"),
    (TRUST, "      PermissionsBoundary: [arn:aws:iam::123456789012:policy/b]", 7, "PermissionsBoundary"),
    ("5", "", 6, "Principal"),
    ("{Service: [[ecs-tasks.amazonaws.com]]}", "", 6, "Principal"),
    (TRUST, POLICY, 8, "PolicyDocument"),
])
def test_a_property_of_the_wrong_shape_is_located(tmp_path, principal, properties, line, fragment):
    path = tmp_path / "role.yaml"
    path.write_text(ROLE.format(principal=principal, properties=properties))
    with pytest.raises(RoleSourceError) as caught:
        load([path])
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.line == line and fragment in diagnostic.message, diagnostic


def test_a_permissions_boundary_of_the_same_template_is_read_with_its_document(tmp_path):
    """PermissionsBoundary: !Ref Boundary (an AWS::IAM::ManagedPolicy of the template) is the usual form: its ARN is
    CloudFormation's to make, but its document is in the template."""
    path = tmp_path / "role.yaml"
    path.write_text(ROLE.format(principal=TRUST, properties="      PermissionsBoundary: !Ref Boundary") + """\
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "ecr:*", Resource: "*"}]
""")
    [role] = load([path])
    assert role.boundary == "Boundary" and role.boundary_policy.document["Statement"][0]["Action"] == "ecr:*"
    assert role.policies == ()  # the boundary limits the role; it grants nothing
