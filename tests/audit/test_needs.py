"""What a compiled role asks of the role being audited: the needs are the requests the task makes, so a role
written the way AWS documents the resource (CloudWatch Logs' `log-group:NAME:*`) is judged exact."""

from __future__ import annotations

from rolec.audit.compare import audit_role
from rolec.audit.needs import from_role
from rolec.iam.location import Location
from rolec.roles.model import INLINE, Policy, SourceRole, Where

from ..support.compile import compile_text

HERE = Where("role.json", 1, 1)
TRUST = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web"
AWSLOGS = "version: 1\nfeatures:\n  awslogs:\n    log_groups: [/ecs/web]\n    create_group: {create}\n"


def _role(resources, actions=("logs:CreateLogStream", "logs:PutLogEvents")) -> SourceRole:
    document = {"Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}]}
    return SourceRole("web", HERE, TRUST, HERE, (Policy("p", INLINE, HERE, document, (Where("role.json", 5, 5),)),))


def _audit(role: SourceRole, create: bool = False):
    needs = from_role(compile_text(AWSLOGS.format(create=str(create).lower()), "web").role)
    return audit_role(role, needs, Location())


def test_the_log_group_arn_with_trailing_colon_star_is_exactly_what_awslogs_needs():
    """CloudWatch Logs, "Overview of managing access permissions": use `log-group:NAME:*` "when specifying
    permissions in IAM policies for all other API actions" (all but the tagging ones)."""
    result = _audit(_role([GROUP + ":*"]))
    assert not result.missing and not result.excess, (result.missing, result.excess)


def test_create_group_with_trailing_colon_star_is_exact_too():
    role = _role([GROUP + ":*"], ("logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"))
    result = _audit(role, create=True)
    assert not result.missing and not result.excess, (result.missing, result.excess)


def test_the_group_and_its_streams_as_rolec_writes_them_stay_exact():
    result = _audit(_role([GROUP, GROUP + ":log-stream:*"]))
    assert not result.missing and not result.excess, (result.missing, result.excess)


def test_the_bare_group_arn_alone_is_missing_the_streams():
    """The bare ARN is for TagResource, UntagResource and ListTagsForResource only."""
    result = _audit(_role([GROUP]))
    assert {(m.action, m.resource.rsplit(":", 2)[-2]) for m in result.missing} == {
        ("logs:CreateLogStream", "log-stream"), ("logs:PutLogEvents", "log-stream")}


def test_another_group_with_colon_star_is_still_missing_and_excess():
    result = _audit(_role([GROUP + "x:*"]))
    assert len(result.missing) == 2 and len(result.excess) == 1


def test_the_minimal_ecr_policy_aws_documents_is_not_missing_batch_check_layer_availability():
    """ECS task execution IAM role, "Amazon ECR permissions": the custom policy example grants only
    ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:GetAuthorizationToken (so does
    AmazonEC2ContainerRegistryPullOnly); rolec also grants BatchCheckLayerAvailability, as the managed policy does,
    but a role without it still pulls, and one with it is not over-granted."""
    repository = "arn:aws:ecr:us-east-1:123456789012:repository/web"
    spec = "version: 1\nfeatures:\n  ecr_pull:\n    repositories: [web]\n"
    needs = from_role(compile_text(spec, "web").role)

    def audited(*layer_actions):
        document = {"Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                                  {"Effect": "Allow", "Action": list(layer_actions), "Resource": repository}]}
        return audit_role(SourceRole("web", HERE, TRUST, HERE, (Policy("p", INLINE, HERE, document, (HERE, HERE)),)),
                          needs, Location())

    minimal = audited("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
    assert minimal.exact, (minimal.missing, minimal.excess)
    assert audited("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability").exact
    assert [m.action for m in audited("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer").missing] == \
        ["ecr:BatchGetImage"]
