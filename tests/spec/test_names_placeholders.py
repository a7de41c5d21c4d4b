"""ARN placeholders: `{partition}` and `{account}` stand for the deploying partition and account in a spec ARN
(a resource in another region of the deploying account); what each target then allows, and what is refused."""

from __future__ import annotations

import pytest

from rolec.spec.names import kms_key, log_group, parameter, policy, repository, s3_object, secret, spec_arn
from rolec.spec.types import Invalid
from rolec.text import Pseudo, Text

from tests.support.outputs import DEPLOYMENTS, TARGETS
from tests.support.roles import build

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
