"""Grouping task definitions into specs (compiler/taskdefs/spec.py): EC2 tasks without an execution role."""

from __future__ import annotations

import json

import pytest

from rolec.taskdefs import NothingNeeded, infer

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}


def ec2_task(tmp_path, **container) -> str:
    document = {"family": "web", "requiresCompatibilities": ["EC2"], "networkMode": "bridge",
                "containerDefinitions": [{"name": "app", "image": IMAGE, "logConfiguration": AWSLOGS, **container}]}
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_ec2_without_an_execution_role_and_only_ecr_and_awslogs_needs_none(tmp_path):
    with pytest.raises(NothingNeeded, match="needs no execution role"):
        infer([ec2_task(tmp_path)], {})


def test_ec2_task_told_to_name_an_execution_role_gets_the_ecr_and_awslogs_grants_too(tmp_path):
    """The warning tells the user to add executionRoleArn naming the role this spec builds; with it, the agent pulls
    the task's ECR images with the execution role (the documented rule: "An EC2 task that names an execution role
    gets the ECR and awslogs grants as on Fargate"), so a spec without them fails the pull."""
    inferred = infer([ec2_task(tmp_path, secrets=[{"name": "DB", "valueFrom": "/web/db"}])], {})
    features = inferred.document["features"]
    assert features["ecr_pull"]["repositories"] == ["123456789012.dkr.ecr.us-east-1.amazonaws.com/web"]
    assert features["awslogs"]["log_groups"] == ["arn:{partition}:logs:us-east-1:{account}:log-group:/ecs/web"]
    assert features["secrets"]["ssm_parameters"] == ["/web/db"]
    [warning] = inferred.warnings
    assert "names no executionRoleArn, but it needs one for secrets " in str(warning)


@pytest.mark.parametrize("name", ["@svc/db", "@", "=x", "-x", "+x", ".x", "a@b", "x-", "_x"])
def test_every_secret_name_is_written_as_yaml_that_reads_back_as_itself(tmp_path, name):
    """Secrets Manager names may hold letters, digits and /_+=.@- anywhere; YAML reserves '@' at the start of a plain
    scalar ("found character that cannot start any token"), so such a name is quoted."""
    import yaml

    document = {"family": "web", "requiresCompatibilities": ["FARGATE"], "executionRoleArn": "arn:aws:iam::123456789012:role/x",
                "containerDefinitions": [{"name": "app", "image": "nginx", "repositoryCredentials": {"credentialsParameter": name}}]}
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps(document))
    inferred = infer([str(path)], {})
    assert yaml.safe_load(inferred.yaml())["features"]["private_registry_auth"]["secrets"] == [name]


def test_one_spec_per_role_gets_distinct_ids_when_task_definitions_name_no_family(tmp_path):
    """Two task definitions of one template (no Family) with different execution roles: `-o FOLDER` writes one spec
    per role, so each needs its own id; both defaulting to the file's stem left the user nothing to do (--id names
    one role, and one file cannot be inferred 'separately')."""
    from rolec.taskdefs import infer_each

    path = tmp_path / "stack.json"
    tasks = {name: {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ExecutionRoleArn": f"arn:aws:iam::123456789012:role/{name}", "RequiresCompatibilities": ["FARGATE"],
        "ContainerDefinitions": [{"Name": name, "Image": "nginx", "Secrets": [{"Name": "X", "ValueFrom": f"/{name}"}]}]}}
        for name in ("a", "b")}
    path.write_text(json.dumps({"Resources": tasks}))
    assert sorted(i.role_id for i in infer_each([str(path)], {})) == ["stack", "stack-2"]


def test_text_copied_into_comments_cannot_add_spec_entries(tmp_path):
    """The comment after each entry names the container; a name with a line break (ECS allows only letters, digits,
    _ and - there, but infer reads any file) must stay inside its comment, never start a line of YAML: here it would
    grant the repository evil/repo."""
    import yaml

    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"],
                                "executionRoleArn": "arn:aws:iam::123456789012:role/x", "containerDefinitions": [
        {"name": "app\n      - evil/repo  #", "image": IMAGE}]}))
    inferred = infer([str(path)], {})
    assert yaml.safe_load(inferred.yaml())["features"]["ecr_pull"]["repositories"] == \
        ["123456789012.dkr.ecr.us-east-1.amazonaws.com/web"]
