"""Amazon ECR image references: which private repository an image comes from, or that it needs nothing.

An image reference is `[HOST/]PATH[:TAG][@DIGEST]`. Only private ECR hosts need the
execution role (ecr pull actions on the repository); public ECR, Docker Hub, GHCR and
any other registry need nothing from it. The host alone says the account, region and
partition, for every documented host form:

    A.dkr.ecr.R.amazonaws.com            standard (aws, aws-us-gov)
    A.dkr.ecr-fips.R.amazonaws.com       FIPS (aws, aws-us-gov)
    A.dkr-ecr.R.on.aws                   dual-stack (no PrivateLink)
    A.dkr-ecr-fips.R.on.aws              dual-stack FIPS
    A.dkr.ecr.R.amazonaws.com.cn         China
    A.dkr-ecr.R.on.amazonwebservices.com.cn   China dual-stack
    A.dkr.ecr.R.c2s.ic.gov / .sc2s.sgov.gov / .cloud.adc-e.uk / .csp.hci.ic.gov   ISO partitions

(the kubelet credential provider's match list in AWS's EKS AMI; ECR "Making requests to
Amazon ECR registries"). A host of that shape with a bad account or unknown region is
refused, never taken for a public registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .regions import PARTITION_OF
from ..spec.types import Invalid

REPOSITORY_RE = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
_TAG_RE = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST_RE = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")

_ENDPOINTS = {"dkr.ecr": (False, False), "dkr.ecr-fips": (False, True), "dkr-ecr": (True, False), "dkr-ecr-fips": (True, True)}
_SUFFIXES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # host suffix -> (endpoint kinds it serves, partitions it serves)
    "amazonaws.com": (frozenset({"dkr.ecr", "dkr.ecr-fips"}), frozenset({"aws", "aws-us-gov"})),
    "on.aws": (frozenset({"dkr-ecr", "dkr-ecr-fips"}), frozenset({"aws", "aws-us-gov"})),
    "amazonaws.com.cn": (frozenset({"dkr.ecr"}), frozenset({"aws-cn"})),
    "on.amazonwebservices.com.cn": (frozenset({"dkr-ecr"}), frozenset({"aws-cn"})),
    "c2s.ic.gov": (frozenset({"dkr.ecr"}), frozenset({"aws-iso"})),
    "sc2s.sgov.gov": (frozenset({"dkr.ecr"}), frozenset({"aws-iso-b"})),
    "cloud.adc-e.uk": (frozenset({"dkr.ecr"}), frozenset({"aws-iso-e"})),
    "csp.hci.ic.gov": (frozenset({"dkr.ecr"}), frozenset({"aws-iso-f"})),
}
_HOST_RE = re.compile(
    r"(?P<account>[^./]+)\.(?P<endpoint>dkr\.ecr-fips|dkr\.ecr|dkr-ecr-fips|dkr-ecr)\.(?P<region>[^./]+)\."
    r"(?P<suffix>" + "|".join(re.escape(s) for s in sorted(_SUFFIXES, key=len, reverse=True)) + r")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EcrImage:
    """A private ECR repository an image is pulled from (tag and digest dropped)."""

    account: str
    region: str
    partition: str
    repository: str
    dual_stack: bool
    fips: bool

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/{self.repository}"


def split_reference(reference: str) -> tuple[str | None, str, str | None, str | None]:
    """(host or None, path, tag, digest), following Docker's reference grammar: the first
    component is a host when it has a '.' or ':' or is 'localhost'."""
    rest, digest = (reference.split("@", 1) + [None])[:2] if "@" in reference else (reference, None)
    host = None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        host, rest = first, remainder
    tag = None
    path, colon, maybe_tag = rest.rpartition(":")
    if colon and "/" not in maybe_tag:
        rest, tag = path, maybe_tag
    return host, rest, tag, digest


def parse_image(reference: str) -> EcrImage | None:
    """The private ECR repository `reference` pulls from, or None when its registry needs nothing
    from the execution role. Raises Invalid for an ECR host that cannot be right."""
    if not reference or reference != reference.strip():
        raise Invalid(f"expected an image reference, got {reference!r}")
    host, path, tag, digest = split_reference(reference)
    if host is None:
        return None
    match = _HOST_RE.fullmatch(host)
    if not match:
        return None
    if tag is not None and not _TAG_RE.fullmatch(tag):
        raise Invalid(f"expected an image tag (letters, digits, _ . -, at most 128) in {reference!r}, got {tag!r}")
    if digest is not None and not _DIGEST_RE.fullmatch(digest):
        raise Invalid(f"expected a digest such as sha256:<64 hex digits> in {reference!r}, got {digest!r}")
    return _image(match, path, reference)


def parse_repository_uri(value: str) -> EcrImage | None:
    """An ECR repository URI (`HOST/REPOSITORY`, the form ECR's console copies) as written in a spec;
    None when `value` has no ECR host. A tag or digest is refused: a spec lists repositories."""
    host, path, tag, digest = split_reference(value)
    if host is None or not _HOST_RE.fullmatch(host):
        return None
    if tag is not None or digest is not None:
        raise Invalid(f"expected a repository without tag or digest, got {value!r}; "
                      f"write {host}/{path} (the execution role pulls every tag of a repository)")
    return _image(_HOST_RE.fullmatch(host), path, value)


def _image(match: re.Match, path: str, reference: str) -> EcrImage:
    account, endpoint, region, suffix = match["account"], match["endpoint"].lower(), match["region"], match["suffix"].lower()
    host = match.group(0)
    if not re.fullmatch(r"\d{12}", account):
        raise Invalid(f"the ECR registry {host!r} names account {account!r}; an account id has exactly 12 digits")
    partition = PARTITION_OF.get(region)
    if partition is None:
        raise Invalid(f"the ECR registry {host!r} names region {region!r}, which is not an AWS region")
    endpoints, partitions = _SUFFIXES[suffix]
    if endpoint not in endpoints or partition not in partitions:
        raise Invalid(f"{host!r} is not an ECR registry host: {endpoint}.{region}.{suffix} is not a documented form "
                      "(see https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html)")
    if not re.fullmatch(REPOSITORY_RE, path) or len(path) > 256:
        raise Invalid(f"expected an ECR repository name (lowercase letters, digits, . _ - and /) after {host}/ "
                      f"in {reference!r}, got {path!r}")
    dual_stack, fips = _ENDPOINTS[endpoint]
    return EcrImage(account, region, partition, path, dual_stack, fips)
