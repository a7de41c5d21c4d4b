"""Names and ARNs a spec lists, turned into the ARNs IAM matches (review findings 11 and 15)."""

from __future__ import annotations

import pytest

from rolec.spec.names import parameter, secret
from rolec.spec.types import Invalid
from tests.support.bad import expected, refusal

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
