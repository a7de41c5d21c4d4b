"""pull_through_cache: pull and import on repository/PREFIX/* of the deploying region and account, on both targets
and both partitions; ecr:CreateRepository only when asked; nothing outside the prefixes."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import compile_spec
from rolec.reports.explain import to_text

from tests.support.outputs import DEPLOYMENTS, TARGETS
from tests.support.roles import build, write_spec

target_param = pytest.mark.parametrize("target", TARGETS)
deployment_param = pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.partition)
PULL = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
        "ecr:BatchImportUpstreamImage")
OTHER_ACCOUNT = "999988887777"


def spec(create_repository: bool = False) -> dict:
    return {"features": {"pull_through_cache": {"prefixes": ["docker-hub", "quay/team"],
                                                "create_repository": create_repository}}}


@target_param
@deployment_param
def test_pull_and_import_under_each_prefix_only(tmp_path, target, deployment):
    r = build(tmp_path, spec(), target, deployment)
    assert r.allows("ecr:GetAuthorizationToken", "*")
    for repository in ("docker-hub/library/nginx", "docker-hub/x", "quay/team/app", "quay/team/a/b"):
        for action in PULL:
            assert r.allows(action, r.arn("ecr", f"repository/{repository}")), (action, repository)
    for near in ("docker-hub", "docker-hubx/library/nginx", "docker/library/nginx", "quay/team", "quay/other/app",
                 "quay/teams/app", "library/nginx", "ecr-public/x"):
        for action in PULL:
            assert not r.allows(action, r.arn("ecr", f"repository/{near}")), (action, near)
    assert not r.allows("ecr:BatchImportUpstreamImage", r.arn("ecr", "repository/docker-hub/x", account=OTHER_ACCOUNT))
    assert not r.allows("ecr:BatchImportUpstreamImage", r.arn("ecr", "repository/docker-hub/x", region="ap-south-1"))
    for action in ("ecr:CreateRepository", "ecr:TagResource", "ecr:PutImage", "ecr:CreatePullThroughCacheRule",
                   "ecr:DeleteRepository"):
        assert not r.allows(action, r.arn("ecr", "repository/docker-hub/library/nginx")), action


@target_param
@deployment_param
def test_create_repository_is_a_separate_opt_in(tmp_path, target, deployment):
    r = build(tmp_path, spec(create_repository=True), target, deployment)
    assert r.allows("ecr:CreateRepository", r.arn("ecr", "repository/docker-hub/library/nginx"))
    assert r.allows("ecr:CreateRepository", r.arn("ecr", "repository/quay/team/app"))
    for near in ("library/nginx", "docker-hubx/nginx", "quay/other/app"):
        assert not r.allows("ecr:CreateRepository", r.arn("ecr", f"repository/{near}")), near
    assert not r.allows("ecr:CreateRepository", "*")
    assert not r.allows("ecr:TagResource", r.arn("ecr", "repository/docker-hub/library/nginx"))


def test_explain_says_why_tag_resource_is_not_granted(tmp_path):
    text = to_text([compile_spec(write_spec(tmp_path, spec(create_repository=True))).role])
    assert "ecr:TagResource is not granted" in text
    assert "ecr:BatchImportUpstreamImage lets ECR import a new image or tag" in text
    assert "ecr:TagResource" not in to_text([compile_spec(write_spec(tmp_path, spec(), "plain")).role])


@target_param
def test_with_the_managed_policy_the_import_is_still_granted(tmp_path, target):
    r = build(tmp_path, {**spec(), "managed_policy": True}, target, DEPLOYMENTS[0])
    assert r.allows("ecr:BatchImportUpstreamImage", r.arn("ecr", "repository/docker-hub/library/nginx"))
    assert not r.allows("ecr:BatchImportUpstreamImage", r.arn("ecr", "repository/other/nginx"))
