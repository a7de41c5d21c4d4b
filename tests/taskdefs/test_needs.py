"""Task-definition fields to spec entries (compiler/taskdefs/needs.py), on small task definitions written for
these tests from AWS's documentation of each field: what infer writes is a valid spec, or a located error."""

from __future__ import annotations

import json

import pytest

from rolec.errors import SpecError
from rolec.spec.v1 import load_spec
from rolec.taskdefs import infer

EXECUTION_ROLE = "arn:aws:iam::123456789012:role/exec"


def task_file(tmp_path, container: dict, **task) -> str:
    document = {"family": "web", "executionRoleArn": EXECUTION_ROLE, "requiresCompatibilities": ["FARGATE"],
                "containerDefinitions": [{"name": "app", "image": "nginx", **container}], **task}
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps(document, indent=1))
    return str(path)


def secret(value_from: str) -> dict:
    return {"secrets": [{"name": "VALUE", "valueFrom": value_from}]}


def cloudformation_task(tmp_path, *value_froms: str, resources: str = "") -> str:
    """A CloudFormation template whose one container reads these secrets (YAML short forms allowed)."""
    secrets = "".join(f"            - {{Name: S{i}, ValueFrom: {v}}}\n" for i, v in enumerate(value_froms))
    path = tmp_path / "template.yaml"
    path.write_text(f"""\
Resources:
{resources}  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: {EXECUTION_ROLE}
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: app
          Image: nginx
          Secrets:
{secrets}""")
    return str(path)


def located_errors(path: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        infer([path], {})
    return [str(d) for d in caught.value.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("value_from", [
    "",                                                        # ECS: valueFrom is required
    "my param",                                                # SSM names: a-zA-Z0-9_.- and /
    "/app/db:3",                                               # a version selector: IAM matches the parameter, not name:3
    "arn:aws:ssm:us-east-1:123456789012:parameter/app/db:prod",  # a label selector
    "arn:aws:ssm:us-east-1:123456789012:parameterx",           # no parameter/ before the name
    "/aws/reference/secretsmanager/prod/db:AWSPREVIOUS",
])
def test_a_value_the_spec_refuses_is_an_error_at_the_task_definition(tmp_path, value_from):
    path = task_file(tmp_path, secret(value_from))
    errors = located_errors(path)
    assert errors and all(e.startswith(f"{path}:") and ": error: secrets[0].valueFrom" in e for e in errors), errors


@pytest.mark.parametrize("value_from", [
    "db_password", "/app/db/password", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123:password::",
    "/aws/reference/secretsmanager/prod/db",
])
def test_what_infer_writes_passes_validate(tmp_path, value_from):
    inferred = infer([task_file(tmp_path, secret(value_from))], {})
    spec = tmp_path / "web.yaml"
    spec.write_text(inferred.yaml())
    load_spec(spec, str(spec))


def test_a_ref_to_a_secret_of_the_template_is_that_secret_whatever_its_name_ends_in(tmp_path):
    """AWS::SecretsManager::Secret: "Ref returns the ARN of the secret, such as
    arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-a1b2c3": the name plus a suffix, never a
    partial ARN whose end rolec would have to guess (`-master`, `-Pass01`)."""
    path = cloudformation_task(tmp_path, "!Ref Master", '!Sub "${Token}:password::"', resources="""\
  Master: {Type: AWS::SecretsManager::Secret, Properties: {Name: prod/db-master}}
  Token: {Type: AWS::SecretsManager::Secret, Properties: {Name: prod/api-Pass01}}
""")
    inferred = infer([path], {})
    assert inferred.document["features"]["secrets"]["secrets_manager"] == ["prod/api-Pass01", "prod/db-master"]


AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}


@pytest.mark.parametrize("container, task, field", [
    ({}, {"executionRoleArn": ["arn:aws:iam::123456789012:role/exec"]}, "executionRoleArn"),
    ({}, {"executionRoleArn": 5}, "executionRoleArn"),
    ({}, {"taskRoleArn": {"a": 1}}, "taskRoleArn"),
    ({}, {"family": ["web"]}, "family"),
    ({}, {"requiresCompatibilities": "FARGATE"}, "requiresCompatibilities"),
    ({}, {"requiresCompatibilities": [["FARGATE"]]}, "requiresCompatibilities"),
    ({}, {"networkMode": ["awsvpc"]}, "networkMode"),
    ({"name": ["app"]}, {}, "name"),
    ({"logConfiguration": {"logDriver": ["awslogs"], "options": AWSLOGS["options"]}}, {}, "logConfiguration.logDriver"),
    ({"logConfiguration": {**AWSLOGS, "options": {**AWSLOGS["options"], "awslogs-create-group": ["true"]}}}, {},
     "awslogs-create-group"),
    ({"environmentFiles": [{"type": ["s3"], "value": "arn:aws:s3:::cfg/web.env"}]}, {}, "environmentFiles[0].type"),
    ({"firelensConfiguration": {"type": "fluentbit", "options": {"config-file-type": {"s3": 1}}}}, {},
     "config-file-type"),
])
def test_a_field_of_the_wrong_type_is_a_located_error_not_a_traceback(tmp_path, container, task, field):
    """The ECS API types every field infer reads (RegisterTaskDefinition): strings, and a list of strings for
    requiresCompatibilities; the CLI refuses anything else ("Invalid type for parameter")."""
    path = task_file(tmp_path, {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web", **container}, **task)
    errors = located_errors(path)
    assert any(e.startswith(f"{path}:") and field in e for e in errors), errors


def test_a_secret_arn_with_its_suffix_in_the_deploying_region_and_account_keeps_the_suffix_once(tmp_path):
    """Secrets Manager appends six random characters to a secret's name in its ARN; rolec writes a secret of the
    deploying region and account as its name and grants NAME-??????. The name is the part before the suffix:
    `…:secret:web/api-AbC123` is the secret `web/api`, not `web/api-AbC123` (whose grant, web/api-AbC123-??????,
    matches nothing)."""
    arn = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:web/api-AbC123:password::"
    inferred = infer([cloudformation_task(tmp_path, f'!Sub "{arn}"')], {})
    assert inferred.document["features"]["secrets"]["secrets_manager"] == ["web/api"]


@pytest.mark.parametrize("value_from, key, name", [
    ("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/web/db", "ssm_parameters", "/web/db"),
    ("arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:web/api-AbC123", "secrets_manager", "web/api"),
])
def test_an_arn_with_a_written_partition_in_the_deploying_region_and_account_is_the_name(tmp_path, value_from, key, name):
    """`!Sub arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/…` is the commonest way templates write these ARNs;
    in the aws partition it is the name's ARN, and in any other partition the task definition itself names a
    resource ECS cannot find. rolec writes the name (and warns about the written partition) rather than refusing
    a value no --set can change."""
    inferred = infer([cloudformation_task(tmp_path, f'!Sub "{value_from}"')], {})
    assert inferred.document["features"]["secrets"][key] == [name]
    assert any("partition 'aws'" in str(w) for w in inferred.warnings), inferred.warnings


def test_an_ecr_image_of_the_deploying_account_written_with_the_url_suffix_needs_no_binding(tmp_path):
    """CloudFormation writes the ECR host of the deploying account and region as
    `${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}` (the AWS CDK's Fn::Join does too): AWS::URLSuffix
    is the deploying partition's domain, so this is the registry rolec names `{account}.dkr.ecr.{region}.amazonaws.com`
    in every partition, and the repository is a name."""
    path = tmp_path / "template.json"
    path.write_text(json.dumps({"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ExecutionRoleArn": EXECUTION_ROLE, "RequiresCompatibilities": ["FARGATE"], "ContainerDefinitions": [
            {"Name": "app", "Image": {"Fn::Join": ["", [{"Ref": "AWS::AccountId"}, ".dkr.ecr.", {"Ref": "AWS::Region"}, ".",
                                                       {"Ref": "AWS::URLSuffix"}, "/team/web:latest"]]}},
            {"Name": "side", "Image": {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/side"}}]}}}},
        indent=1))
    inferred = infer([str(path)], {})
    assert inferred.document["features"]["ecr_pull"]["repositories"] == ["side", "team/web"]


@pytest.mark.parametrize("image, entry", [
    ("${AWS::AccountId}.dkr.ecr.eu-west-1.amazonaws.com/team/web:1", "arn:{partition}:ecr:eu-west-1:{account}:repository/team/web"),
    ("${AWS::AccountId}.dkr.ecr.cn-north-1.amazonaws.com.cn/web", "arn:{partition}:ecr:cn-north-1:{account}:repository/web"),
    ("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com.cn/web", "web"),
])
def test_an_ecr_image_of_the_deploying_account_in_a_written_region_is_that_repository(tmp_path, image, entry):
    """`!Sub ${AWS::AccountId}.dkr.ecr.eu-west-1.amazonaws.com/…` is the deploying account's repository in eu-west-1,
    which a spec writes arn:{partition}:ecr:eu-west-1:{account}:repository/… (docs/features.md, ARN placeholders);
    a China host of the deploying account and region is the deploying registry, as the standard one is."""
    path = tmp_path / "template.json"
    path.write_text(json.dumps({"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ExecutionRoleArn": EXECUTION_ROLE, "RequiresCompatibilities": ["FARGATE"],
        "ContainerDefinitions": [{"Name": "app", "Image": {"Fn::Sub": image}}]}}}}))
    inferred = infer([str(path)], {})
    assert inferred.document["features"]["ecr_pull"]["repositories"] == [entry]


def test_a_cdk_container_asset_image_is_the_deploying_accounts_assets_repository(tmp_path):
    """`ContainerImage.fromAsset` synthesises `${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/
    cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:HASH`."""
    image = ("${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/"
             "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:0123abcd")
    path = tmp_path / "template.json"
    path.write_text(json.dumps({"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ExecutionRoleArn": EXECUTION_ROLE, "RequiresCompatibilities": ["FARGATE"],
        "ContainerDefinitions": [{"Name": "app", "Image": {"Fn::Sub": image}}]}}}}))
    inferred = infer([str(path)], {})
    assert inferred.document["features"]["ecr_pull"]["repositories"] == ["cdk-hnb659fds-container-assets-{account}-{region}"]
    spec = tmp_path / "app.yaml"
    spec.write_text(inferred.yaml())
    load_spec(spec, str(spec))


def test_a_gmsa_credential_spec_in_parameter_store_is_read_with_the_execution_role(tmp_path):
    """ContainerDefinition.credentialSpecs: "A list of ARNs in SSM or Amazon S3 to a credential spec (CredSpec) file",
    written credentialspec:ARN or credentialspecdomainless:ARN; the execution role reads it (FEATURES G1:
    ssm:GetParameters on the parameter). A domainless CredSpec also names a secret inside the file, which the task
    definition cannot show: a warning says where to list it."""
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/credspec"
    inferred = infer([task_file(tmp_path, {"credentialSpecs": [f"credentialspecdomainless:{arn}"]})], {})
    assert inferred.document["features"]["secrets"]["ssm_parameters"] == [arn]
    assert any("features.secrets.secrets_manager" in str(w) for w in inferred.warnings), inferred.warnings


@pytest.mark.parametrize("spec, fragment", [
    ("credentialspec:arn:aws:s3:::bucket/credspec.json", "rolec has no feature"),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/gmsa", "expected credentialspec:ARN or credentialspecdomainless:ARN"),
])
def test_a_credential_spec_rolec_cannot_grant_is_a_located_error(tmp_path, spec, fragment):
    path = task_file(tmp_path, {"credentialSpecs": [spec]})
    errors = located_errors(path)
    assert any("credentialSpecs[0]" in e and fragment in e for e in errors), errors
