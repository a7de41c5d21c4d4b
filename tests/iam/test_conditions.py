import pytest

from rolec.iam.conditions import Answer, PolicyError, RequestContext, evaluate_block

COMPLETE = {"complete": True}


def answer(block, values, complete=False):
    return evaluate_block(block, RequestContext(values, complete=complete)).answer


def test_absent_key_in_a_partial_context_is_undecided_never_true_or_false():
    for block in ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
                  {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, {"Null": {"aws:SourceVpce": "true"}},
                  {"ForAllValues:StringLike": {"kms:ResourceAliases": "alias/a*"}}, {"Bool": {"aws:ViaAWSService": "true"}}):
        outcome = evaluate_block(block, RequestContext({}))
        assert outcome.answer is Answer.UNDECIDED, block
        assert "does not say" in outcome.reasons[0]


def test_absent_key_in_a_complete_context_follows_iam():
    assert answer({"StringEquals": {"aws:SourceVpce": "v"}}, {}, True) is Answer.NO
    assert answer({"StringNotEquals": {"aws:SourceVpce": "v"}}, {}, True) is Answer.YES
    assert answer({"StringEqualsIfExists": {"aws:SourceVpce": "v"}}, {}, True) is Answer.YES
    assert answer({"Null": {"aws:SourceVpce": "true"}}, {}, True) is Answer.YES
    assert answer({"Null": {"aws:SourceVpce": "false"}}, {}, True) is Answer.NO
    assert answer({"ForAnyValue:StringEquals": {"k:K": "a"}}, {}, True) is Answer.NO
    assert answer({"ForAllValues:StringEquals": {"k:K": "a"}}, {}, True) is Answer.YES


def test_unknown_operator_is_undecided_even_with_the_key_present():
    outcome = evaluate_block({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}},
                             RequestContext({"aws:CurrentTime": "2026-11-30"}, complete=True))
    assert outcome.answer is Answer.UNDECIDED and "not modelled" in outcome.reasons[0]
    # but a decided NO elsewhere in the block still decides the whole block
    assert answer({"DateGreaterThan": {"aws:CurrentTime": "x"}, "StringEquals": {"a:B": "1"}}, {"a:B": "2"}) is Answer.NO


def test_operators_that_execution_roles_use():
    ctx = {"aws:SourceArn": "arn:aws:ecs:us-east-1:111122223333:task/c/1", "aws:SourceAccount": "111122223333",
           "ssm:ResourceTag/app": "web", "aws:SecureTransport": True, "kms:ResourceAliases": ["alias/a", "alias/b"]}
    assert answer({"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:111122223333:*"}}, ctx) is Answer.YES
    assert answer({"ArnEquals": {"aws:SourceArn": "arn:aws:ecs:*:999988887777:*"}}, ctx) is Answer.NO
    assert answer({"ArnNotLike": {"aws:SourceArn": "arn:aws:ecs:*:999988887777:*"}}, ctx) is Answer.YES
    assert answer({"StringLike": {"ssm:resourcetag/app": "w*"}}, ctx) is Answer.YES
    assert answer({"StringEquals": {"ssm:ResourceTag/app": "WEB"}}, ctx) is Answer.NO
    assert answer({"StringEqualsIgnoreCase": {"ssm:ResourceTag/app": "WEB"}}, ctx) is Answer.YES
    assert answer({"Bool": {"aws:SecureTransport": "true"}}, ctx) is Answer.YES
    assert answer({"Bool": {"aws:SecureTransport": False}}, ctx) is Answer.NO
    assert answer({"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/b"}}, ctx) is Answer.YES
    assert answer({"ForAllValues:StringEquals": {"kms:ResourceAliases": "alias/b"}}, ctx) is Answer.NO
    assert answer({"StringEquals": {"aws:SourceAccount": ["1", "111122223333"]}, "Null": {"aws:SourceArn": "false"}},
                  ctx) is Answer.YES


def test_malformed_conditions_are_policy_errors():
    with pytest.raises(PolicyError):
        evaluate_block({"Sometimes:StringEquals": {"a:b": "c"}}, RequestContext({}))
    with pytest.raises(PolicyError):
        evaluate_block({"StringEquals": "a"}, RequestContext({}))
    with pytest.raises(PolicyError):
        evaluate_block({"Null": {"a:b": "maybe"}}, RequestContext({"a:b": "x"}))
    with pytest.raises(PolicyError):
        evaluate_block({"StringEquals": {"a:b": {"nested": 1}}}, RequestContext({}))
