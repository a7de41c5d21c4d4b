"""s3_files: what the compiled role allows on S3, judged the way AWS judges a deployed role (both targets,
both partitions): s3:GetObject on each named object and s3:GetBucketLocation on its bucket, only in a bucket
owned by the expected account, and nothing else."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import compile_spec
from rolec.reports.explain import to_text

from tests.support.outputs import DEPLOYMENTS, TARGETS
from tests.support.roles import build, write_spec

target_param = pytest.mark.parametrize("target", TARGETS)
deployment_param = pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)

OWNER = "111122223333"
OTHER_ACCOUNT = "999988887777"
ENV_FILE = "orders-config/app/prod.env"
FIRELENS = "orders-config/fluent-bit/extra.conf"
SPEC = {"features": {"s3_files": {
    "environment_files": [f"arn:{{partition}}:s3:::{ENV_FILE}"],
    "firelens_config": [f"arn:{{partition}}:s3:::{FIRELENS}"],
}}}
S3_ACTIONS_REFUSED = ("s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:GetObjectAcl",
                      "s3:GetBucketPolicy")


def s3(deployment, resource: str) -> str:
    return f"arn:{deployment.partition}:s3:::{resource}"


@target_param
@deployment_param
def test_each_file_and_its_bucket_in_the_deploying_account_only(tmp_path, target, deployment):
    r = build(tmp_path, SPEC, target, deployment)
    own = {"aws:ResourceAccount": deployment.account}
    for key in (ENV_FILE, FIRELENS):
        assert r.allows("s3:GetObject", s3(deployment, key), own), key
        assert not r.allows("s3:GetObject", s3(deployment, key), {"aws:ResourceAccount": OTHER_ACCOUNT}), key
        assert not r.allows("s3:GetObject", s3(deployment, key)), "aws:ResourceAccount is required"
    assert r.allows("s3:GetBucketLocation", s3(deployment, "orders-config"), own)
    assert not r.allows("s3:GetBucketLocation", s3(deployment, "orders-config"), {"aws:ResourceAccount": OTHER_ACCOUNT})
    for near in ("orders-config/app/prod.env.bak", "orders-config/app/staging.env", "orders-config/app/",
                 "orders-config/app/prod.envx", "orders-config/fluent-bit/other.conf", "orders-config/*",
                 "orders-configs/app/prod.env", "other-bucket/app/prod.env", "orders-config"):
        assert not r.allows("s3:GetObject", s3(deployment, near), own), near
    for near in ("other-bucket", "orders-config2", "orders-config/app/prod.env"):
        assert not r.allows("s3:GetBucketLocation", s3(deployment, near), own), near
    other_partition = "aws" if deployment.partition != "aws" else "aws-cn"
    assert not r.allows("s3:GetObject", f"arn:{other_partition}:s3:::{ENV_FILE}", own)
    for action in S3_ACTIONS_REFUSED:
        assert not r.allows(action, s3(deployment, ENV_FILE), own), action
        assert not r.allows(action, s3(deployment, "orders-config"), own), action


@target_param
@deployment_param
def test_prefix_grants_the_folder_and_nothing_beside_it(tmp_path, target, deployment):
    spec = {"features": {"s3_files": {"prefixes": ["arn:{partition}:s3:::orders-config/envs/"]}}}
    r = build(tmp_path, spec, target, deployment)
    own = {"aws:ResourceAccount": deployment.account}
    for key in ("envs/a.env", "envs/team/b.env", "envs/"):
        assert r.allows("s3:GetObject", s3(deployment, f"orders-config/{key}"), own), key
    for near in ("envs-old/a.env", "envs", "env/a.env", "other/envs/a.env"):
        assert not r.allows("s3:GetObject", s3(deployment, f"orders-config/{near}"), own), near
    assert not r.allows("s3:GetObject", s3(deployment, "other-bucket/envs/a.env"), own)
    assert not r.allows("s3:ListBucket", s3(deployment, "orders-config"), own)


@target_param
def test_named_bucket_owner(tmp_path, target):
    deployment = DEPLOYMENTS[0]
    spec = {"features": {"s3_files": {"environment_files": [f"arn:aws:s3:::{ENV_FILE}"], "bucket_owner": OWNER}}}
    r = build(tmp_path, spec, target, deployment)
    assert r.allows("s3:GetObject", s3(deployment, ENV_FILE), {"aws:ResourceAccount": OWNER})
    assert not r.allows("s3:GetObject", s3(deployment, ENV_FILE), {"aws:ResourceAccount": deployment.account})
    assert not r.allows("s3:GetObject", s3(deployment, ENV_FILE), {"aws:ResourceAccount": OTHER_ACCOUNT})
    assert r.allows("s3:GetBucketLocation", s3(deployment, "orders-config"), {"aws:ResourceAccount": OWNER})


@target_param
def test_bucket_owner_any_drops_the_condition_and_says_so(tmp_path, target):
    deployment = DEPLOYMENTS[0]
    spec = {"features": {"s3_files": {"environment_files": [f"arn:aws:s3:::{ENV_FILE}"], "bucket_owner": "any"}}}
    r = build(tmp_path, spec, target, deployment)
    assert r.allows("s3:GetObject", s3(deployment, ENV_FILE), {"aws:ResourceAccount": OTHER_ACCOUNT})
    assert r.allows("s3:GetObject", s3(deployment, ENV_FILE))
    assert not r.allows("s3:GetObject", s3(deployment, "orders-config/app/other.env"))
    text = to_text([compile_spec(write_spec(tmp_path, spec, "any-owner")).role])
    assert "bucket_owner: any leaves out the aws:ResourceAccount condition" in text


@target_param
def test_kms_keys_are_opt_in_and_exact(tmp_path, target):
    deployment = DEPLOYMENTS[0]
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    plain_spec = {"features": {"s3_files": {"environment_files": [f"arn:aws:s3:::{ENV_FILE}"]}}}
    plain = build(tmp_path, plain_spec, target, deployment)
    assert not plain.allows("kms:Decrypt", deployment.arn("kms", f"key/{key}"))
    spec = {"features": {"s3_files": {"environment_files": [f"arn:aws:s3:::{ENV_FILE}"], "kms_keys": [key]}}}
    r = build(tmp_path, spec, target, deployment)
    assert r.allows("kms:Decrypt", deployment.arn("kms", f"key/{key}"))
    assert not r.allows("kms:Decrypt", deployment.arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ac"))
    assert not r.allows("kms:Decrypt", deployment.arn("kms", f"key/{key}", account=OTHER_ACCOUNT))


def test_explain_names_the_prefix_opt_in_and_the_firelens_launch_type(tmp_path):
    spec = {"features": {"s3_files": {"prefixes": ["arn:aws:s3:::orders-config/envs/"],
                                      "firelens_config": [f"arn:aws:s3:::{FIRELENS}"]}}}
    text = to_text([compile_spec(write_spec(tmp_path, spec)).role])
    assert "the spec lists this prefix explicitly, so every object under it may be read" in text
    assert "arn:aws:s3:::orders-config/envs/*" in text
    assert "config-file-type s3 works only on the EC2 launch type" in text
    assert "aws:ResourceAccount = ${AccountId}" in text
