"""s3_files with a bucket named after the deploying account and region (the AWS CDK's assets bucket,
`cdk-hnb659fds-assets-{account}-{region}`): on both targets and in both partitions the role reads the named
object in the deploying account's bucket of the deploying region only, and keeps the aws:ResourceAccount pin."""

from __future__ import annotations

import pytest

from tests.support.outputs import DEPLOYMENTS, TARGETS, Deployment
from tests.support.roles import build

target_param = pytest.mark.parametrize("target", TARGETS)
deployment_param = pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)

OTHER_ACCOUNT = "999988887777"
KEY = "872561bf078edd1685d50c9ff821cdd60d2b2ddfb0013c4087e79bf2bb50724d.env"
CONFIG = "2ca891b3a73a4a36630bba20580e3390a104d2ac9ff1f22a6bcadf575f8a5a61.conf"
ASSETS = "arn:{partition}:s3:::cdk-hnb659fds-assets-{account}-{region}"
SPEC = {"features": {"s3_files": {"environment_files": [f"{ASSETS}/{KEY}"], "firelens_config": [f"{ASSETS}/{CONFIG}"]}}}


def bucket(deployment: Deployment, account: str | None = None, region: str | None = None) -> str:
    return (f"arn:{deployment.partition}:s3:::cdk-hnb659fds-assets-{account or deployment.account}-"
            f"{region or deployment.region}")


def other_region(deployment: Deployment) -> str:
    return "cn-northwest-1" if deployment.partition == "aws-cn" else "eu-west-1"


@target_param
@deployment_param
def test_the_object_in_the_deploying_accounts_bucket_of_the_deploying_region_only(tmp_path, target, deployment):
    r = build(tmp_path, SPEC, target, deployment)
    own = {"aws:ResourceAccount": deployment.account}
    mine = bucket(deployment)
    for key in (KEY, CONFIG):
        assert r.allows("s3:GetObject", f"{mine}/{key}", own), key
        assert not r.allows("s3:GetObject", f"{mine}/{key}"), "aws:ResourceAccount is required"
        assert not r.allows("s3:GetObject", f"{mine}/{key}", {"aws:ResourceAccount": OTHER_ACCOUNT}), key
        # The same key in another account's bucket, another region's bucket, or a bucket named beside it.
        for near in (bucket(deployment, account=OTHER_ACCOUNT), bucket(deployment, region=other_region(deployment)),
                     mine + "x", mine.replace("hnb659fds", "other0000")):
            assert not r.allows("s3:GetObject", f"{near}/{key}", own), near
            assert not r.allows("s3:GetBucketLocation", near, own), near
    for near in ("other.env", KEY + "x", "x" + KEY, "*", ""):
        assert not r.allows("s3:GetObject", f"{mine}/{near}", own), near
    assert r.allows("s3:GetBucketLocation", mine, own)
    assert not r.allows("s3:GetBucketLocation", mine, {"aws:ResourceAccount": OTHER_ACCOUNT})
    other_partition = "aws" if deployment.partition != "aws" else "aws-cn"
    assert not r.allows("s3:GetObject", f"{mine.replace(deployment.partition, other_partition, 1)}/{KEY}", own)
    for action in ("s3:ListBucket", "s3:PutObject", "s3:GetObjectVersion"):
        assert not r.allows(action, f"{mine}/{KEY}", own), action
        assert not r.allows(action, mine, own), action


@target_param
def test_a_named_bucket_owner_still_pins_the_bucket(tmp_path, target):
    deployment = DEPLOYMENTS[0]
    spec = {"features": {"s3_files": {"environment_files": [f"{ASSETS}/{KEY}"], "bucket_owner": OTHER_ACCOUNT}}}
    r = build(tmp_path, spec, target, deployment)
    assert r.allows("s3:GetObject", f"{bucket(deployment)}/{KEY}", {"aws:ResourceAccount": OTHER_ACCOUNT})
    assert not r.allows("s3:GetObject", f"{bucket(deployment)}/{KEY}", {"aws:ResourceAccount": deployment.account})
