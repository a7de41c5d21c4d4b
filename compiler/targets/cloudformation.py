"""CloudFormation target: a template holding the role and its inline policy, built with troposphere."""

from __future__ import annotations

from troposphere import Export, GetAtt, Output, Ref, Sub, Tags, Template
from troposphere.iam import Policy, Role as IamRole

from ..ir import TRUST_PRINCIPAL, Condition, Role
from ..text import Text

LOGICAL_ID = "ExecutionRole"
POLICY_VERSION = "2012-10-17"


def value(text: Text):
    """A literal string, a Ref to one pseudo parameter, or a Fn::Sub."""
    if not text.pseudos:
        return text.key
    if len(text.parts) == 1:
        return Ref(f"AWS::{text.parts[0].value}")
    return Sub(text.render(lambda p: "${AWS::" + p.value + "}", lambda s: s.replace("${", "${!")))


def _conditions(conditions: tuple[Condition, ...]) -> dict:
    block: dict = {}
    for c in conditions:
        values = [value(v) for v in c.values]
        block.setdefault(c.operator, {})[c.key] = values[0] if len(values) == 1 else values
    return block


def trust_policy(role: Role) -> dict:
    statement = {
        "Sid": "EcsTasksAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": TRUST_PRINCIPAL},
        "Action": "sts:AssumeRole",
    }
    if role.trust_conditions:
        statement["Condition"] = _conditions(role.trust_conditions)
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def permissions_policy(role: Role) -> dict:
    statements = []
    for s in role.statements:
        statement = {
            "Sid": s.sid,
            "Effect": "Allow",
            "Action": list(s.actions),
            "Resource": [value(r) for r in s.resources],
        }
        if s.conditions:
            statement["Condition"] = _conditions(s.conditions)
        statements.append(statement)
    return {"Version": POLICY_VERSION, "Statement": statements}


def template(role: Role) -> Template:
    t = Template(Description=f"ECS task execution role '{role.id}', compiled by rolec from {role.id}.yaml")
    t.set_version()
    props: dict = {"AssumeRolePolicyDocument": trust_policy(role), "Path": role.path}
    if role.name:
        props["RoleName"] = role.name
    if role.description:
        props["Description"] = role.description
    if role.permissions_boundary:
        props["PermissionsBoundary"] = value(role.permissions_boundary)
    if role.max_session_duration:
        props["MaxSessionDuration"] = role.max_session_duration
    if role.tags:
        props["Tags"] = Tags(**dict(role.tags))
    if role.managed_policies:
        props["ManagedPolicyArns"] = [value(arn) for arn in role.managed_policies]
    if role.statements:
        props["Policies"] = [Policy(PolicyName=role.policy_name, PolicyDocument=permissions_policy(role))]
    resource = t.add_resource(IamRole(LOGICAL_ID, **props))
    t.add_output(Output("RoleArn", Description="ARN of the execution role (taskDefinition executionRoleArn)",
                        Value=GetAtt(resource, "Arn"), Export=Export(Sub("${AWS::StackName}-RoleArn"))))
    t.add_output(Output("RoleName", Description="Name of the execution role",
                        Value=Ref(resource), Export=Export(Sub("${AWS::StackName}-RoleName"))))
    return t


def render(role: Role) -> str:
    return template(role).to_yaml()
