"""The policy normal form used to compare roles across targets (no emulator needed)."""

import json

from tests.support.emulator import normalise_policy


def _doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_split_and_merged_statements_compare_equal():
    merged = _doc(
        {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"]}
    )
    split = _doc(
        {"Effect": "Allow", "Action": "s3:PutObject",
         "Resource": ["arn:aws:s3:::c/*", "arn:aws:s3:::b/*"]},
        {"Sid": "Other", "Effect": "Allow", "Action": "S3:GetObject",
         "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::c/*"},
    )
    assert normalise_policy(merged) == normalise_policy(split)


def test_condition_value_order_and_shape_do_not_matter():
    a = _doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
              "Condition": {"StringEquals": {"kms:ViaService": ["b", "a"]},
                            "Bool": {"aws:SecureTransport": True}}})
    b = _doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
              "Condition": {"Bool": {"aws:SecureTransport": "true"},
                            "StringEquals": {"kms:ViaService": ["a", "b"]}}})
    assert normalise_policy(a) == normalise_policy(b)


def test_statements_with_different_conditions_stay_apart():
    conditional = _doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
                        "Condition": {"StringEquals": {"kms:ViaService": "x"}}})
    unconditional = _doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    assert normalise_policy(conditional) != normalise_policy(unconditional)


def test_not_action_lists_are_not_split():
    # NotAction [a, b] denies less than NotAction a + NotAction b together.
    whole = _doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"})
    split = _doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
                 {"Effect": "Deny", "NotAction": "sts:*", "Resource": "*"})
    assert normalise_policy(whole) != normalise_policy(split)


def test_principals_are_split_and_json_strings_accepted():
    one = _doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"]}})
    two = json.dumps(_doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": "ecs.amazonaws.com"}},
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": "ecs-tasks.amazonaws.com"}},
    ))
    assert normalise_policy(one) == normalise_policy(two)
