"""`rolec audit` on the command line: exit codes, stdout formats (JSON against the schema in docs/,
SARIF 2.1.0), located errors for bad input, and --write-spec."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from rolec.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
ROLE_FIXTURES = ROOT / "tests" / "roles" / "fixtures"
OUTPUT_SCHEMA = json.loads((ROOT / "docs" / "audit-output.schema.json").read_text())
SARIF_SCHEMA = json.loads((FIXTURES / "sarif-2.1.0-subset.schema.json").read_text())


def run(*args: str):
    return CliRunner().invoke(main, ["audit", *args])


def test_exact_role_exits_0_and_json_follows_the_schema():
    result = run(str(ROOT / "out/terraform/web-frontend/main.tf.json"), "--spec", str(ROOT / "specs/web-frontend.yaml"),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, OUTPUT_SCHEMA)
    [role] = document["roles"]
    assert role["exact"] and role["missing"] == role["excess"] == []
    assert all(t["note"] for t in role["trust"])


def test_findings_exit_1_with_json_items_in_pseudo_parameter_form(tmp_path):
    spec = tmp_path / "app.yaml"
    spec.write_text("version: 1\nfeatures:\n  secrets:\n    secrets_manager: [prod/db]\n  awslogs:\n    log_groups: [/ecs/app]\n")
    result = run(str(ROLE_FIXTURES / "account-authorization-details/good-two-roles.json"), "--spec", str(spec),
                 "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, OUTPUT_SCHEMA)
    assert document["unpaired"]["roles"] == ["web-exec", "batch-exec"]  # several roles, and the spec names none
    single = run(str(ROLE_FIXTURES / "iam-policy-json/good-secret.json"), "--spec", str(spec), "--format", "json")
    [role] = json.loads(single.stdout)["roles"]
    missing = {(m["action"], m["resource"]) for m in role["missing"]}
    assert ("logs:PutLogEvents",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/app:log-stream:*") in missing
    assert ("secretsmanager:GetSecretValue",
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/db-??????") in missing
    assert single.exit_code == 1


def test_sarif_is_valid_and_locates_findings_in_the_role_source(tmp_path):
    spec = tmp_path / "app.yaml"
    spec.write_text("version: 1\nfeatures:\n  secrets:\n    secrets_manager: [arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf]\n")
    result = run(str(ROLE_FIXTURES / "account-authorization-details/good-two-roles.json"), "--spec", str(spec),
                 "--format", "sarif", "--set", "AWS::AccountId=111122223333")
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []  # unpaired: nothing judged
    role_file = ROLE_FIXTURES / "aws-cli-role"
    result = run(*(str(p) for p in sorted(role_file.glob("good-*"))), "--spec", str(spec), "--format", "sarif")
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    missing = [r for r in results if r["ruleId"] == "missing"]
    assert missing and missing[0]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 4  # the spec line
    excess = [r for r in results if r["ruleId"] == "excess"]
    located = {(Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name,
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in excess}
    assert ("good-get-role-policy.json", 7) in located  # the logs statement of the inline policy
    assert ("good-list-attached-role-policies.json", 3) in located  # the managed policy attachment


def test_bad_role_source_is_a_located_error_exit_2():
    result = run(str(ROLE_FIXTURES / "iam-policy-json/bad-effect.json"), "--spec", str(ROOT / "specs/web-frontend.yaml"))
    assert result.exit_code == 2
    assert "bad-effect.json:4:5: error: " in result.stderr and "Effect must be Allow or Deny" in result.stderr
    assert result.stdout == ""


def test_unbound_value_names_its_set_binding_and_a_binding_resolves_it(tmp_path):
    template = tmp_path / "role.yaml"
    template.write_text(
        "Parameters:\n  Secret: {Type: String}\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com},"
        " Action: sts:AssumeRole}]\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n"
        "            Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: !Ref Secret}]\n")
    spec = tmp_path / "app.yaml"
    spec.write_text("version: 1\nfeatures:\n  secrets:\n    secrets_manager: [db]\n")
    unbound = run(str(template), "--spec", str(spec))
    assert unbound.exit_code == 2 and "--set Secret=VALUE" in unbound.stderr
    bound = run(str(template), "--spec", str(spec), "--set",
                "Secret=arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-??????")
    assert bound.exit_code == 0, bound.output


def test_usage_errors_exit_2(tmp_path):
    assert run(str(ROLE_FIXTURES / "iam-policy-json/good-secret.json")).exit_code == 2  # no needs given
    assert run(str(ROLE_FIXTURES / "iam-policy-json/good-secret.json"), "--spec", "x.yaml", "--set", "novalue").exit_code == 2


def test_write_spec_builds_a_role_that_audits_exact(tmp_path):
    spec = ROOT / "specs" / "app-secrets.yaml"
    written = tmp_path / "replacement.yaml"
    result = run(str(ROLE_FIXTURES / "iam-policy-json/good-secret.json"), "--spec", str(spec), "--write-spec", str(written))
    assert result.exit_code == 1 and written.read_text() == spec.read_text()
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(written), "--out", str(out), "--no-cache"]).exit_code == 0
    for built in (out / "cloudformation" / "replacement.yaml", out / "terraform" / "replacement" / "main.tf.json"):
        assert run(str(built), "--spec", str(written)).exit_code == 0


def test_account_export_pairs_task_definitions_by_execution_role_and_reports_the_rest():
    result = run(str(ROLE_FIXTURES / "account-authorization-details/good-two-roles.json"),
                 "--task-definition", str(FIXTURES / "web-taskdef.json"), "--task-definition", str(FIXTURES / "report-taskdef.json"),
                 "--format", "json", "--set", "AWS::AccountId=111122223333")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, OUTPUT_SCHEMA)
    [web] = document["roles"]
    assert web["name"] == "web-exec"
    missing = {(m["action"], m["resource"]) for m in web["missing"]}
    # the role grants ECR through the managed policy and secrets through secretsmanager:*; the customer policy
    # shared-logs is attached; nothing the web task needs is missing
    assert missing == set()
    assert any(e["action"] == "secretsmanager:*" and "secretsmanager:DeleteSecret" in e["risky"] for e in web["excess"])
    assert document["unpaired"]["roles"] == ["batch-exec"]
    assert document["unpaired"]["needs"] == [str(FIXTURES / "report-taskdef.json")]


def test_every_missing_need_of_a_task_definition_is_traced_to_the_task_definition(tmp_path):
    """issue 16: missing — 'each need the role does not grant, with the task definition's file:line, the container';
    the auth token (asked for by the repositories as a whole) and an S3 file's bucket owner condition are too,
    never the temporary spec audit compiles."""
    taskdef = tmp_path / "web.json"
    taskdef.write_text(json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"],
                                   "executionRoleArn": "arn:aws:iam::123456789012:role/web", "containerDefinitions": [
        {"name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
         "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::cfg-bucket/web.env"}]}]}, indent=1))
    role = tmp_path / "role.json"
    role.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": "arn:aws:s3:::other"}]}))
    result = run(str(role), "--task-definition", str(taskdef), "--format", "json")
    [audited] = json.loads(result.stdout)["roles"]
    actions = {m["action"] for m in audited["missing"]}
    assert {"ecr:GetAuthorizationToken", "s3:GetObject", "s3:GetBucketLocation"} <= actions
    for missing in audited["missing"]:
        assert missing["needed_by"] and all(o["path"] == str(taskdef) for o in missing["needed_by"]), missing


def test_write_spec_never_silently_replaces_a_different_file(tmp_path):
    """As `rolec infer -o` (docs/task-definitions.md): an existing file with other text (a hand-edited spec with its
    kms_keys) is refused, exit 2, nothing written, unless --force; the same text is left alone."""
    taskdef = tmp_path / "web.json"
    taskdef.write_text(json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [
        {"name": "app", "image": "nginx", "secrets": [{"name": "A", "valueFrom": "/web/a"}]}]}))
    role = tmp_path / "role.json"
    role.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "*"}]}))
    spec = tmp_path / "web.yaml"
    spec.write_text("version: 1\n# hand-edited\n")
    refused = run(str(role), "--task-definition", str(taskdef), "--write-spec", str(spec))
    assert refused.exit_code == 2 and "--force" in refused.output and refused.stdout == ""
    assert spec.read_text() == "version: 1\n# hand-edited\n"
    forced = run(str(role), "--task-definition", str(taskdef), "--write-spec", str(spec), "--force")
    assert forced.exit_code == 1 and "ssm_parameters" in spec.read_text()
    again = run(str(role), "--task-definition", str(taskdef), "--write-spec", str(spec))
    assert again.exit_code == 1


def test_the_json_report_carries_the_notes_the_text_report_prints(tmp_path):
    """A note (here: kms:Decrypt on a key a task definition cannot name) does not change the exit code, but a tool
    reading --format json must see it as a person reading the text does."""
    taskdef = tmp_path / "web.json"
    taskdef.write_text(json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [
        {"name": "app", "image": "nginx", "secrets": [{"name": "A", "valueFrom": "/web/a"}]}]}))
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    role = tmp_path / "role.json"
    role.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/web/a"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]}))
    result = run(str(role), "--task-definition", str(taskdef), "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, OUTPUT_SCHEMA)
    assert result.exit_code == 0 and any(key in note for note in document["roles"][0]["notes"])


def test_a_folder_that_is_no_terraform_module_given_as_a_role_source_or_task_definition_is_a_located_error(tmp_path):
    """A folder is read as a Terraform module; one without .tf files is bad input, located (not a usage message)."""
    role = tmp_path / "role.json"
    role.write_text(json.dumps({"Version": "2012-10-17", "Statement": []}))
    for args in ((str(tmp_path), "--task-definition", str(role)), (str(role), "--task-definition", str(tmp_path))):
        result = run(*args)
        assert result.exit_code == 2 and \
            f"{tmp_path}:1:1: error: {tmp_path} holds no .tf or .tf.json file: it is not a Terraform module" in result.output, \
            result.output
