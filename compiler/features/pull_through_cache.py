"""Pull images through ECR pull through cache rules, which import them from the upstream registry on first pull.

Source: ECR User Guide, "IAM permissions required to sync an upstream registry with an Amazon ECR private
registry" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html): the pulling
principal (for ECS, the execution role) needs ecr:BatchImportUpstreamImage, and ecr:CreateRepository while
the cache repository does not exist yet; either can also come from the registry policy instead.
"""

from __future__ import annotations

from ..ir import Grant
from ..spec.names import PULL_THROUGH_CACHE_PREFIX_RE, pull_through_cache_prefix
from ..spec.types import Bool, Field, List, Obj, Str
from ..text import Text
from . import Context, Feature
from .ecr_pull import LAYER_ACTIONS

KEY = "features.pull_through_cache"
SCHEMA = Obj(
    "a mapping with prefixes and optionally create_repository",
    {
        "prefixes": Field(List(Str("a pull through cache rule prefix such as docker-hub (2 to 30 lowercase letters, "
                                   "digits, . _ - and /)", pattern=PULL_THROUGH_CACHE_PREFIX_RE, max_len=30,
                                   convert=pull_through_cache_prefix), max_items=50), required=True,
                          doc="Prefixes of the registry's pull through cache rules the images use (e.g. docker-hub "
                              "for ACCOUNT.dkr.ecr.REGION.amazonaws.com/docker-hub/library/nginx)."),
        "create_repository": Field(Bool(), default=False,
                                   doc="true lets the first pull create the cache repository (ecr:CreateRepository); "
                                       "leave false when the repositories exist or the registry policy grants it."),
    },
)

AUTH_TOKEN_REASON = "the ECS agent calls ecr:GetAuthorizationToken before pulling from the cache (no resource-level permissions)"
PULL_REASON = ("images under this pull through cache prefix are pulled from its cache repositories, and "
               "ecr:BatchImportUpstreamImage lets ECR import a new image or tag from the upstream registry")
CREATE_REASON = "create_repository: true lets the first pull of an upstream image create its cache repository"
TAG_NOTE = ("ecr:TagResource is not granted: AWS documents only ecr:CreateRepository for creating cache repositories; "
            "if a repository creation template adds tags and the first pull fails, grant it in the registry policy")


def grants(block: dict, ctx: Context):
    prefixes = block["prefixes"]
    yield Grant("PullThroughCache", "AuthToken", ("ecr:GetAuthorizationToken",), (Text.of("*"),),
                (ctx.source(f"{KEY}.prefixes", AUTH_TOKEN_REASON),))
    yield Grant("PullThroughCache", "Pull", (*LAYER_ACTIONS, "ecr:BatchImportUpstreamImage"), tuple(prefixes),
                tuple(ctx.source(f"{KEY}.prefixes[{i}]", PULL_REASON) for i in range(len(prefixes))))
    if block["create_repository"]:
        yield Grant("PullThroughCache", "CreateRepository", ("ecr:CreateRepository",), tuple(prefixes),
                    (ctx.source(f"{KEY}.create_repository", CREATE_REASON),))
        yield ctx.note(f"{KEY}.create_repository", TAG_NOTE)


FEATURE = Feature(
    name="pull_through_cache",
    sid="PullThroughCache",
    order=12,
    summary="Pull images through ECR pull through cache rules (import from the upstream registry on first pull).",
    schema=SCHEMA,
    grants=grants,
)
