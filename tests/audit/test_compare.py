"""The comparison on small in-memory roles: each kind of finding, and the third answer."""

from __future__ import annotations

from rolec.audit.compare import audit_role
from rolec.audit.needs import Need, Needs, Origin
from rolec.iam.location import Location
from rolec.roles.model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE, Policy, SourceRole, Where

HERE = Where("role.json", 1, 1)
ORIGIN = Origin("taskdef.json", 7, 9, "container app, secrets[0].valueFrom")
SECRET = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-??????"
NEEDS = Needs("app", (Need("secretsmanager:GetSecretValue", SECRET, (), (ORIGIN,)),), (), ())
TRUST = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def role(*statements, trust=TRUST, policies=()) -> SourceRole:
    document = {"Statement": list(statements)}
    inline = Policy("p", INLINE, HERE, document, tuple(Where("role.json", 10 + i, 5) for i in range(len(statements))))
    return SourceRole("app", HERE, trust, HERE, (inline, *policies))


def allow(action, resource, **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_exact_role():
    result = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET)), NEEDS, Location())
    assert result.exact and [t.note for t in result.trust] == [True]  # no SourceAccount condition: a note


def test_explicit_deny_is_missing_and_located_at_the_deny():
    result = audit_role(role(allow("secretsmanager:*", "*"), {"Effect": "Deny", "Action": "secretsmanager:Get*", "Resource": "*"}),
                        NEEDS, Location())
    [missing] = result.missing
    assert missing.decision == "explicit deny" and missing.where == (Where("role.json", 11, 5),)
    assert missing.origins == (ORIGIN,)


def test_tag_condition_is_undecided_not_granted_or_denied():
    tagged = allow("secretsmanager:GetSecretValue", "*", Condition={"StringEquals": {"secretsmanager:ResourceTag/app": "web"}})
    [missing] = audit_role(role(tagged), NEEDS, Location()).missing
    assert missing.decision == "undecided" and "secretsmanager:ResourceTag/app" in missing.reasons[0]


def test_unknown_customer_policy_makes_a_missing_need_undecided():
    attached = Policy("shared", CUSTOMER_MANAGED, Where("role.json", 3, 1), arn="arn:aws:iam::111122223333:policy/shared")
    result = audit_role(role(policies=(attached,)), NEEDS, Location())
    assert [m.decision for m in result.missing] == ["undecided"] and result.unknown_policies == (attached,)


def test_excess_counts_expands_and_ranks():
    managed = Policy("SecretsManagerReadWrite", AWS_MANAGED, Where("role.json", 2, 1),
                     arn="arn:aws:iam::aws:policy/SecretsManagerReadWrite")
    exec_on_execution_role = allow(["ssmmessages:CreateControlChannel", "ssmmessages:OpenDataChannel"], "*")
    result = audit_role(role(exec_on_execution_role, policies=(managed,)), NEEDS, Location())
    assert not result.missing
    top = result.excess[0]
    assert top.policy.endswith("SecretsManagerReadWrite") and top.action.startswith("secretsmanager:*")
    assert {"secretsmanager:DeleteSecret", "secretsmanager:PutResourcePolicy"} <= set(top.risky)
    assert top.wider == ("secretsmanager:GetSecretValue",) and top.needed[0].resource == SECRET
    assert top.actions_granted > 20
    ecs_exec = next(e for e in result.excess if e.where == Where("role.json", 10, 5))
    assert any(r.startswith("task-role permissions") for r in ecs_exec.risks) and top.risk > ecs_exec.risk


def test_trust_principals_and_conditions():
    trust = {"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "x"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]}
    result = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), trust=trust), NEEDS, Location())
    findings = [t for t in result.trust if not t.note]
    assert {t.resource for t in findings} >= {"AWS:arn:aws:iam::999988887777:root", "sts:ExternalId"}
    assert not result.exact


def test_hard_coded_partition_misses_in_china():
    grant = allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:db-??????")
    assert audit_role(role(grant), NEEDS, Location()).missing == ()
    assert [m.action for m in audit_role(role(grant), NEEDS, Location("aws-cn", "cn-north-1")).missing] == \
        ["secretsmanager:GetSecretValue"]


def test_ecs_tasks_principal_written_with_the_url_suffix_is_the_ecs_tasks_principal():
    """CloudFormation templates write the principal `!Sub ecs-tasks.${AWS::URLSuffix}`, which is
    ecs-tasks.amazonaws.com in the aws partition: not another principal."""
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.${AWS::URLSuffix}"},
                            "Action": "sts:AssumeRole"}]}
    result = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), trust=trust), NEEDS, Location())
    assert [t for t in result.trust if not t.note] == [] and result.exact


KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_decrypt_on_a_named_key_is_a_note_when_task_definitions_cannot_say_which_key_encrypts_the_secret():
    """Private registry authentication and secrets: "kms:Decrypt—Required only if your key uses a custom KMS key and
    not the default key"; a task definition never names that key, so rolec cannot call the grant unneeded."""
    from_task_definitions = Needs("app", NEEDS.needs, (), (), keys_unknown=True)
    result = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), allow("kms:Decrypt", KEY)),
                        from_task_definitions, Location())
    assert result.exact and any(KEY in n and "kms:Decrypt" in n for n in result.notes), result.notes
    every_key = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), allow("kms:Decrypt", "*")),
                           from_task_definitions, Location())
    assert [e.resource for e in every_key.excess] == ["*"]
    from_a_spec = audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), allow("kms:Decrypt", KEY)), NEEDS,
                             Location())
    assert [e.resource for e in from_a_spec.excess] == [KEY]  # a spec lists its keys: this one is not among them


def test_the_documented_one_statement_policy_is_exact_an_action_on_another_services_arn_grants_nothing():
    """Private registry authentication's example policy: one statement, Action [kms:Decrypt,
    secretsmanager:GetSecretValue], Resource [the secret ARN, the key ARN]. GetSecretValue on a key ARN (and Decrypt
    on a secret ARN) is never requested, so it grants nothing: not excess."""
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????"
    documented = allow(["kms:Decrypt", "secretsmanager:GetSecretValue"], [secret, KEY])
    result = audit_role(role(documented), Needs("app", NEEDS.needs, (), (), keys_unknown=True), Location())
    assert result.exact and not result.missing, (result.excess, result.missing)
    assert result.granted_pairs == 2


def test_a_permissions_boundary_rolec_can_read_limits_what_the_role_grants():
    """IAM, Permissions boundaries: "the effective permissions … are the intersection of the identity-based policy
    and the permissions boundary". A boundary whose document rolec has (a managed policy of the same template, an
    AWS managed policy of the dataset) that does not allow a need makes it missing."""
    grant = allow("secretsmanager:GetSecretValue", SECRET)
    boundary = Policy("Boundary", CUSTOMER_MANAGED, Where("role.json", 30, 3),
                      {"Statement": [{"Effect": "Allow", "Action": ["ecr:*", "logs:*"], "Resource": "*"}]},
                      (Where("role.json", 33, 7),))
    bounded = SourceRole("app", HERE, TRUST, HERE, role(grant).policies, "Boundary", boundary_policy=boundary)
    [missing] = audit_role(bounded, NEEDS, Location()).missing
    assert missing.action == "secretsmanager:GetSecretValue" and missing.where == (Where("role.json", 30, 3),)
    assert "permissions boundary" in missing.reasons[0]
    managed = SourceRole("app", HERE, TRUST, HERE, role(grant).policies,
                         "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")
    assert [m.action for m in audit_role(managed, NEEDS, Location()).missing] == ["secretsmanager:GetSecretValue"]
    wide = SourceRole("app", HERE, TRUST, HERE, role(grant).policies, "arn:aws:iam::aws:policy/SecretsManagerReadWrite")
    assert audit_role(wide, NEEDS, Location()).exact
    unknown = SourceRole("app", HERE, TRUST, HERE, role(grant).policies, "arn:aws:iam::123456789012:policy/b")
    assert audit_role(unknown, NEEDS, Location()).exact  # a boundary rolec cannot see stays a note


def test_a_secret_granted_with_its_suffix_for_a_task_naming_it_without_is_undecided_not_missing():
    """The task names the secret `db` (a name or partial ARN: rolec needs `db-??????`, whatever six characters
    Secrets Manager added); a role granting `db-AbC123` works exactly when those characters are AbC123, which only
    the account knows: undecided, with the reason, never a plain "missing"."""
    granted = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"
    [missing] = audit_role(role(allow("secretsmanager:GetSecretValue", granted)), NEEDS, Location()).missing
    assert missing.decision == "undecided" and "AbC123" in missing.reasons[0]
    other = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dbx-AbC123"
    [missing] = audit_role(role(allow("secretsmanager:GetSecretValue", other)), NEEDS, Location()).missing
    assert missing.decision == "implicit deny"


def test_a_resource_account_condition_is_judged_by_the_account_in_the_resources_arn():
    """Global condition keys: aws:ResourceAccount is "the AWS account ID of the resource owner" — for a secret, the
    account in its ARN — so a data-perimeter condition on it is decidable, not undecided."""
    def audited(account):
        statement = allow("secretsmanager:GetSecretValue", "*", Condition={"StringEquals": {"aws:ResourceAccount": account}})
        return audit_role(role(statement), NEEDS, Location())
    assert audited("123456789012").missing == ()
    [missing] = audited("999988887777").missing
    assert missing.decision == "implicit deny"


def test_a_deny_of_insecure_transport_does_not_make_the_agents_requests_undecided():
    """The ECS and Fargate agents call AWS over HTTPS (the TLS service endpoints), so aws:SecureTransport is true in
    their requests: the common hardening `Deny * if aws:SecureTransport is false` leaves every need granted."""
    deny_insecure = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert audit_role(role(allow("secretsmanager:GetSecretValue", SECRET), deny_insecure), NEEDS, Location()).missing == ()
