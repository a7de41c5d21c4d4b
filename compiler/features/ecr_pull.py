"""Pull images from private Amazon ECR repositories, optionally only through a VPC endpoint."""

from __future__ import annotations

from ..aws.ecr import parse_repository_uri
from ..ir import Condition, Grant
from ..spec.names import repository
from ..spec.types import Field, List, Obj, Str
from ..text import Text
from . import Context, Feature

LAYER_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
KEY = "features.ecr_pull"


def _at_least_one(block: dict, node, path: str, checker) -> None:
    if not block["source_vpce"] and not block["source_vpc"]:
        checker.error(node, path, "expected source_vpce, source_vpc or both")


VPC_ENDPOINT = Obj(
    "a mapping with source_vpce and/or source_vpc",
    {
        "source_vpce": Field(List(Str("a VPC endpoint id such as vpce-0a1b2c3d4e5f60789", pattern=r"vpce-[0-9a-f]{8,17}"), max_items=50), default=(),
                             doc="Allow layer downloads only through these interface endpoints (aws:SourceVpce)."),
        "source_vpc": Field(List(Str("a VPC id such as vpc-0a1b2c3d", pattern=r"vpc-[0-9a-f]{8,17}"), max_items=50), default=(),
                            doc="Allow layer downloads only from these VPCs (aws:SourceVpc)."),
    },
    validate=_at_least_one,
    json_extra={"anyOf": [{"required": ["source_vpce"]}, {"required": ["source_vpc"]}]},
)

def _dual_stack_without_endpoint(block: dict, node, path: str, checker) -> None:
    """ECR's dual-stack hosts (`A.dkr-ecr.R.on.aws`) have no PrivateLink: a pull through them never carries
    aws:SourceVpce/aws:SourceVpc, so vpc_endpoint would deny every layer download."""
    if not block["vpc_endpoint"]:
        return
    written = {key.value: value for key, value in node.value}
    for index, item in enumerate(written["repositories"].value):
        image = parse_repository_uri(item.value)
        if image is not None and image.dual_stack:
            checker.error(item, f"{path}.repositories[{index}]",
                          f"{item.value!r} is a dual-stack ECR host, which has no VPC endpoints (PrivateLink), so "
                          "vpc_endpoint would deny every pull from it; use the IPv4 host A.dkr.ecr.REGION.amazonaws.com "
                          "or remove vpc_endpoint")


SCHEMA = Obj(
    "a mapping with repositories and optionally vpc_endpoint",
    {
        "repositories": Field(List(Str("an ECR repository name, ARN or repository URI", convert=repository), max_items=500),
                              required=True,
                              doc="Private ECR repositories the task pulls images from: names (this account and region), "
                                  "ARNs, or repository URIs such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app "
                                  "(no tag or digest)."),
        "vpc_endpoint": Field(VPC_ENDPOINT, doc="Fargate pulling through interface VPC endpoints: restrict layer downloads to them."),
    },
    validate=_dual_stack_without_endpoint,
)

AUTH_TOKEN_REASON = (
    "the ECS agent calls ecr:GetAuthorizationToken, which has no resource-level permissions, and the call goes "
    "through Fargate's own network interface, so it cannot carry aws:SourceVpc or aws:SourceVpce"
)
LAYERS_REASON = "the ECS agent downloads the image layers from this private ECR repository"


def grants(block: dict, ctx: Context):
    repositories = block["repositories"]
    yield Grant("EcrPull", "AuthToken", ("ecr:GetAuthorizationToken",), (Text.of("*"),),
                (ctx.source(f"{KEY}.repositories", AUTH_TOKEN_REASON),))
    conditions = ()
    sources = [ctx.source(f"{KEY}.repositories[{i}]", LAYERS_REASON) for i in range(len(repositories))]
    endpoint = block["vpc_endpoint"]
    if endpoint:
        conditions = tuple(
            Condition("StringEquals", key, tuple(Text.of(v) for v in endpoint[field]))
            for field, key in (("source_vpce", "aws:SourceVpce"), ("source_vpc", "aws:SourceVpc"))
            if endpoint[field]
        )
        sources.append(ctx.source(f"{KEY}.vpc_endpoint",
                                  "layer downloads are allowed only through the listed VPC endpoint or VPC"))
    yield Grant("EcrPull", "Layers", LAYER_ACTIONS, tuple(repositories), tuple(sources), conditions)


def conflicts(block: dict, document: dict):
    if block["vpc_endpoint"] and document["managed_policy"]:
        yield (f"{KEY}.vpc_endpoint",
               "cannot be combined with managed_policy: true: AmazonECSTaskExecutionRolePolicy grants the ECR pull "
               "actions on every repository without conditions, so the VPC endpoint restriction would be void; "
               "set managed_policy: false")
    if block["vpc_endpoint"] and (document["role"] or {}).get("existing") is not None:
        yield (f"{KEY}.vpc_endpoint",
               "cannot be combined with role.existing: an Allow with conditions cannot narrow what the existing role "
               "already grants (a console-created ecsTaskExecutionRole allows the ECR pull actions on every "
               "repository without conditions), so the restriction would be void; remove role.existing to let rolec "
               "create a role whose only ECR grant is this one")


FEATURE = Feature(
    name="ecr_pull",
    sid="EcrPull",
    order=10,
    summary="Pull container images from private Amazon ECR repositories.",
    schema=SCHEMA,
    grants=grants,
    conflicts=conflicts,
)
