"""The AWS regions rolec knows, by partition (botocore's endpoint data and cfn-lint agree on this list;
tests/targets/test_stackset.py checks that they still do).

A StackSet names its regions, so they are checked against this list: a typo such as
`eu-west1` fails here instead of in the middle of a rollout. A region AWS opens later
is added here.
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, ...]] = {
    "aws": (
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    ),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "aws-iso": ("us-iso-east-1", "us-iso-west-1"),
    "aws-iso-b": ("us-isob-east-1", "us-isob-west-1"),
    "aws-iso-e": ("eu-isoe-west-1",),
    "aws-iso-f": ("us-isof-east-1", "us-isof-south-1"),
    "aws-eusc": ("eusc-de-east-1",),
}

PARTITION_OF: dict[str, str] = {region: partition for partition, names in REGIONS.items() for region in names}
LONGEST_REGION: str = max(sorted(PARTITION_OF), key=len)
"""The longest region name: what a `{region}` placeholder in a name must fit with."""
