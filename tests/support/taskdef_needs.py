"""What a task needs from its execution role, as (action, resource) pairs with their near misses, and the check
that a built role allows exactly that: every need allowed, every near miss denied, no other action granted."""

from __future__ import annotations

from dataclasses import dataclass

from rolec.iam.conditions import RequestContext
from rolec.iam.evaluate import Decision, evaluate
from rolec.iam.wildcards import action_matches

from .iam_eval import trust_allows
from .outputs import AWS, Policies

ACCOUNT = AWS.account
OTHER = "999988887777"
LAYERS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


@dataclass(frozen=True)
class Need:
    action: str
    resource: str
    near: tuple[str, ...] = ()
    """Resources one step away that must be denied for the same action."""
    context: tuple[tuple[str, str], ...] = ()


def ecr(account: str, region: str, repository: str, partition: str = "aws") -> list[Need]:
    arn = f"arn:{partition}:ecr:{region}:{account}:repository/{repository}"
    near = (arn + "x", arn.replace(f":{account}:", f":{OTHER}:"), arn.replace(f":{region}:", ":ap-south-1:"),
            arn.rsplit("/", 1)[0] + "/other")
    return [Need("ecr:GetAuthorizationToken", "*")] + [Need(a, arn, near) for a in LAYERS]


def logs(region: str, group: str, *, create: bool = False, partition: str = "aws") -> list[Need]:
    arn = f"arn:{partition}:logs:{region}:{ACCOUNT}:log-group:{group}"
    stream = f"{arn}:log-stream:ecs/app/0123456789abcdef"
    near = (f"{arn}x:log-stream:s", stream.replace(f":{ACCOUNT}:", f":{OTHER}:"),
            stream.replace(f":{region}:", ":ap-south-1:" if region != "ap-south-1" else ":eu-west-1:"))
    needs = [Need(a, stream, near) for a in ("logs:CreateLogStream", "logs:PutLogEvents")]
    if create:
        needs.append(Need("logs:CreateLogGroup", arn, (arn + "x", arn.replace(f":{ACCOUNT}:", f":{OTHER}:"))))
    return needs


def secret(arn: str) -> list[Need]:
    return [Need("secretsmanager:GetSecretValue", arn, (arn[:-7] + "x" + arn[-7:], arn.replace(arn.split(":")[4], OTHER)))]


def parameter(name: str, region: str = "us-east-1") -> list[Need]:
    arn = f"arn:aws:ssm:{region}:{ACCOUNT}:parameter/{name}"
    return [Need("ssm:GetParameters", arn, (arn + "x", arn.replace(f":{ACCOUNT}:", f":{OTHER}:")))]


def s3(obj: str, *other_buckets: str) -> list[Need]:
    """The object and its bucket; `other_buckets` hold the same key and must be denied too."""
    bucket, _, key = obj.partition("/")
    owner = (("aws:ResourceAccount", ACCOUNT),)
    return [Need("s3:GetObject", obj, (obj + "x", bucket + "/other.env", *(f"{b}/{key}" for b in other_buckets)), owner),
            Need("s3:GetBucketLocation", bucket, (bucket + "x", *other_buckets), owner)]


def cdk_asset(key: str, region: str = "us-east-1") -> list[Need]:
    """An object in the AWS CDK's assets bucket of the deploying account and region (`cdk-hnb659fds-assets-A-R`):
    the same key in another account's or another region's assets bucket is denied."""
    bucket = "arn:aws:s3:::cdk-hnb659fds-assets-{}-{}"
    return s3(f"{bucket.format(ACCOUNT, region)}/{key}", bucket.format(OTHER, region),
              bucket.format(ACCOUNT, "eu-west-1" if region != "eu-west-1" else "us-east-1"))


def decide(role: Policies, action: str, resource: str, context: dict) -> Decision:
    """rolec's IAM evaluator (compiler/iam) on the role's permissions; the request carries exactly `context`."""
    return evaluate([role.permissions], action, resource, RequestContext(context, complete=True)).decision


def assert_exactly(role: Policies, needs) -> None:
    for need in needs:
        context = dict(need.context)
        assert decide(role, need.action, need.resource, context) is Decision.ALLOWED, need
        for near in need.near:
            assert decide(role, need.action, near, context) is Decision.IMPLICIT_DENY, (need.action, near)
    needed = {need.action for need in needs}
    granted = set()
    for statement in role.permissions["Statement"]:
        listed = statement.get("Action", [])
        granted.update(listed if isinstance(listed, list) else [listed])
    assert {a for a in granted if not any(action_matches(a, n) for n in needed)} == set(), granted
    assert not role.managed_policy_arns
    assert trust_allows(role.trust, "ecs-tasks.amazonaws.com", {}), \
        "ECS assumes the execution role as its page documents: no aws:SourceAccount/aws:SourceArn in the request"
