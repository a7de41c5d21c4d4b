"""What a role must grant: the permissions rolec compiles for a spec, each with its origin."""

from __future__ import annotations

from dataclasses import dataclass

from ..iam.evaluate import as_list, statements
from ..iam.location import pseudo_form
from ..iam.managed import dataset as managed_policies
from ..ir import Role, Source

ConditionKey = tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Origin:
    """Where a need comes from: a spec key and line, or a task definition's file, line and container."""

    path: str
    line: int
    col: int
    detail: str
    """e.g. `features.secrets.secrets_manager[0]` or `container app, secrets[0].valueFrom`."""
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col} ({self.detail})"


@dataclass(frozen=True)
class Need:
    action: str
    resource: str
    """ARN or pattern, deploy-time parts written `${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}`."""
    conditions: ConditionKey
    """The conditions rolec puts on the grant: the request that the task makes carries these values."""
    origins: tuple[Origin, ...]
    equivalents: tuple[str, ...] = ()
    """Other ways a role may name this resource for this action and grant exactly the need (see log_group_needs)."""
    optional: bool = False
    """rolec grants it, so it is never excess, but a role without it still works (OPTIONAL_ACTIONS)."""


@dataclass(frozen=True)
class Needs:
    role_id: str
    needs: tuple[Need, ...]
    trust_conditions: ConditionKey
    managed_policy_arns: tuple[str, ...]
    """AWS managed policies the spec attaches (their statements are also in `needs`)."""
    keys_unknown: bool = False
    """The needs come from task definitions that read secrets, parameters or S3 objects: kms:Decrypt is "required
    only if your key uses a custom KMS key" (ECS private registry authentication and secrets pages), and a task
    definition never names that key, so a grant of it on a named key can be neither needed nor excess."""


def condition_key(conditions) -> ConditionKey:
    merged: dict[tuple[str, str], set[str]] = {}
    for c in conditions:
        merged.setdefault((c.operator, c.key), set()).update(pseudo_form(v) for v in c.values)
    return tuple(sorted((op, key, tuple(sorted(values))) for (op, key), values in merged.items()))


def _origins(sources: tuple[Source, ...], spec_path: str, resolve_origin) -> tuple[Origin, ...]:
    found = []
    for source in sources:
        if resolve_origin is not None:
            found.extend(resolve_origin(source))
        else:
            found.append(Origin(spec_path, source.line, 1, source.key, source.reason))
    return tuple(dict.fromkeys(found))


def from_role(role: Role, resolve_origin=None) -> Needs:
    """The needs of a compiled role (IR). `resolve_origin(Source) -> tuple[Origin, ...]` maps a spec source
    back to the task-definition fields it was inferred from."""
    needs: dict[tuple, Need] = {}

    def add(action: str, resource: str, conditions: ConditionKey, origins: tuple[Origin, ...]) -> None:
        key = (action.lower(), resource, conditions)
        old = needs.get(key)
        needs[key] = Need(action, resource, conditions, tuple(dict.fromkeys((old.origins if old else ()) + origins)),
                          optional=action.lower() in OPTIONAL_ACTIONS)

    for statement in role.statements:
        origins = _origins(statement.sources, role.spec_path, resolve_origin)
        for action in statement.actions:
            for resource in statement.resources:
                add(action, pseudo_form(resource), condition_key(statement.conditions), origins)
    arns = tuple(pseudo_form(arn) for arn in role.managed_policies)
    origins = _origins(role.managed_policy_sources, role.spec_path, resolve_origin)
    for arn in arns:
        policy = managed_policies().lookup(arn)
        for statement in statements(policy.document) if policy else ():
            if statement["Effect"] != "Allow" or "Action" not in statement or "Resource" not in statement:
                continue
            for action in as_list(statement["Action"]):
                for resource in as_list(statement["Resource"]):
                    add(action, resource, (), origins)
    return Needs(role.id, log_group_needs(tuple(needs.values())), condition_key(role.trust_conditions), arns)


OPTIONAL_ACTIONS = frozenset({"ecr:batchchecklayeravailability"})
"""Granted by rolec (and AmazonECSTaskExecutionRolePolicy) but not needed to pull: the ECS page's custom ECR policy
example ("Amazon ECR permissions") and AmazonEC2ContainerRegistryPullOnly grant only BatchGetImage,
GetDownloadUrlForLayer and GetAuthorizationToken."""
LOG_GROUP_ACTIONS = frozenset({"logs:createlogstream", "logs:putlogevents", "logs:createloggroup"})
STREAMS = ":log-stream:*"


def log_group_needs(needs: tuple[Need, ...]) -> tuple[Need, ...]:
    """rolec grants the awslogs actions on a group's ARN and on its streams; the request is made on the streams.
    CloudWatch Logs ("Overview of managing access permissions to your CloudWatch Logs resources") documents the
    bare `log-group:NAME` only for TagResource, UntagResource and ListTagsForResource, and `log-group:NAME:*` for
    every other action: so the need is the streams, which a role may also write `NAME:*`, and rolec's bare ARN
    is the same need, not a second one (a role that grants only the bare ARN lacks the streams)."""
    streams = {(n.action.lower(), n.resource[: -len(STREAMS)], n.conditions) for n in needs
               if n.action.lower() in LOG_GROUP_ACTIONS and n.resource.endswith(STREAMS)}
    kept = []
    for need in needs:
        action = need.action.lower()
        if (action, need.resource, need.conditions) in streams:
            continue
        if action in LOG_GROUP_ACTIONS and need.resource.endswith(STREAMS):
            group = need.resource[: -len(STREAMS)]
            need = Need(need.action, need.resource, need.conditions, need.origins, (group, group + ":*"), need.optional)
        kept.append(need)
    return tuple(kept)
