"""CloudFormation target: a template holding the role and its inline policy, built with troposphere."""

from __future__ import annotations

from troposphere import Equals, Export, FindInMap, GetAtt, Not, Or, Output, Ref, Sub, Tags, Template
from troposphere import Condition as If
from troposphere.cloudformation import WaitConditionHandle
from troposphere.iam import ManagedPolicy, Policy, Role as IamRole

from ..ir import TRUST_PRINCIPAL, Condition, Role, Statement
from ..spec.names import MANAGED_POLICY_ACTIONS
from ..text import Lookup, Text, with_region

LOGICAL_ID = "ExecutionRole"
SPILL_LOGICAL_ID = "ExecutionPolicy"
"""Customer managed policies ExecutionPolicy1, 2, ... hold what exceeds the inline limit (limits.py)."""
POLICY_VERSION = "2012-10-17"


def value(text: Text):
    """A literal string, a Ref to one pseudo parameter, or a Fn::Sub (whose variables look up
    per-region values in the template's Mappings, see `lookup_mappings`)."""
    if not text.deployed:
        return text.key
    if len(text.parts) == 1 and not text.lookups:
        return Ref(f"AWS::{text.parts[0].value}")
    body = text.render(lambda p: "${" + (p.name if isinstance(p, Lookup) else f"AWS::{p.value}") + "}",
                       lambda s: s.replace("${", "${!"))
    if not text.lookups:
        return Sub(body)
    return Sub(body, **{p.name: FindInMap(p.name, Ref("AWS::Region"), LOOKUP_KEY) for p in text.lookups})


LOOKUP_KEY = "Value"
"""The second-level key of a lookup's Mappings entry: Mappings.NAME.REGION.Value."""


def deploy_checks(t: Template, role: Role) -> None:
    """Rules that stop the stack before it changes anything: in a region a lookup's table lacks, or in an
    account other than one the spec's resources must be in."""
    lookup_mappings(t, role)
    if role.account_checks:
        t.add_rule("ResourcesInThisAccount", {"Assertions": [
            {"Assert": Equals(Ref("AWS::AccountId"), check.account), "AssertDescription": check.message}
            for check in role.account_checks]})


def lookup_mappings(t: Template, role: Role) -> None:
    """A Mappings entry per lookup the role's policies use, and a Rule that stops the stack with a clear
    message in a region the lookup's table does not have (instead of Fn::FindInMap's bare failure)."""
    for lookup in role.lookups:
        t.add_mapping(lookup.name, {region: {LOOKUP_KEY: v} for region, v in lookup.table})
        t.add_rule(f"{lookup.name}InThisRegion", {"Assertions": [{
            "Assert": one_of(Ref("AWS::Region"), lookup.regions),
            "AssertDescription": lookup.missing,
        }]})


OR_MOST = 10
"""Fn::Or takes 2 to 10 conditions."""


def one_of(value, literals: tuple[str, ...]):
    """`value` equals one of `literals`, with the short-form functions CloudFormation's YAML knows (Fn::Contains
    has none): Fn::Equals each, joined by Fn::Or nested in groups of at most ten."""
    conditions = [Equals(value, literal) for literal in literals]
    while len(conditions) > 1:
        groups = [conditions[i:i + OR_MOST] for i in range(0, len(conditions), OR_MOST)]
        conditions = [Or(*group) if len(group) > 1 else group[0] for group in groups]
    return conditions[0]


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
    return statements_policy(role.statements)


def statements_policy(statements_: tuple[Statement, ...]) -> dict:
    statements = []
    for s in statements_:
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


HOME_REGION_CONDITION = "InHomeRegion"
ELSEWHERE_CONDITION = "OutsideHomeRegion"


def template(role: Role, home_region: str | None = None, exports: bool = True) -> Template:
    """The role's template; with `home_region` (StackSets) the role exists only in that region, and
    every other region gets a placeholder resource, since a template needs at least one.
    `exports=False` leaves the outputs unexported (StackSet instances have generated stack names)."""
    if role.existing:
        return existing_role_template(role)
    t = Template(Description=f"ECS task execution role '{role.id}', compiled by rolec from {role.id}.yaml")
    t.set_version()
    props: dict = {"AssumeRolePolicyDocument": trust_policy(role), "Path": role.path}
    if role.name:
        props["RoleName"] = value(with_region(role.name))
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
    inline = [d for d in role.documents if not d.managed]
    if inline:
        props["Policies"] = [Policy(PolicyName=d.name, PolicyDocument=statements_policy(d.statements)) for d in inline]
    only_home = {}
    if home_region:
        t.add_condition(HOME_REGION_CONDITION, Equals(Ref("AWS::Region"), home_region))
        t.add_condition(ELSEWHERE_CONDITION, Not(If(HOME_REGION_CONDITION)))
        t.add_resource(WaitConditionHandle("NoRoleOutsideHomeRegion", Condition=ELSEWHERE_CONDITION))
        only_home = {"Condition": HOME_REGION_CONDITION}
    deploy_checks(t, role)
    resource = t.add_resource(IamRole(LOGICAL_ID, **props, **only_home))
    for i, document in enumerate((d for d in role.documents if d.managed), start=1):
        t.add_resource(ManagedPolicy(
            f"{SPILL_LOGICAL_ID}{i}", Path=role.path, Roles=[Ref(resource)],
            Description=f"{document.name}: statements of '{role.id}' beyond IAM's inline policy size limit",
            PolicyDocument=statements_policy(document.statements), **only_home))
    for name, description, output in (("RoleArn", "ARN of the execution role (taskDefinition executionRoleArn)",
                                        GetAtt(resource, "Arn")),
                                       ("RoleName", "Name of the execution role", Ref(resource))):
        export = {"Export": Export(Sub("${AWS::StackName}-" + name))} if exports else {}
        t.add_output(Output(name, Description=description, Value=output, **export, **only_home))
    return t


EXISTING_POLICY_ID = "ExecutionPolicy"
MANAGED_POLICY_SID = "AmazonECSTaskExecutionRolePolicyStatements"
MANAGED_POLICY_COPY_SUPPRESSION = {"checkov": {"skip": [{
    "id": "CKV_AWS_111",
    "comment": "managed_policy: true asks for AmazonECSTaskExecutionRolePolicy, which grants logs:CreateLogStream and "
               "logs:PutLogEvents (and the ECR pull actions) on every resource; CloudFormation cannot attach an AWS "
               "managed policy to a role it does not own, so this policy carries that statement "
               f"({MANAGED_POLICY_SID}). rolec's own statements are scoped.",
}]}}
"""checkov's own suppression, in resource Metadata, for the one finding rolec cannot fix (tests/targets/test_scanner_suppressions.py)."""


def managed_policy_statement() -> dict:
    """AmazonECSTaskExecutionRolePolicy's one statement, as the AWS page quotes it, for a role the
    stack does not own: CloudFormation can attach an AWS managed policy only to a role it creates."""
    return {"Sid": MANAGED_POLICY_SID, "Effect": "Allow", "Action": sorted(MANAGED_POLICY_ACTIONS), "Resource": "*"}


def existing_role_rule(role: Role) -> dict:
    """Stop the stack before it changes anything when the spec's role ARN is not in the deploying
    partition and account (IAM cannot attach a policy to a role in another account)."""
    existing = role.existing
    return {"Assertions": [
        {"Assert": Equals(Ref("AWS::AccountId"), existing.account),
         "AssertDescription": f"role.existing is {existing.arn}: deploy this stack in account {existing.account}; "
                              "IAM cannot attach a policy to a role in another account"},
        {"Assert": Equals(Ref("AWS::Partition"), existing.partition),
         "AssertDescription": f"role.existing is {existing.arn}: deploy this stack in partition {existing.partition}"},
    ]}


def existing_role_template(role: Role) -> Template:
    """A customer managed policy attached to a role the stack does not own; deleting the stack
    detaches and deletes the policy and leaves the role as it was."""
    existing = role.existing
    t = Template(Description=f"Permissions rolec adds to the existing ECS task execution role '{existing.name}', "
                             f"compiled by rolec from {role.id}.yaml")
    t.set_version()
    if existing.arn:
        t.add_rule("ExistingRoleInThisAccount", existing_role_rule(role))
    deploy_checks(t, role)
    document = permissions_policy(role)
    if role.managed_policies:
        document["Statement"].insert(0, managed_policy_statement())
    suppression = {"Metadata": MANAGED_POLICY_COPY_SUPPRESSION} if role.managed_policies else {}
    t.add_resource(ManagedPolicy(
        EXISTING_POLICY_ID,
        Description=f"Permissions of ECS task execution role {existing.name} from rolec spec {role.id}.yaml",
        PolicyDocument=document,
        Roles=[existing.name],
        **suppression,
    ))
    t.add_output(Output("RoleArn", Description="ARN of the execution role (taskDefinition executionRoleArn)",
                        Value=value(existing.arn_text), Export=Export(Sub("${AWS::StackName}-RoleArn"))))
    t.add_output(Output("RoleName", Description="Name of the execution role",
                        Value=existing.name, Export=Export(Sub("${AWS::StackName}-RoleName"))))
    return t


def render(role: Role, home_region: str | None = None, exports: bool = True) -> str:
    return template(role, home_region, exports).to_yaml()
