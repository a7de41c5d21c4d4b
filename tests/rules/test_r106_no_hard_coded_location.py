"""R106 on S3 bucket names built from the deployment: admitted on purpose in the bucket name (the AWS CDK's
assets bucket `cdk-hnb659fds-assets-{account}-{region}`), refused anywhere else in an S3 ARN's resource."""

from __future__ import annotations

import pytest

from rolec.rules.r106_no_hard_coded_location import problem
from rolec.text import Lookup, Pseudo, Text

P, R, A = Pseudo.PARTITION, Pseudo.REGION, Pseudo.ACCOUNT
LOOKUP = Lookup("GuardDutyAccount", (("us-east-1", "593207742271"),), "no agent account")


@pytest.mark.parametrize("parts", [
    ("arn:", P, ":s3:::cdk-hnb659fds-assets-", A, "-", R, "/abc.env"),
    ("arn:", P, ":s3:::cdk-hnb659fds-assets-", A, "-", R),
    ("arn:", P, ":s3:::logs-", A, "/fluent-bit/extra.conf"),
    ("arn:", P, ":s3:::", R, "-config/envs/*"),
])
def test_a_bucket_named_after_the_deploying_account_and_region_is_admitted(parts):
    assert problem(Text.of(*parts)) is None


@pytest.mark.parametrize("parts, why", [
    (("arn:aws:s3:::cdk-hnb659fds-assets-", A, "-", R, "/abc.env"), "not the deploying partition"),
    (("arn:", P, ":s3:::bucket/", A, "/abc.env"), "object key"),
    (("arn:", P, ":s3:::bucket-", A, "/", R, ".env"), "object key"),
    (("arn:", P, ":s3:::bucket-", P, "/abc.env"), "account and region only"),
    (("arn:", P, ":s3:::bucket-", LOOKUP, "/abc.env"), "account and region only"),
    (("arn:", P, ":s3:::bucket/", LOOKUP, ".env"), "object key"),
    (("arn:", P, ":s3:", R, "::bucket-", A, "/abc.env"), "no region or account"),
])
def test_the_deployment_anywhere_else_in_an_s3_arn_is_refused(parts, why):
    assert why in (problem(Text.of(*parts)) or "")
