from rolec.iam.evaluate import evaluate
from rolec.iam.managed import dataset, is_aws_managed

CORPUS_ATTACHED = ["service-role/AmazonECSTaskExecutionRolePolicy", "SecretsManagerReadWrite", "CloudWatchLogsFullAccess",
                   "CloudWatchFullAccess", "AmazonElasticContainerRegistryPublicPowerUser"]


def test_every_policy_the_corpus_roles_attach_is_shipped_in_any_partition():
    for name in CORPUS_ATTACHED:
        for partition in ("aws", "aws-cn", "${AWS::Partition}"):
            assert dataset().lookup(f"arn:{partition}:iam::aws:policy/{name}") is not None, (name, partition)


def test_wrong_path_or_customer_policy_is_not_found():
    assert dataset().lookup("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy") is None  # path is /service-role/
    assert dataset().lookup("arn:aws:iam::123456789012:policy/AmazonECSTaskExecutionRolePolicy") is None
    assert not is_aws_managed("arn:aws:iam::123456789012:policy/x") and is_aws_managed("arn:aws:iam::aws:policy/x")


def test_execution_role_policy_document_is_the_six_actions_on_star():
    policy = dataset().lookup("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    assert policy.version == "v1"
    assert evaluate([policy.document], "logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:x:*").allowed
    assert not evaluate([policy.document], "logs:CreateLogGroup", "arn:aws:logs:us-east-1:1:log-group:x").allowed
