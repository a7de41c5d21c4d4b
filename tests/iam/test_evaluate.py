import pytest

from rolec.iam.conditions import PolicyError, RequestContext
from rolec.iam.evaluate import Decision, evaluate, evaluate_trust
from rolec.iam.location import Location, pseudo_form
from rolec.text import Pseudo, Text, arn

SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"


def decide(statements, action, resource, context=None, complete=False):
    return evaluate([{"Version": "2012-10-17", "Statement": statements}], action, resource,
                    RequestContext(context or {}, complete=complete)).decision


def test_explicit_deny_beats_allow_in_another_policy():
    allow = {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}
    deny = {"Statement": [{"Effect": "Deny", "Action": "secretsmanager:Delete*", "Resource": "*"}]}
    assert evaluate([allow, deny], "secretsmanager:DeleteSecret", SECRET).decision is Decision.EXPLICIT_DENY
    verdict = evaluate([allow, deny], "secretsmanager:GetSecretValue", SECRET)
    assert verdict.decision is Decision.ALLOWED and verdict.allowed_by == ((0, 0),)
    assert evaluate([deny], "secretsmanager:GetSecretValue", SECRET).decision is Decision.IMPLICIT_DENY


def test_not_action_allows_everything_else():
    statements = [{"Effect": "Allow", "NotAction": ["iam:*", "secretsmanager:Delete*"], "Resource": "*"}]
    assert decide(statements, "secretsmanager:GetSecretValue", SECRET) is Decision.ALLOWED
    assert decide(statements, "secretsmanager:DeleteSecret", SECRET) is Decision.IMPLICIT_DENY
    assert decide(statements, "IAM:PassRole", "*") is Decision.IMPLICIT_DENY


def test_not_resource_allows_every_other_resource():
    statements = [{"Effect": "Allow", "Action": "ssm:GetParameters",
                   "NotResource": "arn:aws:ssm:*:*:parameter/admin/*"}]
    assert decide(statements, "ssm:GetParameters", "arn:aws:ssm:us-east-1:1:parameter/app/db") is Decision.ALLOWED
    assert decide(statements, "ssm:GetParameters", "arn:aws:ssm:us-east-1:1:parameter/admin/x") is Decision.IMPLICIT_DENY
    deny_rest = [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                 {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::keep/*"}]
    assert decide(deny_rest, "s3:GetObject", "arn:aws:s3:::keep/a") is Decision.ALLOWED
    assert decide(deny_rest, "s3:GetObject", "arn:aws:s3:::other/a") is Decision.EXPLICIT_DENY


def test_undecidable_conditions_make_the_answer_undecided_where_they_matter():
    tagged = [{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "*",
               "Condition": {"StringEquals": {"ssm:ResourceTag/app": "web"}}}]
    verdict = evaluate([{"Statement": tagged}], "ssm:GetParameters", "arn:aws:ssm:r:1:parameter/a")
    assert verdict.decision is Decision.UNDECIDED and "ssm:ResourceTag/app" in verdict.reasons[0]
    assert decide(tagged, "ssm:GetParameters", "p", {"ssm:ResourceTag/app": "web"}) is Decision.ALLOWED
    assert decide(tagged, "ssm:GetParameters", "p", {"ssm:ResourceTag/app": "api"}) is Decision.IMPLICIT_DENY
    # an undecided Deny does not matter when nothing allows, and does matter when something does
    maybe_deny = [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    assert decide(maybe_deny, "s3:GetObject", "x") is Decision.IMPLICIT_DENY
    assert decide(maybe_deny + [{"Effect": "Allow", "Action": "*", "Resource": "*"}], "s3:GetObject", "x") is Decision.UNDECIDED
    # a sure Allow next to an undecided Allow is allowed
    assert decide(tagged + [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}], "ssm:GetParameters", "p") is Decision.ALLOWED


def test_unknown_policy_variable_is_undecided():
    statements = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}]
    assert decide(statements, "s3:GetObject", "arn:aws:s3:::b/x/y") is Decision.UNDECIDED
    assert decide(statements, "s3:GetObject", "arn:aws:s3:::b/x/y", {"aws:PrincipalTag/team": "x"}) is Decision.ALLOWED


def test_invalid_policies_are_errors_not_answers():
    for bad in ({"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]},
                {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "a:b", "Resource": "*"}]},
                {"Statement": [{"Effect": "Allow", "Action": "*"}]},
                {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}]},
                {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Extra": 1}]},
                {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                "Condition": {"Foo:StringEquals": {"a:b": "c"}}}]},  # checked even when no request reaches it
                {"Statements": []}, ["not", "a", "document"]):
        with pytest.raises(PolicyError):
            evaluate([bad], "a:b", "c")


def test_trust_policy_principals_and_conditions():
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]}
    assert evaluate_trust(trust, "Service", "ecs-tasks.amazonaws.com",
                          RequestContext({"aws:SourceAccount": "1"})).decision is Decision.ALLOWED
    assert evaluate_trust(trust, "Service", "ecs-tasks.amazonaws.com").decision is Decision.UNDECIDED
    assert evaluate_trust(trust, "Service", "ec2.amazonaws.com").decision is Decision.IMPLICIT_DENY
    everyone = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    assert evaluate_trust(everyone, "AWS", "arn:aws:iam::999988887777:root").decision is Decision.ALLOWED


def test_pseudo_parameters_render_at_the_callers_location():
    need = pseudo_form(arn("logs", "log-group:/ecs/app:*"))
    assert need == "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/app:*"
    china = Location("aws-cn", "cn-north-1", "111122223333")
    assert china.render(need) == "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/ecs/app:*"
    granted = [{"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents",
                               "Resource": "arn:aws:logs:*:*:log-group:/ecs/app:*"}]}]
    assert evaluate(granted, "logs:PutLogEvents", Location().render(need)).allowed
    assert not evaluate(granted, "logs:PutLogEvents", china.render(need)).allowed  # hard-coded partition
    assert pseudo_form(Text.of("x-", Pseudo.REGION)) == "x-${AWS::Region}"


@pytest.mark.parametrize("statement", [
    {"Effect": "Allow", "Action": 5, "Resource": "*"},
    {"Effect": "Allow", "Action": ["s3:GetObject", 5], "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"a": 1}},
    {"Effect": "Allow", "NotResource": [["x"]], "Action": "s3:GetObject"},
    {"Effect": "Allow", "Resource": "*"},
])
def test_a_statement_iam_refuses_is_refused_when_its_shape_is_checked(statement):
    """IAM JSON policy elements: Action/NotAction and Resource/NotResource take a string or an array of strings,
    and every statement has an Action or NotAction; anything else is MalformedPolicyDocument."""
    from rolec.iam.evaluate import identity_statements, statements

    with pytest.raises(PolicyError):
        identity_statements({"Statement": [statement]})
    if "Resource" in statement or "NotResource" in statement:
        with pytest.raises(PolicyError):
            statements({"Statement": [statement]})


def test_identity_statements_need_a_resource_and_no_principal():
    from rolec.iam.evaluate import identity_statements, statements

    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    assert statements(trust)
    with pytest.raises(PolicyError, match="Principal"):
        identity_statements(trust)
