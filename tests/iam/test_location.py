"""compiler/iam/location.py: rendering a role's and a need's deploy-time parts for the deployment judged in."""

from __future__ import annotations

from rolec.iam.location import Location


def test_the_deploying_partition_next_to_a_written_region_is_that_regions_partition():
    """ARNs: a region belongs to one partition, so `arn:${AWS::Partition}:logs:cn-north-1:…` (a log group the task
    definition puts in cn-north-1) is an aws-cn ARN whatever deployment the audit is judged in; rendering it `arn:aws:`
    made a China role's exact grant 'missing'."""
    need = "arn:${AWS::Partition}:logs:cn-north-1:${AWS::AccountId}:log-group:/ecs/cn:log-stream:*"
    assert Location().render(need) == "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/ecs/cn:log-stream:*"
    assert Location().render("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/a") == \
        "arn:aws:ssm:us-east-1:123456789012:parameter/a"
    assert Location("aws-cn", "cn-north-1").render("arn:${AWS::Partition}:s3:::bucket/a.env") == "arn:aws-cn:s3:::bucket/a.env"
    assert Location().render("arn:${AWS::Partition}:logs:us-gov-west-1:${AWS::AccountId}:log-group:g") == \
        "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:g"
