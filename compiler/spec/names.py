"""Turn the names and ARNs a spec lists into the ARNs IAM matches requests against.

A name resolves in the deploying partition, region and account; a full ARN is
checked (partition, service, region, account, resource type) and kept as given,
except that it may write the deploying partition and account as `{partition}` and
`{account}` (e.g. `arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/app`, a
group in another region of the deploying account), which become pseudo parameters. An S3
bucket name may also hold `{account}` and `{region}` (a bucket named after the deploying
account and region, such as the AWS CDK's assets bucket `cdk-hnb659fds-assets-{account}-{region}`).
Every function raises `Invalid` with a message that says what was expected.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..aws.arn import ACCOUNT_RE, PARTITIONS
from ..aws.iam import PATH_RE as IAM_PATH_RE
from ..aws.regions import LONGEST_REGION, PARTITION_OF
from ..aws.ecr import REPOSITORY_RE as ECR_REPOSITORY_RE
from ..aws.ecr import parse_repository_uri
from ..ir import ExistingRole
from .types import Invalid, shown
from ..text import Pseudo, Text, arn

_ARN_RE = re.compile(r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.*)", re.S)
_WILDCARDS = re.compile(r"[*?]")

LOG_GROUP_RE = r"[.\-_/#A-Za-z0-9]+"
SECRET_NAME_RE = r"[A-Za-z0-9/_+=.@-]+"
PARAMETER_NAME_RE = r"/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*"
KMS_KEY_ID_RE = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
KMS_ALIAS_RE = r"alias/[A-Za-z0-9/_-]+"
IAM_NAME_RE = r"[A-Za-z0-9_+=,.@-]+"
SECRET_REFERENCE_PREFIX = "aws/reference/secretsmanager/"
SUBSTITUTION = "${"


def literal(value: str) -> str:
    """Refuse `${` in a value a target writes as is: CloudFormation tools read it as a substitution outside
    Fn::Sub (cfn-lint E1029) and Terraform as an interpolation, so neither would keep it as written."""
    if SUBSTITUTION in value:
        raise Invalid(f"'{SUBSTITUTION}' starts a substitution in CloudFormation and Terraform, so neither would keep "
                      f"{value!r} as written; leave out '{SUBSTITUTION}'")
    return value


PARTITION_PLACEHOLDER = "{partition}"
ACCOUNT_PLACEHOLDER = "{account}"
REGION_PLACEHOLDER = "{region}"
BUCKET_PLACEHOLDERS = (ACCOUNT_PLACEHOLDER, REGION_PLACEHOLDER)
"""What an S3 bucket name may hold: the deploying account and region (parse_arn admits them nowhere else)."""
_RESOURCE_PSEUDO = re.compile("(" + "|".join(re.escape(p) for p in BUCKET_PLACEHOLDERS) + ")")
_PSEUDO_OF = {ACCOUNT_PLACEHOLDER: Pseudo.ACCOUNT, REGION_PLACEHOLDER: Pseudo.REGION}


def spec_arn(value: str) -> Text:
    """An ARN as the spec wrote it, with `{partition}` and `{account}` (in their fields) as pseudo parameters,
    and `{account}`/`{region}` in the resource too (parse_arn admits them there only in an S3 bucket name)."""
    fields = value.split(":", 5)
    if len(fields) < 6:
        return Text.of(value)
    _, partition, service, region, account, resource = fields
    return Text.of("arn:", Pseudo.PARTITION if partition == PARTITION_PLACEHOLDER else partition,
                   f":{service}:{region}:", Pseudo.ACCOUNT if account == ACCOUNT_PLACEHOLDER else account, ":",
                   *(_PSEUDO_OF.get(piece, piece) for piece in _RESOURCE_PSEUDO.split(resource)))


def _placeholders(value: str, fields: dict[str, str], *, accountless: bool, in_resource: tuple[str, ...]) -> None:
    """`{partition}` and `{account}` only in their own fields (and `in_resource` in the resource), and together:
    the deploying account is only known with the deploying partition, and an ARN of another account names its
    partition literally."""
    resource = fields["resource"]
    for placeholder in in_resource:
        resource = resource.replace(placeholder, "")
    outside = value[: len(value) - len(fields["resource"])] + resource
    if "{" in outside.replace(PARTITION_PLACEHOLDER, "").replace(ACCOUNT_PLACEHOLDER, ""):
        raise Invalid(f"the only placeholders an ARN may hold are {PARTITION_PLACEHOLDER} and {ACCOUNT_PLACEHOLDER}"
                      f"{' (and ' + ' and '.join(in_resource) + ' in an S3 bucket name)' if in_resource else ''}, "
                      f"got {shown(value)}")
    partition = fields["partition"] == PARTITION_PLACEHOLDER
    account = fields["account"] == ACCOUNT_PLACEHOLDER
    for placeholder, field in ((PARTITION_PLACEHOLDER, "partition"), (ACCOUNT_PLACEHOLDER, "account")):
        if placeholder in outside and fields[field] != placeholder:
            raise Invalid(f"{placeholder} stands for the whole {field} field of an ARN, got {shown(value)}")
    if account and not partition:
        raise Invalid(f"{ACCOUNT_PLACEHOLDER} needs {PARTITION_PLACEHOLDER} too (the deploying account is in the "
                      f"deploying partition): {shown(value)}")
    if partition and not account and not accountless and fields["account"] != "aws":
        raise Invalid(f"{PARTITION_PLACEHOLDER} needs {ACCOUNT_PLACEHOLDER} too: an ARN in another account names its "
                      f"partition literally, got {shown(value)}")


def parse_arn(value: str, service: str, what: str, *, regional: bool = True, accountless: bool = False,
              in_resource: tuple[str, ...] = ()) -> dict[str, str]:
    """Split an ARN of `service`, refusing any other service, a bad shape or a wildcard. The partition and
    account fields may be the placeholders `{partition}` and `{account}`, and the resource the placeholders
    `in_resource` (kept as written in the result)."""
    match = _ARN_RE.fullmatch(value)
    if not match:
        raise Invalid(f"expected {what}, got {shown(value)} (an ARN has the form arn:<partition>:<service>:<region>:<account>:<resource>)")
    parts = match.groupdict()
    if parts["service"] != service:
        raise Invalid(f"expected {what}, got an ARN of service {shown(parts['service'])} instead of '{service}': {shown(value)}")
    _placeholders(value, parts, accountless=accountless, in_resource=in_resource)
    if parts["partition"] not in (*PARTITIONS, PARTITION_PLACEHOLDER):
        raise Invalid(f"unknown partition {shown(parts['partition'])} in {shown(value)}; expected one of {', '.join(PARTITIONS)}")
    if regional and parts["region"] not in PARTITION_OF:
        close = difflib.get_close_matches(parts["region"], sorted(PARTITION_OF), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else " (see compiler/aws/regions.py)"
        raise Invalid(f"expected a region such as us-east-1 in {shown(value)}, got the unknown region {shown(parts['region'])}{hint}")
    if regional and parts["partition"] != PARTITION_PLACEHOLDER and PARTITION_OF[parts["region"]] != parts["partition"]:
        raise Invalid(f"region '{parts['region']}' belongs to partition '{PARTITION_OF[parts['region']]}', not "
                      f"'{parts['partition']}', in {shown(value)}; an ARN's partition and region go together")
    if not regional and parts["region"]:
        raise Invalid(f"{service} ARNs have no region, got {shown(parts['region'])} in {shown(value)}")
    if _WILDCARDS.search(value):
        raise Invalid(f"wildcards are not allowed in {what}: {shown(value)}; list each resource")
    return parts


def _check_account(parts: dict[str, str], value: str, *, allow_aws: bool = False) -> None:
    account = parts["account"]
    if not (re.fullmatch(ACCOUNT_RE, account) or account == ACCOUNT_PLACEHOLDER or (allow_aws and account == "aws")):
        raise Invalid(f"expected a 12-digit account id in {shown(value)}, got {shown(parts['account'])}")


def _name(value: str, pattern: str, what: str, max_len: int) -> str:
    if len(value) > max_len:
        raise Invalid(f"expected {what} of at most {max_len} characters, got {len(value)}")
    if not re.fullmatch(pattern, value):
        raise Invalid(f"expected {what}, got {shown(value)}")
    return value


def _named(value: str, *, service: str, prefix: str, pattern: str, what: str, name_what: str, max_len: int) -> Text:
    """A resource given by name (resolved here) or by ARN `arn:…:<service>:…:<prefix><name>` (checked, kept)."""
    if value.startswith("arn:"):
        parts = parse_arn(value, service, what)
        _check_account(parts, value)
        name = parts["resource"].removeprefix(prefix)
        if not parts["resource"].startswith(prefix) or not re.fullmatch(pattern, name):
            raise Invalid(f"expected {what}, got resource {shown(parts['resource'])}")
        return spec_arn(value)
    _name(value, pattern, name_what, max_len)
    return arn(service, f"{prefix}{value}")


def repository(value: str) -> Text:
    """A repository name, ARN, or ECR repository URI (`A.dkr.ecr.R.amazonaws.com/NAME`, every ECR host
    form, see aws/ecr.py), the last mapped to the repository ARN in the host's partition. A name may hold
    `{account}` and `{region}` (the AWS CDK's `cdk-hnb659fds-container-assets-{account}-{region}`)."""
    image = parse_repository_uri(value)
    if image is not None:
        return Text.of(image.arn)
    if not value.startswith("arn:") and "{" in value:
        return _located_repository(value)
    return _named(value, service="ecr", prefix="repository/", pattern=ECR_REPOSITORY_RE, max_len=256,
                  what="an ECR repository name, ARN (arn:<partition>:ecr:<region>:<account>:repository/<name>) or repository URI",
                  name_what="an ECR repository name (lowercase letters, digits, . _ - and /)")


def _located_repository(name: str) -> Text:
    """A repository of the deploying account and region whose name is built from them: valid for a 12-digit
    account and the longest region rolec knows."""
    if "{" in name.replace(ACCOUNT_PLACEHOLDER, "").replace(REGION_PLACEHOLDER, ""):
        raise Invalid(f"the only placeholders an ECR repository name may hold are {ACCOUNT_PLACEHOLDER} and "
                      f"{REGION_PLACEHOLDER}, got {shown(name)}")
    longest = name.replace(ACCOUNT_PLACEHOLDER, TWELVE_DIGITS).replace(REGION_PLACEHOLDER, LONGEST_REGION)
    _name(longest, ECR_REPOSITORY_RE, "an ECR repository name (lowercase letters, digits, . _ - and /; with a 12-digit "
          f"account and the longest region, {LONGEST_REGION})", 256)
    return Text.of("arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":repository/",
                   *(_PSEUDO_OF.get(piece, piece) for piece in _RESOURCE_PSEUDO.split(name)))


def log_group(value: str) -> Text:
    """The log group's own ARN (without the legacy `:*` suffix)."""
    return _named(value, service="logs", prefix="log-group:", pattern=LOG_GROUP_RE, max_len=512,
                  what="a CloudWatch Logs group name or ARN (arn:<partition>:logs:<region>:<account>:log-group:<name>)",
                  name_what="a log group name (letters, digits, . _ - / #)")


SECRET_SUFFIX_MARKER = "-??????"
"""Written at the end of a secret ARN's name: "this name has no suffix; match the one Secrets Manager added"."""
_SUFFIX_RE = re.compile(r"-([A-Za-z0-9]{6})$")


def secret(value: str) -> Text:
    """A secret's ARN. Names get AWS's six-character suffix as `-??????`; ARNs lose any
    `:json-key:version-stage:version-id` tail that ECS `valueFrom` allows.

    An ARN's name may end in its suffix or not. Secrets Manager's suffix is six random letters and digits,
    so a tail with a digit or an upper-case letter is taken as the suffix; six lower-case letters
    (`db-master`) may be either, and is refused unless the ARN ends in SECRET_SUFFIX_MARKER."""
    what = "a Secrets Manager secret name or ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)"
    if value.startswith("arn:"):
        value, marked = _without_marker(value)
        parts = parse_arn(value, "secretsmanager", what)
        _check_account(parts, value)
        if not parts["resource"].startswith("secret:"):
            raise Invalid(f"expected {what}, got resource {shown(parts['resource'])}")
        name, *tail = parts["resource"].removeprefix("secret:").split(":")
        if len(tail) > 3 or not re.fullmatch(SECRET_NAME_RE, name):
            raise Invalid(f"expected {what} optionally followed by :json-key:version-stage:version-id, got {shown(value)}")
        base = value[: len(value) - len(parts["resource"])] + "secret:" + name
        suffix = _SUFFIX_RE.search(name)
        if marked or not suffix:
            return spec_arn(base + "-??????")
        if suffix[1].isalpha() and suffix[1].islower():
            raise Invalid(
                f"the secret name {shown(name)} ends in '-{suffix[1]}', which may be part of the name or the six-character "
                "suffix Secrets Manager adds to it; write the ARN with its suffix as the console shows it "
                f"(e.g. {name}-AbC123), write {shown(base + SECRET_SUFFIX_MARKER)} to say the name has no suffix, "
                f"or give the secret by its name ({name})")
        return spec_arn(base)
    _name(value, SECRET_NAME_RE, "a secret name (letters, digits, / _ + = . @ -)", 512)
    return arn("secretsmanager", f"secret:{value}-??????")


def _without_marker(value: str) -> tuple[str, bool]:
    """The ARN without a SECRET_SUFFIX_MARKER that ends its name (before any json-key tail), and whether it had one."""
    head, marker, rest = value.partition(SECRET_SUFFIX_MARKER)
    if marker and (rest == "" or rest.startswith(":")) and ":secret:" in head:
        return head + rest, True
    return value, False


@dataclass(frozen=True)
class Parameter:
    """A Parameter Store parameter, and the secret it stands for if it is a Secrets Manager reference."""

    arn: Text
    referenced_secret: Text | None


def parameter(value: str) -> Parameter:
    what = "an SSM parameter name or ARN (arn:<partition>:ssm:<region>:<account>:parameter/<name>)"
    if value.startswith("arn:"):
        parts = parse_arn(value, "ssm", what)
        _check_account(parts, value)
        if not parts["resource"].startswith("parameter/"):
            raise Invalid(f"expected {what}, got resource {shown(parts['resource'])}")
        name = parts["resource"].removeprefix("parameter/")
        _parameter_name(name)
        secret_name = _referenced_secret(name)
        referenced = f"arn:{parts['partition']}:secretsmanager:{parts['region']}:{parts['account']}:secret:{secret_name}-??????"
        return Parameter(spec_arn(value), spec_arn(referenced) if secret_name else None)
    name = _parameter_name(value.removeprefix("/"))
    secret_name = _referenced_secret(name)
    return Parameter(arn("ssm", f"parameter/{name}"), arn("secretsmanager", f"secret:{secret_name}-??????") if secret_name else None)


def _parameter_name(name: str) -> str:
    _name("/" + name, PARAMETER_NAME_RE, "a parameter name such as /prod/db/password (letters, digits, _ . - and /)", 1011)
    if name.count("/") > 14:
        raise Invalid(f"a parameter name has at most 15 levels, got {name.count('/') + 1}")
    lowered = name.lower()
    if lowered.startswith(("aws", "ssm")) and not name.startswith(SECRET_REFERENCE_PREFIX):
        raise Invalid(f"parameter names beginning with 'aws' or 'ssm' are reserved; only /{SECRET_REFERENCE_PREFIX}<secret-name> is allowed there, got '/{name}'")
    return name


def _referenced_secret(name: str) -> str | None:
    if not name.startswith(SECRET_REFERENCE_PREFIX):
        return None
    secret_name = name.removeprefix(SECRET_REFERENCE_PREFIX)
    _name(secret_name, SECRET_NAME_RE, "a secret name after /aws/reference/secretsmanager/", 512)
    suffix = _SUFFIX_RE.search(secret_name)
    if suffix and not (suffix[1].isalpha() and suffix[1].islower()):
        plain = secret_name[: suffix.start()]
        raise Invalid(
            f"/{name} ends in '-{suffix[1]}', the six-character suffix Secrets Manager adds to a secret's name; "
            f"a reference names the secret without it: write /{SECRET_REFERENCE_PREFIX}{plain}")
    return secret_name


@dataclass(frozen=True)
class KmsKey:
    """A key IAM can match: a key ARN, or `key/*` narrowed by `kms:ResourceAliases` for an alias
    (an alias ARN in Resource grants nothing for kms:Decrypt)."""

    arn: Text
    alias: str | None = None


def kms_key(value: str) -> KmsKey:
    what = "a KMS key id, key ARN, alias/NAME or alias ARN"
    if value.startswith("arn:"):
        parts = parse_arn(value, "kms", what)
        _check_account(parts, value)
        resource = parts["resource"]
        if resource.startswith("alias/"):
            alias = _alias(resource)
            return KmsKey(spec_arn(value[: len(value) - len(resource)] + "key/*"), alias)
        if not re.fullmatch("key/" + KMS_KEY_ID_RE, resource):
            raise Invalid(f"expected {what}, got resource {shown(resource)}")
        return KmsKey(spec_arn(value))
    if value.startswith("alias/"):
        return KmsKey(arn("kms", "key/*"), _alias(value))
    if re.fullmatch(KMS_KEY_ID_RE, value):
        return KmsKey(arn("kms", f"key/{value}"))
    raise Invalid(f"expected {what}, got {shown(value)}")


def _alias(alias: str) -> str:
    if alias == "alias/":
        raise Invalid("the alias name after 'alias/' is empty")
    if alias.startswith("alias/aws/"):
        raise Invalid(f"{shown(alias)} is an AWS managed key; list only custom keys (AWS managed keys need no kms:Decrypt grant)")
    return _name(alias, KMS_ALIAS_RE, "an alias such as alias/payments (letters, digits, / _ -)", 256)


def policy(value: str) -> Text:
    what = "an IAM policy name or ARN (arn:<partition>:iam::<account>:policy/<name>)"
    if value.startswith("arn:"):
        parts = parse_arn(value, "iam", what, regional=False)
        _check_account(parts, value, allow_aws=True)
        if not re.fullmatch(r"policy" + IAM_PATH_RE + IAM_NAME_RE, parts["resource"]):
            raise Invalid(f"expected {what}, got resource {shown(parts['resource'])}")
        return spec_arn(literal(value))
    _name(value, IAM_NAME_RE, "a policy name (letters, digits, + = , . @ _ -)", 128)
    return arn("iam", f"policy/{value}", region=False)


SERVICE_LINKED_PATH = "/aws-service-role/"


def existing_role(value: str) -> ExistingRole:
    """A role that exists already: a name (a role at path /) or a role ARN, kept for its deploy-time check.

    A role name is unique in its account whatever its path, so IAM is always addressed by name.
    """
    what = "an IAM role name or role ARN (arn:<partition>:iam::<account>:role/<path/><name>)"
    if not value.startswith("arn:"):
        return ExistingRole(_name(value, IAM_NAME_RE, "a role name (letters, digits, + = , . @ _ -)", 64), "/")
    if PARTITION_PLACEHOLDER in value or ACCOUNT_PLACEHOLDER in value:
        raise Invalid(f"give role.existing as a name, or an ARN with its partition and account written out "
                      f"(rolec checks them at deploy time), got {shown(value)}")
    parts = parse_arn(value, "iam", what, regional=False)
    _check_account(parts, value)
    match = re.fullmatch(f"role(?P<path>{IAM_PATH_RE})(?P<name>{IAM_NAME_RE})", parts["resource"])
    if not match:
        raise Invalid(f"expected {what}, got resource {shown(parts['resource'])}")
    _name(match["name"], IAM_NAME_RE, "a role name", 64)
    if len(match["path"]) > 512:
        raise Invalid(f"expected a role path of at most 512 characters, got {len(match['path'])}")
    if match["path"].startswith(SERVICE_LINKED_PATH):
        raise Invalid(f"{shown(value)} is a service-linked role; IAM does not let anyone add policies to it")
    literal(value)
    return ExistingRole(match["name"], match["path"], value, parts["partition"], parts["account"])


PULL_THROUGH_CACHE_PREFIX_RE = r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"


def pull_through_cache_prefix(value: str) -> Text:
    """The repositories a pull through cache rule's prefix creates: `repository/PREFIX/*` (deploying region and account)."""
    _name(value, PULL_THROUGH_CACHE_PREFIX_RE, "a pull through cache rule prefix such as docker-hub (2 to 30 lowercase "
          "letters, digits, . _ - and /)", 30)
    if len(value) < 2:
        raise Invalid(f"a pull through cache rule prefix has at least 2 characters, got {value!r}")
    return arn("ecr", f"repository/{value}/*")


S3_BUCKET_RE = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
ENVIRONMENT_FILE_SUFFIX = ".env"


@dataclass(frozen=True)
class S3Object:
    """Objects the ECS agent reads (one object, or every object under a prefix) and their bucket."""

    arn: Text
    bucket: Text


TWELVE_DIGITS = "0" * 12
"""What `{account}` stands for when a bucket name's length and characters are checked."""


def _s3(value: str, what: str) -> tuple[dict[str, str], str, str]:
    """An S3 ARN's parts, bucket and key (the key may be empty). The bucket name may hold `{account}` and
    `{region}` in the deploying partition; it must then be a valid name for the longest region of the table."""
    if not value.startswith("arn:"):
        raise Invalid(f"expected {what}, got {shown(value)}")
    parts = parse_arn(value, "s3", what, regional=False, accountless=True, in_resource=BUCKET_PLACEHOLDERS)
    if parts["account"]:
        raise Invalid(f"S3 ARNs have no account, got {shown(parts['account'])} in {shown(value)}")
    bucket, _, key = parts["resource"].partition("/")
    if "{" in key:
        raise Invalid(f"{' and '.join(BUCKET_PLACEHOLDERS)} may stand only in the bucket name, not in the object key: "
                      f"{shown(value)}")
    if "{" in bucket.replace(ACCOUNT_PLACEHOLDER, "").replace(REGION_PLACEHOLDER, ""):
        raise Invalid(f"the only placeholders a bucket name may hold are {' and '.join(BUCKET_PLACEHOLDERS)}, "
                      f"got {shown(value)}")
    located = any(p in bucket for p in BUCKET_PLACEHOLDERS)
    if located and parts["partition"] != PARTITION_PLACEHOLDER:
        raise Invalid(f"a bucket named after the deploying account or region is in the deploying partition: write "
                      f"arn:{PARTITION_PLACEHOLDER}:s3:::…, got {shown(value)}")
    longest = bucket.replace(ACCOUNT_PLACEHOLDER, TWELVE_DIGITS).replace(REGION_PLACEHOLDER, LONGEST_REGION)
    if not re.fullmatch(S3_BUCKET_RE, longest) or ".." in longest:
        where = f" (with a 12-digit account and the longest region, {LONGEST_REGION}: {shown(longest)})" if located else ""
        raise Invalid(f"expected a bucket name (3 to 63 lowercase letters, digits, . and -) in {shown(value)}, "
                      f"got {shown(bucket)}{where}")
    return parts, bucket, key


def _bucket_arn(value: str, bucket: str) -> Text:
    return spec_arn(value[: value.index(":::") + 3] + bucket)


def s3_object(value: str) -> S3Object:
    """One object by ARN: a bucket without a key grants nothing the agent can read, so it is refused."""
    what = "an S3 object ARN (arn:<partition>:s3:::<bucket>/<key>)"
    _, bucket, key = _s3(value, what)
    if not key:
        raise Invalid(f"expected {what}: {shown(value)} has no object key after the bucket name")
    return S3Object(spec_arn(value), _bucket_arn(value, bucket))


def environment_file(value: str) -> S3Object:
    """An `environmentFiles` object: ECS requires the .env extension."""
    found = s3_object(value)
    if not value.endswith(ENVIRONMENT_FILE_SUFFIX):
        raise Invalid(f"an environment file's key must end in {ENVIRONMENT_FILE_SUFFIX} (ECS refuses other files), "
                      f"got {shown(value)}")
    return found


def s3_prefix(value: str) -> S3Object:
    """Every object under a folder: `arn:…:s3:::bucket/folder/` grants `bucket/folder/*` (`bucket/` the whole bucket)."""
    what = "an S3 prefix ARN ending in / (arn:<partition>:s3:::<bucket>/<folder>/)"
    _, bucket, _ = _s3(value, what)
    if not value.endswith("/"):
        raise Invalid(f"expected {what}, got {shown(value)}; a prefix ends in / so that it cannot match "
                      "a neighbouring folder whose name merely starts the same")
    return S3Object(spec_arn(value + "*"), _bucket_arn(value, bucket))
