"""compiler/aws/ecr.py: every documented ECR host form, public registries, and what is refused."""

from __future__ import annotations

import pytest

from rolec.aws.ecr import EcrImage, parse_image, parse_repository_uri, split_reference
from rolec.spec.types import Invalid

DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize("reference, expected", [
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/team/app:1.2",
     EcrImage("111122223333", "us-east-1", "aws", "team/app", dual_stack=False, fips=False)),
    (f"111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@{DIGEST}",
     EcrImage("111122223333", "eu-west-1", "aws", "app", False, False)),
    (f"111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:v1@{DIGEST}",
     EcrImage("111122223333", "eu-west-1", "aws", "app", False, False)),
    ("111122223333.dkr.ecr-fips.us-east-2.amazonaws.com/app:1",
     EcrImage("111122223333", "us-east-2", "aws", "app", False, True)),
    ("111122223333.dkr-ecr.us-west-2.on.aws/app",
     EcrImage("111122223333", "us-west-2", "aws", "app", True, False)),
    ("111122223333.dkr-ecr-fips.us-west-2.on.aws/a/b/c:x",
     EcrImage("111122223333", "us-west-2", "aws", "a/b/c", True, True)),
    ("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1",
     EcrImage("111122223333", "cn-north-1", "aws-cn", "app", False, False)),
    ("111122223333.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn/app:1",
     EcrImage("111122223333", "cn-northwest-1", "aws-cn", "app", True, False)),
    ("111122223333.dkr.ecr.us-gov-west-1.amazonaws.com/app:1",
     EcrImage("111122223333", "us-gov-west-1", "aws-us-gov", "app", False, False)),
    ("111122223333.dkr.ecr-fips.us-gov-east-1.amazonaws.com/app:1",
     EcrImage("111122223333", "us-gov-east-1", "aws-us-gov", "app", False, True)),
    ("111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov/app:1",
     EcrImage("111122223333", "us-iso-east-1", "aws-iso", "app", False, False)),
    ("111122223333.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/app:1",
     EcrImage("111122223333", "us-isob-east-1", "aws-iso-b", "app", False, False)),
    ("111122223333.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/app:1",
     EcrImage("111122223333", "eu-isoe-west-1", "aws-iso-e", "app", False, False)),
    ("111122223333.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/app:1",
     EcrImage("111122223333", "us-isof-south-1", "aws-iso-f", "app", False, False)),
    ("906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable",
     EcrImage("906394416424", "us-east-1", "aws", "aws-for-fluent-bit", False, False)),
])
def test_ecr_hosts(reference, expected):
    assert parse_image(reference) == expected


def test_arn_uses_the_host_partition():
    image = parse_image("111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn/team/app:1")
    assert image.arn == "arn:aws-cn:ecr:cn-north-1:111122223333:repository/team/app"


@pytest.mark.parametrize("reference", [
    "nginx", "nginx:1.25", "library/nginx", "amazon/amazon-ecs-sample", "httpd:2.4",
    "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", "docker.io/library/nginx:latest",
    "ghcr.io/techlibplanet/sample-project:latest", "docker.pkg.github.com/a/b/c:1", "quay.io/x/y",
    "localhost:5000/app:1", "registry.example.com:443/app", f"nginx@{DIGEST}",
])
def test_public_and_other_registries_need_nothing(reference):
    assert parse_image(reference) is None


@pytest.mark.parametrize("reference, message", [
    ("1234567890.dkr.ecr.us-west-2.amazonaws.com/reverse-proxy:revision_1", "exactly 12 digits"),
    ("ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com/servus-backend:latest", "'ACCOUNT_ID'"),
    ("840364872350.dkr.ecr.region-code.amazonaws.com/aws-appmesh-envoy:v1", "'region-code', which is not an AWS region"),
    ("111122223333.dkr.ecr.cn-north-1.amazonaws.com/app", "not a documented form"),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com.cn/app", "not a documented form"),
    ("111122223333.dkr-ecr.us-east-1.amazonaws.com/app", "not a documented form"),
    ("111122223333.dkr.ecr-fips.cn-north-1.amazonaws.com.cn/app", "not a documented form"),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/App", "expected an ECR repository name"),
    ("111122223333.dkr.ecr.us-east-1.amazonaws.com/app@sha256:xyz", "expected a digest"),
    (" 111122223333.dkr.ecr.us-east-1.amazonaws.com/app", "expected an image reference"),
])
def test_ecr_hosts_that_cannot_be_right_are_refused(reference, message):
    with pytest.raises(Invalid, match=message):
        parse_image(reference)


def test_split_reference_follows_docker_grammar():
    assert split_reference("localhost:5000/a/b:c@sha256:1") == ("localhost:5000", "a/b", "c", "sha256:1")
    assert split_reference("nginx") == (None, "nginx", None, None)


def test_repository_uri_refuses_tags_and_digests():
    assert parse_repository_uri("111122223333.dkr.ecr.us-east-1.amazonaws.com/team/app").repository == "team/app"
    assert parse_repository_uri("team/app") is None
    for value in ("111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest",
                  f"111122223333.dkr.ecr.us-east-1.amazonaws.com/app@{DIGEST}"):
        with pytest.raises(Invalid, match="without tag or digest"):
            parse_repository_uri(value)
