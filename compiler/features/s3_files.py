"""Files the ECS agent reads from Amazon S3: environment files and FireLens configuration files.

Sources: "Amazon S3 file storage permissions" on the execution role page
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html),
"Pass environment variables to an Amazon ECS container"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/use-environment-file.html) and the
FireLens pages (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html,
API FirelensConfiguration: config-file-type s3 is not supported on Fargate).
"""

from __future__ import annotations

from ..ir import Condition, Grant
from ..spec.names import environment_file, s3_object, s3_prefix
from ..spec.types import Field, List, Obj, Str
from ..text import Pseudo, Text
from ._kms import KMS_KEYS, decrypt_grants
from . import Context, Feature

KEY = "features.s3_files"
ANY_OWNER = "any"
FILE_LISTS = ("environment_files", "firelens_config", "prefixes")


def _needs_a_file(block: dict, node, path: str, checker) -> None:
    if not any(block[name] for name in FILE_LISTS):
        checker.error(node, path, "expected environment_files, firelens_config, prefixes or several of them")


SCHEMA = Obj(
    "a mapping with environment_files, firelens_config and/or prefixes, and optionally bucket_owner and kms_keys",
    {
        "environment_files": Field(
            List(Str("an S3 object ARN whose key ends in .env", convert=environment_file), max_items=100), default=(),
            doc="containerDefinitions[].environmentFiles[].value (type s3): object ARNs such as "
                "arn:aws:s3:::my-bucket/app/prod.env."),
        "firelens_config": Field(
            List(Str("an S3 object ARN", convert=s3_object), max_items=100), default=(),
            doc="firelensConfiguration.options config-file-value when config-file-type is s3 (EC2 launch type only)."),
        "prefixes": Field(
            List(Str("an S3 prefix ARN ending in /", convert=s3_prefix), max_items=100), default=(),
            doc="Explicit opt-in to read every object under a folder: arn:aws:s3:::my-bucket/envs/ grants "
                "s3:GetObject on my-bucket/envs/*."),
        "bucket_owner": Field(
            Str("a 12-digit account id, or any", pattern=r"\d{12}|any", allow_number=True),
            doc="Account that owns the buckets (aws:ResourceAccount condition against bucket takeover); default: the "
                "deploying account; any turns the condition off."),
        "kms_keys": Field(KMS_KEYS, default=(),
                          doc="Customer managed keys that encrypt the objects (SSE-KMS): kms:Decrypt on them."),
    },
    validate=_needs_a_file,
    json_extra={"anyOf": [{"required": [name]} for name in FILE_LISTS]},
)

ENVIRONMENT_FILE_REASON = "the ECS agent downloads this environment file (environmentFiles, type s3) with s3:GetObject"
FIRELENS_REASON = ("the ECS agent downloads this FireLens configuration file (config-file-type s3) for the log router "
                   "with s3:GetObject")
PREFIX_REASON = ("the spec lists this prefix explicitly, so every object under it may be read (s3:GetObject on the "
                 "prefix followed by *), not only the files the task names")
BUCKET_REASON = "the ECS agent calls s3:GetBucketLocation on the bucket of each file it downloads"
OWNER_REASON = ("aws:ResourceAccount pins the bucket to the account that owns it, so a bucket of the same name that "
                "someone else creates after it is deleted (bucket takeover) is never read")
OWNER_OFF_NOTE = ("bucket_owner: any leaves out the aws:ResourceAccount condition that AWS recommends, so a bucket of "
                  "the same name in any account would be read if the bucket were deleted and re-created")
FIRELENS_NOTE = ("config-file-type s3 works only on the EC2 launch type (Fargate accepts only config-file-type file, "
                 "and RegisterTaskDefinition refuses s3 for Fargate)")


def _owner_condition(block: dict, ctx: Context) -> tuple[tuple[Condition, ...], tuple]:
    owner = block["bucket_owner"]
    if owner == ANY_OWNER:
        return (), ()
    key = f"{KEY}.bucket_owner" if f"{KEY}.bucket_owner" in ctx.positions else KEY
    value = Text.of(Pseudo.ACCOUNT) if owner is None else Text.of(owner)
    return (Condition("StringEquals", "aws:ResourceAccount", (value,)),), (ctx.source(key, OWNER_REASON),)


def grants(block: dict, ctx: Context):
    files = [(f"{KEY}.{name}[{i}]", found, reason)
             for name, reason in (("environment_files", ENVIRONMENT_FILE_REASON), ("firelens_config", FIRELENS_REASON),
                                  ("prefixes", PREFIX_REASON))
             for i, found in enumerate(block[name])]
    conditions, owner_sources = _owner_condition(block, ctx)
    yield Grant("S3Files", "GetObject", ("s3:GetObject",), tuple(f.arn for _, f, _ in files),
                (*(ctx.source(key, reason) for key, _, reason in files), *owner_sources), conditions)
    yield Grant("S3Files", "GetBucketLocation", ("s3:GetBucketLocation",), tuple(f.bucket for _, f, _ in files),
                (*(ctx.source(key, BUCKET_REASON) for key, _, _ in files), *owner_sources), conditions)
    yield from decrypt_grants("S3Files", f"{KEY}.kms_keys", block["kms_keys"], ctx, what="the S3 object")
    if block["firelens_config"]:
        yield ctx.note(f"{KEY}.firelens_config", FIRELENS_NOTE)
    if block["bucket_owner"] == ANY_OWNER:
        yield ctx.note(f"{KEY}.bucket_owner", OWNER_OFF_NOTE)


FEATURE = Feature(
    name="s3_files",
    sid="S3Files",
    order=50,
    summary="Read environment files and FireLens configuration files from Amazon S3.",
    schema=SCHEMA,
    grants=grants,
)
