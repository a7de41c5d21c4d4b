import pytest

from rolec.iam.wildcards import UnknownVariable, action_matches, arn_like, glob_match, resource_matches


def test_question_mark_is_one_character_in_any_segment():
    assert resource_matches("arn:aws:secretsmanager:us-east-1:1:secret:db-??????", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf")
    assert not resource_matches("arn:aws:secretsmanager:us-east-1:1:secret:db-??????", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdE")
    assert resource_matches("arn:aws:ecr:us-east-?:1:repository/a", "arn:aws:ecr:us-east-2:1:repository/a")
    assert resource_matches("arn:aws:s3:::b?c", "arn:aws:s3:::b/c")  # `?` matches a `/` too
    assert resource_matches("arn:aws:ecr:us-east-1?1:repository/a", "arn:aws:ecr:us-east-1:1:repository/a")  # and a `:`


def test_star_spans_slash_and_colon_and_may_be_empty():
    assert resource_matches("arn:aws:logs:*", "arn:aws:logs:eu-west-1:1:log-group:/ecs/a:log-stream:x/y")
    assert resource_matches("arn:aws:logs:r:1:log-group:/a*", "arn:aws:logs:r:1:log-group:/a")
    assert resource_matches("arn:aws:*:*:*:*", "arn:aws:s3:::bucket")  # four `*` across three empty parts
    assert not resource_matches("arn:aws:logs:r:1:log-group:/a", "arn:aws:logs:r:1:log-group:/a/b")


def test_actions_ignore_case_resources_do_not():
    assert action_matches("SecretsManager:get*", "secretsmanager:GetSecretValue")
    assert not action_matches("secretsmanager:Get?", "secretsmanager:GetSecretValue")
    assert not resource_matches("arn:aws:ecr:r:1:repository/App", "arn:aws:ecr:r:1:repository/app")
    assert glob_match("A*", "abc", ignore_case=True) and not glob_match("A*", "abc")


def test_policy_variables_resolve_from_the_context_or_raise():
    assert resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*")
    assert not resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x")
    assert resource_matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/ann/x", {"aws:username": "ann"}.get)
    assert not resource_matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/bob/x", {"aws:username": "ann"}.get)
    assert not resource_matches("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/x", {"aws:username": "*"}.get)  # a value is literal
    with pytest.raises(UnknownVariable):
        resource_matches("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/x")


def test_arn_like_keeps_each_star_inside_its_part():
    assert arn_like("arn:aws:ecs:*:1:*", "arn:aws:ecs:eu-west-1:1:task/c/abc")
    assert not arn_like("arn:aws:ecs:*:1:*", "arn:aws:ecs:eu-west-1:2:1:x")
    assert not arn_like("arn:aws:ecs:*", "arn:aws:ecs:eu-west-1:1:task/x")  # pattern has fewer than six parts
    assert not arn_like("arn:aws:ecs:*:1:*", "not-an-arn")
