"""Hypothesis strategies over spec format v1: every feature present or not, names and ARNs,
slashes, Secrets Manager references, every KMS key form, VPC endpoint conditions, S3 objects, prefixes and
bucket owners, pull through cache prefixes, the GuardDuty agent switch, role settings; and `refused_specs`,
valid specs with one value the schema or a feature's `validate` refuses."""

from __future__ import annotations

import re
from typing import Callable

import yaml
from hypothesis import strategies as st

from rolec.aws.guardduty_agent_accounts import ACCOUNTS as GUARDDUTY_AGENT_ACCOUNTS
from rolec.aws.regions import LONGEST_REGION

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
PARTITION_OF = {"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"}


def _partition(region: str) -> str:
    return PARTITION_OF.get(region, "aws")


accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
regions = st.sampled_from(REGIONS)
word = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)


def _arn(service: str, resource: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        lambda region, account, res: f"arn:{PARTITION_OF.get(region, 'aws')}:{service}:{region}:{account}:{res}",
        regions, accounts, resource,
    )


repository_names = st.lists(word, min_size=1, max_size=3).map("/".join)
log_group_names = st.builds(lambda a, b, lead: f"{lead}{a}/{b}", word, word, st.sampled_from(["/ecs/", "", "/"]))
secret_names = st.builds(lambda parts, sep: sep.join(parts), st.lists(word, min_size=1, max_size=3), st.sampled_from(["/", "-", "_", "."]))
parameter_names = st.builds(lambda parts, lead: lead + "/".join(parts), st.lists(word, min_size=1, max_size=4),
                            st.sampled_from(["/", ""])).filter(lambda n: not n.lstrip("/").startswith(("aws", "ssm")))
key_ids = st.uuids().map(str)
aliases = word.map(lambda w: f"alias/{w}").filter(lambda a: not a.startswith("alias/aws"))

# A name may be built from the deploying account and region (the AWS CDK's container assets repository).
located_repository_names = st.one_of(
    st.just("cdk-hnb659fds-container-assets-{account}-{region}"),
    st.builds(lambda path, parts: f"{path}/" + "-".join(parts), repository_names,
              st.lists(st.sampled_from(["{account}", "{region}", "assets"]), min_size=1, max_size=3)
              .filter(lambda parts: any("{" in part for part in parts))))
repositories = st.one_of(repository_names, _arn("ecr", repository_names.map(lambda n: f"repository/{n}")),
                         located_repository_names)
log_groups = st.one_of(log_group_names, _arn("logs", log_group_names.map(lambda n: f"log-group:{n}")))
secrets = st.one_of(
    secret_names,
    # An ARN's name may not end in - and six lower-case letters: that is ambiguous, and refused (finding 11).
    _arn("secretsmanager", secret_names.filter(lambda n: not re.search(r"-[a-z]{6}$", n)).map(lambda n: f"secret:{n}")),
    _arn("secretsmanager", st.builds(lambda n, s, tail: f"secret:{n}-{s}{tail}", secret_names,
                                     st.from_regex(r"[A-Za-z0-9]{6}", fullmatch=True).filter(
                                         lambda s: not (s.isalpha() and s.islower())),
                                     st.sampled_from(["", ":password::", ":username:AWSCURRENT:"]))),
)
parameters = st.one_of(
    parameter_names,
    # A reference names the secret without its suffix (finding 15).
    secret_names.filter(lambda n: not re.search(r"-[A-Za-z0-9]{6}$", n)).map(lambda n: f"/aws/reference/secretsmanager/{n}"),
    # ECS reads parameters only in the task's own account (a literal account would pin the role to it at
    # deploy time), so a parameter ARN names the deploying partition and account with the placeholders.
    st.builds(lambda region, name: f"arn:{{partition}}:ssm:{region}:{{account}}:parameter/{name.lstrip('/')}",
              regions, parameter_names),
)
kms_keys = st.one_of(key_ids, aliases, _arn("kms", key_ids.map(lambda k: f"key/{k}")), _arn("kms", aliases))


def _unique(items: st.SearchStrategy, max_size: int = 4) -> st.SearchStrategy:
    return st.lists(items, min_size=1, max_size=max_size, unique=True)


ecr_pull = st.fixed_dictionaries(
    {"repositories": _unique(repositories)},
    optional={"vpc_endpoint": st.one_of(
        st.fixed_dictionaries({"source_vpce": _unique(st.from_regex(r"vpce-[0-9a-f]{17}", fullmatch=True), 2)}),
        st.fixed_dictionaries({"source_vpc": _unique(st.from_regex(r"vpc-[0-9a-f]{8}", fullmatch=True), 2)}),
        st.fixed_dictionaries({"source_vpce": _unique(st.from_regex(r"vpce-[0-9a-f]{17}", fullmatch=True), 2),
                               "source_vpc": _unique(st.from_regex(r"vpc-[0-9a-f]{8}", fullmatch=True), 2)}),
    )},
)
awslogs = st.fixed_dictionaries({"log_groups": _unique(log_groups, 3)}, optional={"create_group": st.booleans()})
private_registry_auth = st.fixed_dictionaries({"secrets": _unique(secrets, 2)}, optional={"kms_keys": _unique(kms_keys, 2)})
secrets_feature = st.one_of(
    st.fixed_dictionaries({"ssm_parameters": _unique(parameters)}, optional={"secrets_manager": _unique(secrets), "kms_keys": _unique(kms_keys, 3)}),
    st.fixed_dictionaries({"secrets_manager": _unique(secrets)}, optional={"kms_keys": _unique(kms_keys, 3)}),
)

# s3_files (compiler/spec/names.py `_s3`, `s3_object`, `environment_file`, `s3_prefix`): an ARN without region or
# account, its partition literal (moved to the spec's partition below) or `{partition}`; only then may the bucket
# name hold `{account}` and `{region}`, and it must stay a bucket name with a 12-digit account and the longest region.
S3_FILE_LISTS = ("environment_files", "firelens_config", "prefixes")
_bucket_words = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
_plain_buckets = st.builds(lambda first, rest: first + "".join(rest), _bucket_words,
                           st.lists(st.tuples(st.sampled_from("-."), _bucket_words).map("".join), max_size=2)
                           ).filter(lambda b: len(b) >= 3)
_located_buckets = st.builds(lambda lead, parts: lead + "-".join(parts), _bucket_words.map(lambda w: w + "-"),
                             st.lists(st.sampled_from(["{account}", "{region}", "assets"]), min_size=1, max_size=3)
                             ).filter(lambda b: "{" in b and len(b.replace("{account}", "0" * 12)
                                                               .replace("{region}", LONGEST_REGION)) <= 63)
# Characters S3 keys may hold that are not the ARN wildcards (refused) nor `{` (placeholders): including those
# the targets escape or quote ($ % ' " \ # : [ ] | < > ~ ^), spaces and a non-ASCII letter.
_ascii_segments = st.from_regex("[A-Za-z0-9!_.'()=+@,;:&$%#~^|<>\\[\\]\"\\\\ -]{1,10}", fullmatch=True)
_key_segments = st.one_of(_ascii_segments, _ascii_segments, _ascii_segments, st.from_regex("é[a-z]{0,3}", fullmatch=True))
_keys = st.lists(_key_segments, min_size=1, max_size=3).map("/".join)
_env_keys = _keys.map(lambda k: k + ".env")
_folders = st.lists(_key_segments, max_size=2).map(lambda parts: "".join(p + "/" for p in parts))


def _s3_arns(keys: st.SearchStrategy) -> st.SearchStrategy:
    literal = st.builds(lambda b, k: f"arn:aws:s3:::{b}/{k}", _plain_buckets, keys)
    deploying = st.builds(lambda b, k: f"arn:{{partition}}:s3:::{b}/{k}", st.one_of(_plain_buckets, _located_buckets), keys)
    return st.one_of(literal, deploying)


s3_owners = st.one_of(st.just("any"), accounts,
                      # bucket_owner also takes an unquoted YAML number (allow_number): no leading zero then
                      accounts.filter(lambda a: a[0] != "0").map(int))
s3_files = st.fixed_dictionaries({}, optional={
    "environment_files": _unique(_s3_arns(_env_keys), 3),
    "firelens_config": _unique(_s3_arns(_keys), 2),
    "prefixes": _unique(_s3_arns(_folders), 2),
    "bucket_owner": s3_owners,
    "kms_keys": _unique(kms_keys, 2),
}).filter(lambda block: any(name in block for name in S3_FILE_LISTS))

# pull_through_cache: PULL_THROUGH_CACHE_PREFIX_RE, 2 to 30 characters; the console's default prefixes and others.
_cache_segments = st.from_regex(r"[a-z0-9]{1,5}(?:[._-][a-z0-9]{1,5}){0,2}", fullmatch=True)
cache_prefixes = st.one_of(
    st.sampled_from(["docker-hub", "ecr-public", "quay", "k8s", "github", "gitlab", "azure", "chainguard"]),
    # PULL_THROUGH_CACHE_PREFIX_RE's shape with bounded parts (its unbounded form mostly draws prefixes too long)
    st.lists(_cache_segments, min_size=1, max_size=3).map("/".join).filter(lambda p: 2 <= len(p) <= 30),
)
pull_through_cache = st.fixed_dictionaries({"prefixes": _unique(cache_prefixes, 3)},
                                           optional={"create_repository": st.booleans()})
runtime_monitoring = st.fixed_dictionaries({"guardduty_agent": st.booleans()})

FEATURES = {
    "ecr_pull": ecr_pull, "awslogs": awslogs, "private_registry_auth": private_registry_auth, "secrets": secrets_feature,
    "s3_files": s3_files, "pull_through_cache": pull_through_cache, "runtime_monitoring": runtime_monitoring,
}
"""A strategy per feature of the catalog (a test checks that none is missing)."""
features = st.fixed_dictionaries({}, optional=FEATURES)


def features_with(name: str) -> st.SearchStrategy:
    """Feature blocks that always hold `name`, and any others."""
    return st.fixed_dictionaries({name: FEATURES[name]}, optional={k: v for k, v in FEATURES.items() if k != name})


role = st.fixed_dictionaries({}, optional={
    "name": st.from_regex(r"[A-Za-z0-9+=,.@_-]{1,64}", fullmatch=True),
    "path": st.sampled_from(["/", "/ecs/", "/teams/payments/"]),
    "permissions_boundary": st.one_of(word.map(lambda w: f"{w}-boundary"),
                                      st.builds(lambda a, w: f"arn:aws:iam::{a}:policy/{w}", accounts, word)),
    "max_session_duration": st.integers(3600, 43200),
    "tags": st.dictionaries(word, st.from_regex(r"[A-Za-z0-9 _.:/=+@-]{0,20}", fullmatch=True), max_size=4),
})


@st.composite
def specs(draw) -> dict:
    """A valid spec as data; `managed_policy` is never combined with a VPC endpoint (that is refused)."""
    return _spec(draw, draw(regions))


DEPLOYMENT_REGIONS = {"aws": ["us-east-1", "eu-west-1", "ap-southeast-2", "me-central-1", "ap-southeast-6"],
                      "aws-cn": ["cn-north-1", "cn-northwest-1"], "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"]}
"""Where the generated specs deploy: every region of their partition the strategies name, me-central-1 (a GuardDuty
agent account with leading zeros) and ap-southeast-6 and China (no GuardDuty agent repository)."""


@st.composite
def deployed_specs(draw, feature: str | None = None) -> tuple[dict, tuple[str, str, str]]:
    """A valid spec (holding `feature`, if named) and where it deploys, (partition, region, account): a region of
    the spec's partition (the one its ARNs name), and any account, leading zeros included."""
    region = draw(regions)
    partition = _partition(region)
    account = draw(st.one_of(accounts, accounts.map(lambda a: "00" + a[2:])))
    spec = _spec(draw, region, features if feature is None else features_with(feature))
    return spec, (partition, draw(st.sampled_from(DEPLOYMENT_REGIONS[partition])), account)


@st.composite
def stackset_specs(draw) -> tuple[dict, str, str, list[str], str | None]:
    """A valid spec rolled out by a self-managed StackSet to the deploying account: (spec, partition, account,
    regions, home region or None). Without role settings (a fixed name or a boundary pinned to one account may
    collide across regions); with runtime_monitoring on, only regions that have a GuardDuty agent repository."""
    spec, (partition, _, account) = draw(deployed_specs())
    spec.pop("role", None)
    monitored = spec.get("features", {}).get("runtime_monitoring", {}).get("guardduty_agent")
    choices = [r for r in DEPLOYMENT_REGIONS[partition] if not monitored or r in GUARDDUTY_AGENT_ACCOUNTS]
    if not choices:  # China: no agent repository anywhere
        spec["features"]["runtime_monitoring"]["guardduty_agent"] = False
        choices = DEPLOYMENT_REGIONS[partition]
    chosen = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True))
    home = draw(st.one_of(st.none(), st.sampled_from(chosen)))
    spec["stackset"] = {"permission_model": "self_managed", "accounts": [account], "regions": chosen,
                        **({"home_region": home} if home else {})}
    return spec, partition, account, chosen, home


def _spec(draw, region: str, blocks: st.SearchStrategy = features) -> dict:
    spec: dict = {"version": 1}
    chosen = draw(blocks)
    has_endpoint = "vpc_endpoint" in chosen.get("ecr_pull", {})
    managed = draw(st.booleans()) and not has_endpoint
    if not any(name != "runtime_monitoring" or block["guardduty_agent"] for name, block in chosen.items()):
        managed = True  # else the role grants nothing, which is refused
    if draw(st.booleans()):
        spec["description"] = draw(st.from_regex(r"[A-Za-z0-9 .,-]{1,60}", fullmatch=True))
    settings = draw(role)
    if settings:
        spec["role"] = settings
    if managed:
        spec["managed_policy"] = True
    if draw(st.booleans()):
        spec["trust"] = {"source_account": draw(st.booleans())}
    if chosen:
        spec["features"] = chosen
    return _one_partition(spec, region)


def _one_partition(value, region: str):
    """Every ARN moved to `region` and its partition (IAM ARNs: the partition only), as one role's ARNs must be."""
    if isinstance(value, dict):
        return {key: _one_partition(item, region) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_partition(item, region) for item in value]
    if isinstance(value, str) and value.startswith("arn:"):
        _, partition, service, given, rest = value.split(":", 4)
        if partition != "{partition}":  # the placeholder is the deploying partition wherever it deploys
            partition = _partition(region)
        return f"arn:{partition}:{service}:{region if given else ''}:{rest}"
    return value


def dump(spec: dict) -> str:
    return yaml.safe_dump(spec, sort_keys=False)


# --------------------------------------------------------------------------- #
# Refused specs: a valid spec with one value that the schema, a converter of compiler/spec/names.py, a feature's
# `validate` or its `conflicts` refuses, with where the refusal points and what it says.

_OTHER_PARTITION = {"aws": "aws-cn", "aws-cn": "aws-us-gov", "aws-us-gov": "aws"}


def _put(draw, spec: dict, feature: str, key: str, value) -> tuple:
    """`value` in the list `key` of `feature` (replacing an item or added to it, the list made if absent)."""
    items = spec["features"][feature].setdefault(key, [])
    index = draw(st.integers(0, len(items)))
    if index < len(items):
        items[index] = value
    else:
        items.append(value)
    return ("features", feature, key, index)


def _set_block(spec: dict, feature: str, block) -> tuple:
    spec["features"][feature] = block
    return ("features", feature)


def _s3_value(draw, text: st.SearchStrategy):
    """Put a drawn `text` among the environment files or FireLens configuration files."""
    return lambda spec: _put(draw, spec, "s3_files", draw(st.sampled_from(["environment_files", "firelens_config"])),
                             draw(text))


def _s3_refusals(draw, region: str) -> dict[str, Callable[[dict], tuple]]:
    p = _partition(region)
    bucket, key = draw(_plain_buckets), draw(_keys)
    kinds = {
        "an environment file's key must end in .env": lambda spec: _put(
            draw, spec, "s3_files", "environment_files",
            f"arn:{p}:s3:::{bucket}/{key}{draw(st.sampled_from(['.txt', '.env.bak', '-env', '.conf']))}"),
        "has no object key after the bucket name": _s3_value(
            draw, st.sampled_from([f"arn:{p}:s3:::{bucket}", f"arn:{p}:s3:::{bucket}/"])),
        "a prefix ends in /": lambda spec: _put(draw, spec, "s3_files", "prefixes", draw(st.sampled_from(
            [f"arn:{p}:s3:::{bucket}/{key}", f"arn:{p}:s3:::{bucket}"]))),
        "is in the deploying partition: write arn:{partition}:s3:::": _s3_value(
            draw, _located_buckets.map(lambda b: f"arn:{p}:s3:::{b}/{key}.env")),
        "may stand only in the bucket name, not in the object key": _s3_value(draw, st.sampled_from(
            [f"arn:{{partition}}:s3:::{bucket}/{{account}}/{key}.env", f"arn:{{partition}}:s3:::{bucket}/{{region}}.env",
             f"arn:{{partition}}:s3:::{bucket}/{{partition}}.env"])),
        "the only placeholders a bucket name may hold are {account} and {region}": _s3_value(
            draw, st.just(f"arn:{{partition}}:s3:::{bucket}-{{partition}}/{key}.env")),
        "wildcards are not allowed": _s3_value(draw, st.sampled_from(
            [f"arn:{p}:s3:::{bucket}/*.env", f"arn:{p}:s3:::{bucket}/{key}?.env", f"arn:{p}:s3:::{bucket}*/{key}.env"])),
        "s3 ARNs have no region": _s3_value(draw, st.just(f"arn:{p}:s3:{region}::{bucket}/{key}.env")),
        "S3 ARNs have no account": _s3_value(draw, accounts.map(lambda a: f"arn:{p}:s3::{a}:{bucket}/{key}.env")),
        "expected a bucket name (3 to 63 lowercase letters, digits, . and -)": _s3_value(draw, st.sampled_from(
            [f"arn:{p}:s3:::{bucket.upper()}X/{key}.env", f"arn:{p}:s3:::{bucket}..x/{key}.env",
             f"arn:{p}:s3:::ab/{key}.env", f"arn:{p}:s3:::{'b' * 64}/{key}.env", f"arn:{p}:s3:::-{bucket}/{key}.env"])),
        "with a 12-digit account and the longest region": _s3_value(draw, st.integers(35, 50).map(
            lambda n: f"arn:{{partition}}:s3:::{'c' * n}-{{account}}-{{region}}/{key}.env")),
        "expected an S3 object ARN": _s3_value(draw, st.just(f"{bucket}/{key}.env")),
        "expected an S3 prefix ARN ending in /": lambda spec: _put(draw, spec, "s3_files", "prefixes", f"{bucket}/"),
        "expected a 12-digit account id, or any": lambda spec: _set_path(spec, ("features", "s3_files", "bucket_owner"),
            draw(st.sampled_from(["11112222333", "1111222233334", "self", "ANY", "none", 12345]))),
        "expected environment_files, firelens_config, prefixes or several of them": lambda spec: _set_block(
            spec, "s3_files", {k: v for k, v in spec["features"]["s3_files"].items() if k not in S3_FILE_LISTS}
            or {"bucket_owner": "any"}),
        "expected at least 1 item(s), got 0": lambda spec: _set_path(
            spec, ("features", "s3_files", draw(st.sampled_from(S3_FILE_LISTS + ("kms_keys",)))), []),
    }
    return kinds


def _set_path(spec: dict, path: tuple, value) -> tuple:
    parent = spec
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return path


def _cache_refusals(draw, region: str) -> dict[str, Callable[[dict], tuple]]:
    prefix = lambda value: lambda spec: _put(draw, spec, "pull_through_cache", "prefixes", value)  # noqa: E731
    kinds = {
        "a pull through cache rule prefix has at least 2 characters": prefix(draw(st.from_regex(r"[a-z0-9]", fullmatch=True))),
        "of at most 30 characters": prefix(draw(st.integers(31, 40).map(lambda n: ("docker-hub/" + "x" * 30)[:n]))),
        "expected a pull through cache rule prefix such as docker-hub": prefix(draw(st.sampled_from(
            ["Docker-Hub", "docker-hub/", "/docker-hub", "docker//hub", "docker hub", "-docker", "docker-", "docker_.hub",
             "ROOT", "docker-hub/*"]))),
        "missing required key 'prefixes'": lambda spec: _set_block(
            spec, "pull_through_cache", {"create_repository": draw(st.booleans())}),
        "expected true or false": lambda spec: _set_path(spec, ("features", "pull_through_cache", "create_repository"),
                                                         draw(st.sampled_from(["yes", "true", 1, None]))),
    }
    return kinds


def _alone_and_off(spec: dict) -> tuple:
    spec["features"] = {"runtime_monitoring": {"guardduty_agent": False}}
    spec.pop("managed_policy", None)
    return ("features",)


def _monitoring_refusals(draw, region: str) -> dict[str, Callable[[dict], tuple]]:
    kinds = {
        "the role grants nothing: runtime_monitoring grants nothing as written": _alone_and_off,
        "missing required key 'guardduty_agent'": lambda spec: _set_block(spec, "runtime_monitoring", {}),
        "expected true or false": lambda spec: _set_path(spec, ("features", "runtime_monitoring", "guardduty_agent"),
                                                         draw(st.sampled_from(["true", "on", 1, None, [True]]))),
    }
    return kinds


STACKSET_REGIONS_WITHOUT_AGENT = {"aws": ["us-east-1", "ap-southeast-6"], "aws-cn": ["cn-north-1", "cn-northwest-1"]}


def _outside_the_agent_table(draw, spec: dict, partition: str) -> tuple:
    """runtime_monitoring in a StackSet whose regions include one without a GuardDuty agent repository."""
    spec["features"]["runtime_monitoring"] = {"guardduty_agent": True}
    spec.pop("role", None)  # a fixed role name or a boundary pinned to one account collide in a StackSet otherwise
    spec["stackset"] = {"permission_model": "self_managed", "accounts": [draw(accounts)],
                        "regions": STACKSET_REGIONS_WITHOUT_AGENT[partition]}
    return ("stackset", "regions")


REFUSED_FEATURES = {  # feature: (draw, region) -> {a part of the message: the change to a spec, returning its path}
    "s3_files": _s3_refusals, "pull_through_cache": _cache_refusals,
                    "runtime_monitoring": _monitoring_refusals}


@st.composite
def refused_specs(draw) -> tuple[dict, tuple | None, str]:
    """(spec, path of the refused node as keys and indexes, a part of the message): a valid spec holding one of the
    newest features with one refused value. The path is None where two valid values conflict (partitions)."""
    feature = draw(st.sampled_from(sorted(REFUSED_FEATURES)))
    if feature == "runtime_monitoring" and draw(st.booleans()):
        partition = draw(st.sampled_from(sorted(STACKSET_REGIONS_WITHOUT_AGENT)))
        spec = _spec(draw, "us-east-1" if partition == "aws" else "cn-north-1", features_with(feature))
        return spec, _outside_the_agent_table(draw, spec, partition), \
            "GuardDuty lists no aws-guardduty-agent-fargate repository for"
    if feature == "s3_files" and draw(st.integers(0, 15)) == 0:
        region = draw(regions)
        spec = _spec(draw, region, features_with(feature))
        p, other = _partition(region), _OTHER_PARTITION[_partition(region)]
        spec["features"]["s3_files"]["environment_files"] = [f"arn:{p}:s3:::one-bucket/a.env",
                                                             f"arn:{other}:s3:::other-bucket/b.env"]
        return spec, None, "a role and everything it is granted live in one partition"
    region = draw(regions)
    spec = _spec(draw, region, features_with(feature))
    kinds = REFUSED_FEATURES[feature](draw, region)
    message = draw(st.permutations(sorted(kinds)))[0]  # spreads the kinds evenly: sampled_from favours the first
    return spec, kinds[message](spec), message
