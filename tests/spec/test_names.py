"""Names and ARNs a spec lists, turned into the ARNs IAM matches (review findings 11 and 15), and the ARN
placeholders: `{partition}` and `{account}` stand for the deploying partition and account in a spec ARN (a
resource in another region of the deploying account); what each target then allows, and what is refused."""

from __future__ import annotations

import re

import pytest

from rolec.aws.regions import LONGEST_REGION
from rolec.spec.names import (environment_file, kms_key, log_group, parameter, policy, repository, s3_object, s3_prefix,
                              secret, spec_arn)
from rolec.spec.types import Invalid
from rolec.text import Pseudo, Text
from tests.support.bad import expected, refusal
from tests.support.outputs import DEPLOYMENTS, TARGETS
from tests.support.roles import build

ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:"


def test_finding_11_a_secret_arn_ending_in_six_lower_case_letters_is_refused_as_ambiguous(tmp_path, monkeypatch):
    code, stderr = refusal("secret-arn-ambiguous-suffix", tmp_path, monkeypatch)
    assert code == 2
    assert stderr == expected("secret-arn-ambiguous-suffix")
    assert stderr.count("may be part of the name or the six-character suffix") == 2


@pytest.mark.parametrize("given, granted", [
    (ARN + "prod/db-Ab12Cd", ARN + "prod/db-Ab12Cd"),  # digit or upper case: the suffix
    (ARN + "prod/db-AbCdEf:password::", ARN + "prod/db-AbCdEf"),
    (ARN + "prod/db-123456", ARN + "prod/db-123456"),
    (ARN + "prod/db-master-??????", ARN + "prod/db-master-??????"),  # the marker: no suffix given
    (ARN + "prod/db-master-??????:password::", ARN + "prod/db-master-??????"),
    (ARN + "prod/db", ARN + "prod/db-??????"),
    (ARN + "prod/database-password", ARN + "prod/database-password-??????"),  # '-password' is 8 characters
])
def test_finding_11_secret_arns_with_and_without_their_suffix(given, granted):
    assert secret(given).key == granted


def test_finding_11_the_marker_is_only_a_whole_tail_of_the_name():
    for bad in (ARN + "prod/db-?????", ARN + "prod/db-??????x", ARN + "prod/db-master-??????-??????"):
        with pytest.raises(Invalid):
            secret(bad)


def test_finding_15_a_secrets_manager_reference_that_carries_the_suffix_is_refused_with_advice():
    with pytest.raises(Invalid, match="write /aws/reference/secretsmanager/prod/db$"):
        parameter("/aws/reference/secretsmanager/prod/db-AbCdEf")
    assert parameter("/aws/reference/secretsmanager/prod/db-master").referenced_secret.key.endswith(
        ":secret:prod/db-master-??????")


@pytest.mark.parametrize("name", ["arn-partition-region-mismatch", "arn-mixed-partitions", "stackset-boundary-pinned-account"])
def test_finding_15_values_that_cannot_mean_what_was_written_are_refused(name, tmp_path, monkeypatch):
    code, stderr = refusal(name, tmp_path, monkeypatch)
    assert code == 2
    assert stderr == expected(name)


def test_finding_15_a_boundary_pinned_to_the_only_target_account_or_aws_managed_is_kept(tmp_path):
    from tests.conftest import STACKSET_ROLE
    from tests.support.bad import build_text

    stackset = "stackset:\n  permission_model: self_managed\n  accounts: [{accounts}]\n  regions: [us-east-1]\n"
    for boundary, accounts in (("arn:aws:iam::111122223333:policy/Boundary", '"111122223333"'),
                               ("arn:aws:iam::aws:policy/PowerUserAccess", '"111122223333", "444455556666"'),
                               ("Boundary", '"111122223333", "444455556666"')):
        text = STACKSET_ROLE.format(name="app-{region}").replace("role:\n", f"role:\n  permissions_boundary: {boundary}\n")
        code, stderr = build_text(text + stackset.format(accounts=accounts), tmp_path)
        assert code == 0, stderr


LOG_GROUP = "arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/app"
PARAMETER = "arn:{partition}:ssm:eu-west-1:{account}:parameter/app/db"


def test_placeholders_become_pseudo_parameters():
    assert log_group(LOG_GROUP) == Text.of("arn:", Pseudo.PARTITION, ":logs:eu-west-1:", Pseudo.ACCOUNT,
                                           ":log-group:/ecs/app")
    assert parameter(PARAMETER).arn == Text.of("arn:", Pseudo.PARTITION, ":ssm:eu-west-1:", Pseudo.ACCOUNT,
                                               ":parameter/app/db")
    reference = parameter("arn:{partition}:ssm:eu-west-1:{account}:parameter/aws/reference/secretsmanager/db")
    assert reference.referenced_secret.key == "arn:${Partition}:secretsmanager:eu-west-1:${AccountId}:secret:db-??????"
    assert secret("arn:{partition}:secretsmanager:eu-west-1:{account}:secret:db-AbCdEf:k::").key == \
        "arn:${Partition}:secretsmanager:eu-west-1:${AccountId}:secret:db-AbCdEf"
    assert kms_key("arn:{partition}:kms:eu-west-1:{account}:alias/app").arn.key == \
        "arn:${Partition}:kms:eu-west-1:${AccountId}:key/*"
    assert repository("arn:{partition}:ecr:eu-west-1:{account}:repository/a/b").key == \
        "arn:${Partition}:ecr:eu-west-1:${AccountId}:repository/a/b"
    assert s3_object("arn:{partition}:s3:::bucket/k.env").arn.key == "arn:${Partition}:s3:::bucket/k.env"
    assert policy("arn:{partition}:iam::aws:policy/ReadOnlyAccess").key == "arn:${Partition}:iam::aws:policy/ReadOnlyAccess"
    assert spec_arn("arn:aws:logs:eu-west-1:111122223333:log-group:x") == Text.of("arn:aws:logs:eu-west-1:111122223333:log-group:x")


@pytest.mark.parametrize("value,message", [
    ("arn:aws:logs:eu-west-1:{account}:log-group:/ecs/app", "{account} needs {partition} too"),
    ("arn:{partition}:logs:eu-west-1:111122223333:log-group:/ecs/app", "{partition} needs {account} too"),
    ("arn:{partition}:logs:{region}:{account}:log-group:/ecs/app", "the only placeholders"),
    ("arn:{partition}x:logs:eu-west-1:{account}:log-group:/ecs/app", "stands for the whole partition field"),
    ("arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/{account}", "expected a CloudWatch Logs group"),
    ("arn:{partition}:s3::{account}:bucket/k.env", "S3 ARNs have no account"),
])
def test_placeholders_out_of_place_are_refused(value, message):
    convert = s3_object if ":s3:" in value else log_group
    with pytest.raises(Invalid, match=message.replace("{", r"\{").replace("}", r"\}")):
        convert(value)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)
def test_a_group_and_a_parameter_in_another_region_of_the_deploying_account(tmp_path, target, deployment):
    spec = {"features": {"awslogs": {"log_groups": [LOG_GROUP]}, "secrets": {"ssm_parameters": [PARAMETER]}}}
    r = build(tmp_path, spec, target, deployment)
    group = deployment.arn("logs", "log-group:/ecs/app", region="eu-west-1")
    assert r.allows("logs:PutLogEvents", group + ":log-stream:s")
    assert r.allows("ssm:GetParameters", deployment.arn("ssm", "parameter/app/db", region="eu-west-1"))
    for near in (deployment.arn("logs", "log-group:/ecs/app:log-stream:s"),  # the deploying region
                 deployment.arn("logs", "log-group:/ecs/app:log-stream:s", region="eu-west-1", account="999988887777")):
        assert not r.allows("logs:PutLogEvents", near), near
    assert not r.allows("ssm:GetParameters", deployment.arn("ssm", "parameter/app/db"))
    other = "aws-cn" if deployment.partition == "aws" else "aws"
    assert not r.allows("ssm:GetParameters", f"arn:{other}:ssm:eu-west-1:{deployment.account}:parameter/app/db")


# --------------------------------------------------------------------------- #
# A bucket named after the deploying account and region (the AWS CDK's assets bucket).

CDK_ASSETS = "arn:{partition}:s3:::cdk-hnb659fds-assets-{account}-{region}"


def test_a_bucket_named_after_the_deploying_account_and_region():
    found = s3_object(f"{CDK_ASSETS}/abc.env")
    assert found.arn == Text.of("arn:", Pseudo.PARTITION, ":s3:::cdk-hnb659fds-assets-", Pseudo.ACCOUNT, "-",
                                Pseudo.REGION, "/abc.env")
    assert found.bucket == Text.of("arn:", Pseudo.PARTITION, ":s3:::cdk-hnb659fds-assets-", Pseudo.ACCOUNT, "-",
                                   Pseudo.REGION)
    assert s3_prefix("arn:{partition}:s3:::{region}-config-{account}/envs/").arn.key == \
        "arn:${Partition}:s3:::${Region}-config-${AccountId}/envs/*"
    assert environment_file(f"{CDK_ASSETS}/abc.env").arn.key == \
        "arn:${Partition}:s3:::cdk-hnb659fds-assets-${AccountId}-${Region}/abc.env"


@pytest.mark.parametrize("value,message", [
    ("arn:aws:s3:::cdk-hnb659fds-assets-{account}-{region}/abc.env", "in the deploying partition"),
    ("arn:{partition}:s3:::bucket-{account}/{region}/abc.env", "not in the object key"),
    ("arn:{partition}:s3:::bucket/{account}.env", "not in the object key"),
    ("arn:{partition}:s3:::bucket-{partition}/abc.env", "the only placeholders a bucket name may hold"),
    ("arn:{partition}:s3:::bucket-{stage}/abc.env", "the only placeholders"),
    ("arn:{partition}:s3:{region}::bucket/abc.env", "the only placeholders"),
    # 63 characters at most, measured with the longest region of the table (LONGEST_REGION) and 12 digits.
    (f"arn:{{partition}}:s3:::{'b' * (63 - 12 - 1 - len(LONGEST_REGION) + 1)}-{{account}}{{region}}/k.env",
     LONGEST_REGION),
    ("arn:{partition}:s3:::Assets-{account}-{region}/k.env", "expected a bucket name"),
    ("arn:{partition}:s3:::assets-{account}-{region}-/k.env", "expected a bucket name"),
    ("arn:{partition}:logs:eu-west-1:{account}:log-group:/ecs/{region}", "the only placeholders"),
])
def test_bucket_placeholders_out_of_place_are_refused(value, message):
    convert = s3_object if ":s3:" in value else log_group
    with pytest.raises(Invalid, match=re.escape(message)):
        convert(value)


def test_the_longest_bucket_name_that_fits():
    fits = f"arn:{{partition}}:s3:::{'b' * (63 - 12 - 1 - len(LONGEST_REGION))}-{{account}}{{region}}/k.env"
    assert s3_object(fits).arn.pseudos == {Pseudo.PARTITION, Pseudo.ACCOUNT, Pseudo.REGION}


# --------------------------------------------------------------------------- #
# An ECR repository named after the deploying account and region (the AWS CDK's container assets repository).

CDK_CONTAINER_ASSETS = "cdk-hnb659fds-container-assets-{account}-{region}"


def test_a_repository_named_after_the_deploying_account_and_region():
    """The AWS CDK pushes `ContainerImage.fromAsset` images to `cdk-hnb659fds-container-assets-ACCOUNT-REGION` of the
    deploying account and region (its default bootstrap); a spec names it as it names the CDK's assets bucket."""
    assert repository(CDK_CONTAINER_ASSETS) == Text.of(
        "arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":repository/cdk-hnb659fds-container-assets-",
        Pseudo.ACCOUNT, "-", Pseudo.REGION)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)
def test_the_deploying_accounts_assets_repository_is_pulled_and_no_other(tmp_path, target, deployment):
    r = build(tmp_path, {"features": {"ecr_pull": {"repositories": [CDK_CONTAINER_ASSETS]}}}, target, deployment)
    name = f"cdk-hnb659fds-container-assets-{deployment.account}-{deployment.region}"
    assert r.allows("ecr:BatchGetImage", deployment.arn("ecr", f"repository/{name}"))
    for near in (name.replace(deployment.account, "999988887777"), name.replace(deployment.region, "eu-west-3"), name + "x"):
        assert not r.allows("ecr:BatchGetImage", deployment.arn("ecr", f"repository/{near}")), near


@pytest.mark.parametrize("value,message", [
    ("cdk-assets-{partition}", "the only placeholders an ECR repository name may hold"),
    ("cdk-assets-{stage}", "the only placeholders an ECR repository name may hold"),
    ("CDK-assets-{account}", "expected an ECR repository name"),
    ("cdk-assets-{account}-", "expected an ECR repository name"),
    ("arn:{partition}:ecr:eu-west-1:{account}:repository/assets-{account}", "got resource"),
])
def test_repository_placeholders_out_of_place_are_refused(value, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        repository(value)
