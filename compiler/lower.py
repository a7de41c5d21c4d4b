"""Lower a validated spec to the permission IR (`ir.Role`): the features' grants and the role's settings.

Nothing after this needs the spec: the passes (compiler/passes) take the role from here.
"""

from __future__ import annotations

from .aws.iam import MANAGED_POLICY, MANAGED_POLICY_ACTIONS
from .features import Context, catalog
from .ir import AccountCheck, Condition, Grant, Note, Role, Source
from .spec.v1 import Spec
from .text import Pseudo, Text

SOURCE_ARN = Text.of("arn:", Pseudo.PARTITION, ":ecs:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":*")
TRUST_REASON = (
    "aws:SourceAccount and aws:SourceArn let ecs-tasks.amazonaws.com assume the role only on behalf of ECS in "
    "this account, which prevents the confused deputy problem"
)
MANAGED_POLICY_REASON = "managed_policy: true attaches AmazonECSTaskExecutionRolePolicy, as the classic ecsTaskExecutionRole does"


ANCHORS = ("features", "stackset", "role.name", "role.path")
"""Spec keys whose positions the passes and the build may blame (ir.Role.anchors)."""


def lower(spec: Spec) -> Role:
    grants: list[Grant] = []
    notes: list[Note] = []
    account_checks: list[AccountCheck] = []
    for feature in catalog():
        block = spec.features.get(feature.name)
        if block is None:
            continue
        ctx = Context(feature.name, spec.positions, spec.managed_policy)
        for grant in feature.grants(block, ctx):
            if isinstance(grant, Note):
                notes.append(grant)
                continue
            if isinstance(grant, AccountCheck):
                account_checks.append(grant)
                continue
            if spec.managed_policy and not grant.conditions and set(grant.actions) <= MANAGED_POLICY_ACTIONS:
                key = grant.sources[0].key
                notes.append(Note(feature.name, key, grant.sources[0].line,
                                  f"{', '.join(grant.actions)} already granted on every resource by "
                                  "AmazonECSTaskExecutionRolePolicy (managed_policy: true); no statement added"))
                continue
            grants.append(grant)
    trust = ()
    if spec.source_account:
        trust = (
            Condition("StringEquals", "aws:SourceAccount", (Text.of(Pseudo.ACCOUNT),)),
            Condition("ArnLike", "aws:SourceArn", (SOURCE_ARN,)),
        )
    role = spec.role
    if role["existing"] is not None and spec.managed_policy:
        notes.append(_existing_managed_policy_note(spec))
    if role["existing"] is not None and role["existing"].arn is None:
        notes.append(Note("role", "role.existing", spec.positions.get("role.existing", (1, 1))[0],
                          f"role.existing names the role {role['existing'].name}: Terraform checks that its path is "
                          f"{role['existing'].path} before it changes anything, CloudFormation cannot, and its RoleArn "
                          "output assumes it; give the role's ARN to have CloudFormation check account and "
                          "partition, and both targets agree on the path"))
    managed_policies = (MANAGED_POLICY,) if spec.managed_policy else ()
    return Role(
        id=spec.id,
        spec_path=spec.path,
        description=spec.description,
        name=role["name"],
        path=role["path"],
        permissions_boundary=role["permissions_boundary"],
        max_session_duration=role["max_session_duration"],
        tags=tuple(sorted(role["tags"].items())),
        trust_conditions=trust,
        managed_policies=managed_policies,
        statements=(),
        notes=tuple(notes),
        existing=role["existing"],
        account_checks=tuple(dict.fromkeys(account_checks)),
        trust_sources=_role_source(spec, "trust.source_account", TRUST_REASON) if trust else (),
        managed_policy_sources=_role_source(spec, "managed_policy", MANAGED_POLICY_REASON) if spec.managed_policy else (),
        grants=tuple(grants),
        rollout=spec.stackset,
        anchors=tuple((key, spec.positions[key]) for key in ANCHORS if key in spec.positions),
    )


def _existing_managed_policy_note(spec: Spec) -> Note:
    """How managed_policy: true reaches a role the outputs do not own, which differs per target."""
    return Note("managed_policy", "managed_policy", spec.positions.get("managed_policy", (1, 1))[0],
                "role.existing: Terraform attaches AmazonECSTaskExecutionRolePolicy to the existing role "
                "(terraform destroy detaches it again, even if it was attached before); CloudFormation cannot "
                "attach an AWS managed policy to a role it does not own, so its customer managed policy carries "
                "the same statements (the six ECR and CloudWatch Logs actions on \"*\", as the AWS page quotes "
                "the policy) and does not follow later AWS changes to AmazonECSTaskExecutionRolePolicy")


def _role_source(spec: Spec, key: str, reason: str) -> tuple[Source, ...]:
    return (Source("role", key, spec.positions.get(key, (1, 1))[0], reason),)
