"""What a spec's features need from the execution role in one deployment, written from AWS's pages (the team's
catalogue of them, shared/aws/EXECUTION_ROLE_FEATURES.md beside the repository, rows E1-E8, L1-L4, F1, S1-S3;
docs/features.md names each page), not from rolec's code: requests that must be allowed, and near misses that
must be denied.

`Model.allowance` is the least each listed item may be granted, in the documented resource forms; a near miss
is kept only when no listed item could grant it (a neighbour of one item may be another listed item), so a
denied near miss is a real least-privilege claim. Resources the spec names by name resolve in the deploying
partition, region and account; `{partition}`, `{account}` and `{region}` in an ARN stand for the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from rolec.aws.guardduty_agent_accounts import ACCOUNTS as GUARDDUTY_AGENT_ACCOUNTS
from rolec.aws.guardduty_agent_accounts import REPOSITORY as GUARDDUTY_AGENT_REPOSITORY

from .outputs import Deployment
from .strategies import DEPLOYMENT_REGIONS

AUTH_TOKEN = "ecr:GetAuthorizationToken"
LAYERS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
LOG_WRITE = ("logs:CreateLogStream", "logs:PutLogEvents")
MANAGED_POLICY_ACTIONS = (AUTH_TOKEN, *LAYERS, *LOG_WRITE)
"""AmazonECSTaskExecutionRolePolicy v1, on "*" (catalogue section 6.1)."""
IMPORT = "ecr:BatchImportUpstreamImage"
OTHER_ACCOUNT = "999988887777"
OTHER_KEY = "0f0e0d0c-0b0a-4908-8706-050403020100"
WRITES = {"s3": ("s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:PutObjectAcl"),
          "ecr": ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:DeleteRepository", "ecr:TagResource"),
          "kms": ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"),
          "logs": ("logs:DeleteLogGroup", "logs:PutRetentionPolicy"),
          "secretsmanager": ("secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"),
          "ssm": ("ssm:PutParameter", "ssm:GetParameter")}
"""Actions on the same resources that no feature asks for (writes, and reads the pages do not name)."""


def resolve(value: str, d: Deployment) -> str:
    """An ARN as written in a spec, for this deployment."""
    return value.replace("{partition}", d.partition).replace("{account}", d.account).replace("{region}", d.region)


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: tuple[tuple[str, object], ...] = ()
    why: str = ""

    @property
    def context_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self.context}


@dataclass(frozen=True)
class Allowance:
    """Documented grant: these actions on resources `matches` accepts, when `holds` accepts the request context."""

    actions: frozenset[str]
    matches: Callable[[str], bool]
    holds: Callable[[dict], bool] = lambda context: True

    def covers(self, request: Request) -> bool:
        return (request.action.lower() in self.actions and self.matches(request.resource)
                and self.holds(request.context_dict))


@dataclass
class Model:
    deployment: Deployment
    needed: list[Request] = field(default_factory=list)
    candidates: list[Request] = field(default_factory=list)
    allowance: list[Allowance] = field(default_factory=list)
    actions: set[str] = field(default_factory=set)
    """Every action a feature of the spec may be granted (lower case)."""
    refused: str | None = None
    """Why both targets must stop this deployment (a region outside a table AWS publishes), if they must."""

    def allow(self, actions, matches, holds=lambda context: True) -> None:
        lowered = frozenset(a.lower() for a in actions)
        self.actions |= lowered
        self.allowance.append(Allowance(lowered, matches, holds))

    def need(self, action: str, resource: str, why: str, context: dict | None = None) -> None:
        self.needed.append(Request(action, resource, _frozen(context), why))

    def near(self, action: str, resource: str, why: str, context: dict | None = None) -> None:
        self.candidates.append(Request(action, resource, _frozen(context), why))

    def covered(self, request: Request) -> bool:
        return any(a.covers(request) for a in self.allowance)

    @property
    def near_misses(self) -> list[Request]:
        return [r for r in self.candidates if not self.covered(r)]


def _frozen(context: dict | None) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (context or {}).items()))


def _fields(arn: str) -> list[str]:
    return arn.split(":", 5)


def with_field(arn: str, index: int, value: str) -> str:
    fields = _fields(arn)
    fields[index] = value
    return ":".join(fields)


def other_partition(arn: str) -> str:
    return with_field(arn, 1, "aws-cn" if _fields(arn)[1] != "aws-cn" else "aws")


def other_region(arn: str) -> str:
    region = _fields(arn)[3]
    partition = _fields(arn)[1]
    regions = DEPLOYMENT_REGIONS.get(partition, DEPLOYMENT_REGIONS["aws"])
    return with_field(arn, 3, next(r for r in regions if r != region))


def other_account(arn: str) -> str:
    return with_field(arn, 4, OTHER_ACCOUNT if _fields(arn)[4] != OTHER_ACCOUNT else "111111111111")


def _exact(arn: str) -> Callable[[str], bool]:
    return lambda resource: resource == arn


def _under(head: str) -> Callable[[str], bool]:
    return lambda resource: resource.startswith(head)


def serving(spec: dict, deployments: list[Deployment]) -> Model:
    """One role serving several deployments (a StackSet's home-region role serves every StackSet region): the
    needs and allowance of each, near misses kept only when none of them may be granted them."""
    merged = Model(deployments[0])
    for one in (model(spec, d) for d in deployments):
        merged.needed += one.needed
        merged.candidates += one.candidates
        merged.allowance += one.allowance
        merged.actions |= one.actions
        merged.refused = merged.refused or one.refused
    return merged


def model(spec: dict, deployment: Deployment) -> Model:
    """What `spec` needs deployed as `deployment`: each feature's requests and near misses, the customer managed
    keys of every feature together, and the AWS managed policy's actions on "*" with `managed_policy: true`."""
    m = Model(deployment)
    features = spec.get("features", {})
    managed = spec.get("managed_policy", False)
    if managed:
        m.allow(MANAGED_POLICY_ACTIONS, lambda resource: True)
    for name, block in features.items():
        FEATURES[name](block, m, managed)
    keys = [key for block in features.values() for key in block.get("kms_keys", ())]
    if keys:
        _kms(keys, m)
    return m


# --------------------------------------------------------------------------- #
# ECR: E1/E2 (ecr_pull), E3 (vpc_endpoint), E4 (pull through cache), E8 (GuardDuty agent)


def _auth_token(m: Model) -> None:
    m.allow([AUTH_TOKEN], lambda resource: resource == "*")
    m.need(AUTH_TOKEN, "*", "E1: GetAuthorizationToken has no resource-level permissions")


def _repository(value: str, d: Deployment) -> str:
    """A repository's ARN; a name may be built from `{account}` and `{region}` like an S3 bucket's."""
    return resolve(value, d) if value.startswith("arn:") else d.arn("ecr", f"repository/{resolve(value, d)}")


def ecr_pull(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    _auth_token(m)
    endpoint = block.get("vpc_endpoint") or {}
    vpce, vpc = endpoint.get("source_vpce", []), endpoint.get("source_vpc", [])

    def through_endpoint(context: dict) -> bool:
        return (not vpce or context.get("aws:SourceVpce") in vpce) and (not vpc or context.get("aws:SourceVpc") in vpc)

    good = {**({"aws:SourceVpce": vpce[0]} if vpce else {}), **({"aws:SourceVpc": vpc[0]} if vpc else {})}
    for value in block["repositories"]:
        arn = _repository(value, d)
        m.allow(LAYERS, _exact(arn), through_endpoint)
        for action in LAYERS:
            m.need(action, arn, f"E1: pull {value}", good)
            for near, why in ((arn + "x", "another repository"), (arn + "/child", "a repository under it"),
                              (other_account(arn), "another account"), (other_region(arn), "another region"),
                              (other_partition(arn), "another partition")):
                m.near(action, near, f"E1 {why}: {value}", good)
            if "{" in value and not value.startswith("arn:"):  # named after the deployment: not another one's
                for other in (Deployment(d.partition, d.region, OTHER_ACCOUNT),
                              Deployment(d.partition, other_region(arn).split(":")[3], d.account)):
                    m.near(action, d.arn("ecr", f"repository/{resolve(value, other)}"),
                           f"E1: the repository named after another deployment: {value}", good)
            if endpoint:
                m.near(action, arn, f"E3: {value} not through the endpoint", {})
                m.near(action, arn, f"E3: {value} through another endpoint",
                       {**good, **({"aws:SourceVpce": "vpce-0ffffffffffffffff"} if vpce else
                                   {"aws:SourceVpc": "vpc-0fffffff"})})
        for action in WRITES["ecr"] + (IMPORT,):
            m.near(action, arn, f"E1: pulling {value} writes nothing", good)


def pull_through_cache(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    _auth_token(m)
    pull = (*LAYERS, IMPORT)
    create = block.get("create_repository", False)
    for prefix in block["prefixes"]:
        head = d.arn("ecr", f"repository/{prefix}/")
        m.allow(pull + (("ecr:CreateRepository",) if create else ()), _under(head))
        image = head + "library/nginx"
        for action in pull:
            m.need(action, image, f"E4: pull and import through the cache rule {prefix}")
        if create:
            m.need("ecr:CreateRepository", image, f"E4: first pull through {prefix} creates the repository")
        else:
            m.near("ecr:CreateRepository", image, f"E4: create_repository is off for {prefix}")
        parent = prefix.rsplit("/", 1)[0] + "/x-other" if "/" in prefix else "x-" + prefix
        for action in (*pull, "ecr:CreateRepository"):
            for near, why in ((d.arn("ecr", f"repository/{prefix}"), "the prefix itself"),
                              (d.arn("ecr", f"repository/{prefix}x/library/nginx"), "a longer prefix"),
                              (d.arn("ecr", f"repository/{parent}/library/nginx"), "a neighbouring prefix"),
                              (other_account(image), "another account"), (other_region(image), "another region"),
                              (other_partition(image), "another partition")):
                m.near(action, near, f"E4 {why}: outside {prefix}/")
        for action in WRITES["ecr"]:
            m.near(action, image, f"E4: only pull, import (and create) under {prefix}/")


def runtime_monitoring(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    if not block["guardduty_agent"]:
        return
    _auth_token(m)
    account = GUARDDUTY_AGENT_ACCOUNTS.get(d.region)
    if account is None:
        if not managed:  # with the managed policy the agent image is covered by its ECR actions on "*"
            m.refused = "GuardDuty lists no aws-guardduty-agent-fargate repository for this region"
        return
    agent = f"arn:{d.partition}:ecr:{d.region}:{account}:repository/{GUARDDUTY_AGENT_REPOSITORY}"
    m.allow(LAYERS, _exact(agent))
    elsewhere = [r for r in DEPLOYMENT_REGIONS[d.partition] if r != d.region and r in GUARDDUTY_AGENT_ACCOUNTS]
    others = [f"arn:{d.partition}:ecr:{r}:{GUARDDUTY_AGENT_ACCOUNTS[r]}:repository/{GUARDDUTY_AGENT_REPOSITORY}"
              for r in elsewhere]
    for action in LAYERS:
        m.need(action, agent, "E8: ECS pulls the GuardDuty agent sidecar of the deploying region")
        for near in others:
            m.near(action, near, "E8: another region's GuardDuty agent repository")
        for region in elsewhere:  # the deploying region, another region's account
            m.near(action, with_field(agent, 4, GUARDDUTY_AGENT_ACCOUNTS[region]),
                   f"E8: {region}'s GuardDuty account in {d.region}")
        m.near(action, d.arn("ecr", f"repository/{GUARDDUTY_AGENT_REPOSITORY}"), "E8: the deploying account")
        for name in (GUARDDUTY_AGENT_REPOSITORY + "-x", "aws-guardduty-agent-ecs-ec2", GUARDDUTY_AGENT_REPOSITORY + "/x"):
            m.near(action, with_field(agent, 5, f"repository/{name}"), "E8: another repository of GuardDuty's account")
        m.near(action, other_partition(agent), "E8: another partition")
    for action in (*WRITES["ecr"], IMPORT, "ecr:CreateRepository", "guardduty:SendSecurityTelemetry"):
        m.near(action, agent, "E8: only the pull actions")


# --------------------------------------------------------------------------- #
# CloudWatch Logs: L1, L2


def _log_group(value: str, d: Deployment) -> str:
    return resolve(value, d) if value.startswith("arn:") else d.arn("logs", f"log-group:{value}")


def awslogs(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    create = block.get("create_group", False)
    for value in block["log_groups"]:
        group = _log_group(value, d)
        in_group = lambda resource, group=group: resource == group or resource.startswith(group + ":log-stream:")
        m.allow(LOG_WRITE + (("logs:CreateLogGroup",) if create else ()), in_group)
        stream = f"{group}:log-stream:ecs/app/0123456789abcdef"
        for action in LOG_WRITE:
            m.need(action, stream, f"L1: write to {value}")
            for near in (f"{group}x:log-stream:s", f"{group}/child:log-stream:s", other_account(stream),
                         other_region(stream), other_partition(stream)):
                m.near(action, near, f"L1: another group than {value}")
        if create:
            m.need("logs:CreateLogGroup", group, f"L2: create {value}")
        else:
            m.near("logs:CreateLogGroup", group, f"L2: create_group is off for {value}")
        m.near("logs:CreateLogGroup", group + "x", f"L2: another group than {value}")
        for action in WRITES["logs"]:
            m.near(action, group, f"L1: only write to {value}")


# --------------------------------------------------------------------------- #
# Secrets Manager and Parameter Store: S1-S3, E7


_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
_ANY_SUFFIX = "-[A-Za-z0-9]{6}"


def _secret(value: str, d: Deployment) -> tuple[str, bool]:
    """(the secret's ARN without its suffix, False) or (its full ARN, True) when the value carries the suffix."""
    if not value.startswith("arn:"):
        return d.arn("secretsmanager", f"secret:{value}"), False
    arn = resolve(value, d)
    head, name = arn.split(":secret:", 1)
    name = name.split(":", 1)[0]
    if name.endswith("-??????"):
        return f"{head}:secret:{name[:-7]}", False
    # rolec's rule for a secret ARN: a six-character tail with a digit or an upper-case letter is the suffix.
    tail = _SUFFIX.search(name)
    if tail and not (tail[0][1:].isalpha() and tail[0][1:].islower()):
        return f"{head}:secret:{name}", True
    return f"{head}:secret:{name}", False


def _secret_grant(arn: str, exact: bool, m: Model, why: str) -> None:
    action = "secretsmanager:GetSecretValue"
    if exact:
        m.allow([action], _exact(arn))
        m.need(action, arn, why)
        m.near(action, arn[:-7] + "x" + arn[-7:], f"{why}: another secret")
        m.near(action, arn[:-1], f"{why}: a shorter suffix")
        near = arn
    else:
        pattern = re.compile(re.escape(arn) + _ANY_SUFFIX)
        m.allow([action], lambda resource: pattern.fullmatch(resource) is not None)
        near = arn + "-AbC123"
        m.need(action, near, why)
        for other in (arn + "x-AbC123", arn + "-other-AbC123", arn + "-AbC12", arn + "-AbC1234", arn + "/x-AbC123"):
            m.near(action, other, f"{why}: another secret")
    m.near(action, other_account(near), f"{why}: another account")
    m.near(action, other_region(near), f"{why}: another region")
    for write in WRITES["secretsmanager"]:
        m.near(write, near, f"{why}: only read")


def secrets(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    for value in block.get("ssm_parameters", ()):
        if value.startswith("arn:"):
            arn = resolve(value, d)
        else:
            arn = d.arn("ssm", "parameter/" + value.lstrip("/"))
        m.allow(["ssm:GetParameters"], _exact(arn))
        m.need("ssm:GetParameters", arn, f"S2: {value}")
        for near in (arn + "x", arn + "/child", other_account(arn), other_region(arn)):
            m.near("ssm:GetParameters", near, f"S2: another parameter than {value}")
        for write in WRITES["ssm"]:
            m.near(write, arn, f"S2: only ssm:GetParameters on {value}")
        name = arn.split(":parameter/", 1)[1]
        if name.startswith("aws/reference/secretsmanager/"):
            referenced = name.removeprefix("aws/reference/secretsmanager/")
            _secret_grant(with_field(arn, 2, "secretsmanager").rsplit(":", 1)[0] + f":secret:{referenced}", False, m,
                          f"S3: {value} references a secret")
    for value in block.get("secrets_manager", ()):
        _secret_grant(*_secret(value, d), m, f"S1: {value}")


def private_registry_auth(block: dict, m: Model, managed: bool) -> None:
    for value in block["secrets"]:
        _secret_grant(*_secret(value, m.deployment), m, f"E7: registry credentials {value}")


# --------------------------------------------------------------------------- #
# KMS: the customer managed keys of E7, S1-S3 and the S3 objects (F1, L4)


def _kms(keys: list[str], m: Model) -> None:
    d = m.deployment
    for value in keys:
        arn = resolve(value, d) if value.startswith("arn:") else None
        if value.startswith("alias/") or (arn and ":alias/" in arn):
            alias = value if not arn else "alias/" + arn.split(":alias/", 1)[1]
            scope = (arn.split(":alias/")[0] if arn else f"arn:{d.partition}:kms:{d.region}:{d.account}") + ":key/"
            m.allow(["kms:Decrypt"], _under(scope),
                    lambda context, alias=alias: alias in (context.get("kms:ResourceAliases") or ()))
            key = scope + OTHER_KEY
            m.need("kms:Decrypt", key, f"kms_keys: a key with {alias}", {"kms:ResourceAliases": ["alias/x-other", alias]})
            m.near("kms:Decrypt", key, f"kms_keys: a key without {alias}", {"kms:ResourceAliases": ["alias/x-other"]})
            m.near("kms:Decrypt", key, f"kms_keys: a key with no alias for {alias}")
            m.near("kms:Decrypt", key, f"kms_keys: a longer alias than {alias}", {"kms:ResourceAliases": [alias + "x"]})
            m.near("kms:Decrypt", other_account(key), f"kms_keys: {alias} in another account",
                   {"kms:ResourceAliases": [alias]})
            m.near("kms:Decrypt", other_region(key), f"kms_keys: {alias} in another region",
                   {"kms:ResourceAliases": [alias]})
            near = key
        else:
            arn = arn or d.arn("kms", f"key/{value}")
            m.allow(["kms:Decrypt"], _exact(arn))
            m.need("kms:Decrypt", arn, f"kms_keys: {value}")
            for other in (with_field(arn, 5, f"key/{OTHER_KEY}"), other_account(arn), other_region(arn),
                          other_partition(arn)):
                m.near("kms:Decrypt", other, f"kms_keys: another key than {value}")
            near = arn
        for write in WRITES["kms"]:
            m.near(write, near, f"kms_keys: only kms:Decrypt for {value}", {"kms:ResourceAliases": ["alias/any"]})


# --------------------------------------------------------------------------- #
# S3 files: F1 (environment files), L4 (FireLens configuration), and the bucket-owner condition of S1


def _elsewhere(value: str, d: Deployment) -> list[tuple[str, str]]:
    """The ARN `value` stands for elsewhere, with why it is a near miss: in another partition, and for a bucket
    named after the deploying account or region, the bucket of another account or region."""
    found = [(other_partition(resolve(value, d)), "another partition")]
    if "{account}" in value:
        found.append((resolve(value, Deployment(d.partition, d.region, OTHER_ACCOUNT)), "another account's bucket"))
    if "{region}" in value:
        region = next(r for r in DEPLOYMENT_REGIONS[d.partition] if r != d.region)
        found.append((resolve(value, Deployment(d.partition, region, d.account)), "another region's bucket"))
    return found


def _bucket(arn: str) -> str:
    return arn.split("/", 1)[0]


def s3_files(block: dict, m: Model, managed: bool) -> None:
    d = m.deployment
    owner = block.get("bucket_owner")
    owner = d.account if owner is None else str(owner)
    if owner == "any":
        holds, own, strangers = (lambda context: True), {"aws:ResourceAccount": OTHER_ACCOUNT}, []
    else:
        holds = lambda context: context.get("aws:ResourceAccount") == owner  # noqa: E731
        own = {"aws:ResourceAccount": owner}
        other = OTHER_ACCOUNT if owner != OTHER_ACCOUNT else "111111111111"
        strangers = [({"aws:ResourceAccount": other}, "a bucket of the same name in another account"),
                     ({}, "without aws:ResourceAccount")]
    files = [(v, False) for name in ("environment_files", "firelens_config") for v in block.get(name, ())]
    files += [(v, True) for v in block.get("prefixes", ())]
    for value, is_prefix in files:
        arn = resolve(value, d)
        bucket, key = _bucket(arn), arn.split("/", 1)[1]
        m.allow(["s3:GetObject"], _under(arn) if is_prefix else _exact(arn), holds)
        m.allow(["s3:GetBucketLocation"], _exact(bucket), holds)
        sample = "a.env" if is_prefix else ""
        for obj in ([arn + "a.env", arn + "team/b.conf"] if is_prefix else [arn]):
            m.need("s3:GetObject", obj, f"F1/L4: the agent reads {value}", own)
        m.need("s3:GetBucketLocation", bucket, f"F1/L4: the bucket of {value}", own)
        for context, why in strangers:
            m.near("s3:GetObject", arn + sample, f"bucket owner: {why}", context)
            m.near("s3:GetBucketLocation", bucket, f"bucket owner: {why}", context)
        nearby = [(bucket + "/x-other.env", "another object in the bucket"),
                  (f"{bucket}x/{key}{sample}", "the same key in another bucket"),
                  (bucket, "s3:GetObject on the bucket ARN")]
        if is_prefix:
            nearby += [(arn[:-1], "the folder without its slash"), (arn[:-1] + "x/a.env", "a folder named alike")]
        else:
            nearby += [(arn + "x", "a longer key"), (arn + "/x", "a key under it"), (arn[:-1], "a shorter key"),
                       (f"{bucket}/{key.swapcase()}", "the key in other letter case")]
        for elsewhere, why in _elsewhere(value, d):
            nearby.append((elsewhere + sample, why))
            m.near("s3:GetBucketLocation", _bucket(elsewhere), f"F1/L4 {why}: {value}", own)
        for near, why in nearby:
            m.near("s3:GetObject", near, f"F1/L4 {why}: {value}", own)
        m.near("s3:GetBucketLocation", arn + sample, "F1/L4: s3:GetBucketLocation on an object", own)
        m.near("s3:ListBucket", bucket, "F1/L4: no s3:ListBucket", own)
        for write in WRITES["s3"]:
            m.near(write, arn + sample, f"F1/L4: only s3:GetObject on {value}", own)


FEATURES: dict[str, Callable[[dict, Model, bool], None]] = {
    "ecr_pull": ecr_pull, "pull_through_cache": pull_through_cache, "runtime_monitoring": runtime_monitoring,
    "awslogs": awslogs, "secrets": secrets, "private_registry_auth": private_registry_auth, "s3_files": s3_files,
}
