"""explain, diff, schema, new, validate, and the output for people (-q/-v, colour, build summary).

Golden files live in tests/examples/golden/; ROLEC_UPDATE_GOLDEN=1 rewrites them (review the diff).
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given

from rolec.cli import main
from rolec.reports.effective import UnreadableRecord, from_json, from_role, to_json
from rolec.features import catalog
from rolec.spec.v1 import ROLE
from rolec.build.pipeline import compile_spec
from rolec.spec.starter import EXAMPLES, ROLE_EXAMPLES

from tests.conftest import OUT, ROOT, SPECS
from tests.support.strategies import dump, specs
from tests.support.files import matches_file, snapshot
from tests.support.paths import BAD, GOLDEN
from tests.support.compile import compile_text

DIFF_FIXTURE = ROOT / "tests" / "examples" / "diff"
SCHEMA_FILE = ROOT / "schema" / "rolec-spec-v1.json"
GIT_ENV = {"GIT_AUTHOR_NAME": "rolec", "GIT_AUTHOR_EMAIL": "dev@rolec.invalid",
           "GIT_COMMITTER_NAME": "rolec", "GIT_COMMITTER_EMAIL": "dev@rolec.invalid"}


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def golden(name: str, actual: str) -> None:
    matches_file(GOLDEN / name, actual)


# --- explain -----------------------------------------------------------------------------------

def test_explain_golden_text_and_json(monkeypatch):
    monkeypatch.chdir(ROOT)
    text = run("explain", "specs")
    assert text.exit_code == 0, text.output
    golden("explain.txt", text.output)
    data = run("explain", "specs", "--format", "json")
    assert data.exit_code == 0
    golden("explain.json", data.output)


def test_explain_json_is_the_ir(monkeypatch):
    """Every statement, action, resource and source of the IR appears, nothing else."""
    monkeypatch.chdir(ROOT)
    roles = json.loads(run("explain", "specs", "--format", "json").output)["roles"]
    specs = sorted(Path("specs").glob("*.yaml"))
    assert specs and len(roles) == len(specs)
    for spec, data in zip(specs, roles):
        role = compile_spec(spec).role
        assert data["id"] == role.id
        assert [s["sid"] for s in data["statements"]] == [s.sid for s in role.statements]
        for statement, explained in zip(role.statements, data["statements"]):
            assert explained["actions"] == list(statement.actions)
            assert explained["resources"] == [r.key for r in statement.resources]
            assert [(s["feature"], s["key"], s["line"], s["reason"]) for s in explained["sources"]] == [
                (s.feature, s.key, s.line, s.reason) for s in statement.sources]
            assert explained["sources"], f"{role.id}/{statement.sid} has no provenance"


def test_explain_points_at_the_spec_line_and_rule(monkeypatch):
    monkeypatch.chdir(ROOT)
    output = run("explain", "specs/fargate-vpc-endpoint.yaml").output
    lines = Path("specs/fargate-vpc-endpoint.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "repositories:" in text)
    assert f"specs/fargate-vpc-endpoint.yaml:{line}  features.ecr_pull.repositories\n" in output
    assert "so it cannot carry aws:SourceVpc or aws:SourceVpce." in output


def test_explain_says_when_a_feature_grants_nothing(write_spec, monkeypatch, tmp_path):
    write_spec("version: 1\nmanaged_policy: true\nfeatures:\n  ecr_pull:\n    repositories: [app]\n"
               "  awslogs:\n    log_groups: [/ecs/app]\n    create_group: true\n", "covered")
    monkeypatch.chdir(tmp_path)
    output = run("explain", "specs/covered.yaml").output
    assert "  ecr_pull: grants nothing of its own\n" in output
    assert "awslogs: grants nothing" not in output  # CreateLogGroup is not in the managed policy
    assert "AwslogsCreateGroup" in output
    assert "already granted on every resource by AmazonECSTaskExecutionRolePolicy" in output
    data = json.loads(run("explain", "specs/covered.yaml", "--format", "json").output)["roles"][0]
    assert data["grants_nothing"] == ["ecr_pull"]
    assert {n["feature"] for n in data["notes"]} == {"ecr_pull", "awslogs"}


def test_explain_refuses_a_bad_spec_like_build(monkeypatch):
    monkeypatch.chdir(BAD)
    result = run("explain", "unknown-key.yaml")
    assert result.exit_code == 2
    assert result.stderr == (BAD / "unknown-key.err").read_text()


# --- diff --------------------------------------------------------------------------------------

def test_diff_golden_adds_a_secret_and_narrows_a_repository(monkeypatch):
    """tests/examples/diff/ holds app-secrets with one more secret and web-frontend with one repository fewer."""
    monkeypatch.chdir(ROOT)
    specs = ["tests/examples/diff/app-secrets.yaml", "tests/examples/diff/web-frontend.yaml"]
    result = run("diff", *specs, "--against", "out")
    assert result.exit_code == 0, result.output
    golden("diff.md", result.output)
    assert run("diff", *specs, "--against", "out", "--exit-code").exit_code == 1


def test_diff_of_the_committed_specs_is_empty(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("diff", "specs", "--against", "out", "--exit-code")
    assert result.exit_code == 0
    assert result.output == "rolec diff: no permission changes (compared with `out/`)\n"


def test_committed_permissions_records_are_the_deployed_roles():
    """The records diff reads hold exactly what the IR of each deployed role allows (else diff would invent changes)."""
    records = sorted((OUT / "permissions").glob("*.json"))
    deployed = [role for spec in sorted(SPECS.glob("*.yaml")) for role in compile_spec(spec).roles]
    assert len(records) == len(deployed) > len(list(SPECS.glob("*.yaml")))
    read = {p.key: p for p in (from_json(path.read_text(), str(path)) for path in records)}
    for role in deployed:
        assert read[from_role(role).key] == from_role(role), role.id


def test_a_record_rolec_did_not_write_is_refused():
    with pytest.raises(UnreadableRecord, match="x.json: not a permissions record written by rolec"):
        from_json('{"format": 1, "allows": []}', "x.json")
    with pytest.raises(UnreadableRecord, match="x.json: a permissions record of another format"):
        from_json('{"format": 0}', "x.json")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository holding a copy of specs/ and the out/ built from it, committed."""
    root = tmp_path / "infra"
    shutil.copytree(SPECS, root / "specs")
    monkeypatch.chdir(root)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    assert run("-q", "build").exit_code == 0
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "base"], check=True)
    return root


def test_diff_ignores_formatting_comments_order_and_a_rebuild(repo):
    (repo / "specs" / "web-frontend.yaml").write_text(
        "version: 1\n"
        "role: {tags: {service: web-frontend, team: web}, path: /ecs/}\n"
        "features:\n"
        "  awslogs: {create_group: yes, log_groups: [/ecs/web-frontend]}  # flow style now\n"
        "  ecr_pull: {repositories: [web-frontend/nginx-sidecar, web-frontend]}\n"
        "description: 'Web frontend - private ECR images and awslogs, scoped'\n"
    )
    for args in ([], ["--base", "HEAD"], ["--against", "out"]):
        result = run("diff", *args, "--exit-code")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("rolec diff: no permission changes (compared with ")


def test_diff_default_compares_with_out_at_head_even_after_a_build(repo):
    spec = repo / "specs" / "private-registry.yaml"
    spec.write_text(spec.read_text().replace("[/ecs/registry-worker]", "[/ecs/registry-worker, /ecs/extra]"))
    assert run("-q", "build").exit_code == 0
    result = run("diff")
    assert "Compared with `out/` at `HEAD`." in result.output
    assert "- **allows** `logs:CreateLogStream`, `logs:PutLogEvents` on " \
           "`arn:${Partition}:logs:${Region}:${AccountId}:log-group:/ecs/extra`, " \
           "`arn:${Partition}:logs:${Region}:${AccountId}:log-group:/ecs/extra:log-stream:*` (`AwslogsWrite`)\n" \
        in result.output
    assert run("diff", "--against", "out").output.startswith("rolec diff: no permission changes")


def test_diff_names_roles_added_removed_trust_and_managed_policy_changes(repo):
    specs = repo / "specs"
    (specs / "private-registry.yaml").unlink()
    app = specs / "app-secrets.yaml"
    app.write_text(app.read_text().replace("source_account: true", "source_account: false"))
    (specs / "classic-execution-role.yaml").write_text("version: 1\nfeatures: {awslogs: {log_groups: [/ecs/c]}}\n")
    (specs / "extra.yaml").write_text("version: 1\nmanaged_policy: true\nrole: {permissions_boundary: Boundary}\n")
    result = run("diff", "--base", "HEAD")
    assert result.exit_code == 0, result.output
    golden("diff-roles-added-and-removed.md", result.output)
    assert run("diff").output == result.output.replace("the specs at `HEAD`", "`out/` at `HEAD`")


def test_diff_shows_a_new_condition_as_a_narrowed_grant(repo):
    spec = repo / "specs" / "web-frontend.yaml"
    spec.write_text(spec.read_text().replace(
        "      - web-frontend/nginx-sidecar\n",
        "      - web-frontend/nginx-sidecar\n    vpc_endpoint: {source_vpce: [vpce-0a1b2c3d4e5f60789]}\n"))
    output = run("diff", "--base", "HEAD").output
    layers = "`ecr:BatchCheckLayerAvailability`, `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`"
    assert f"- **allows** {layers} on " in output and "when `aws:SourceVpce` StringEquals `vpce-0a1b2c3d4e5f60789` (`EcrPullLayers`)\n" in output
    assert f"- **no longer allows** {layers} on " in output


def test_diff_follows_permissions_moved_to_an_existing_role(repo):
    spec = repo / "specs" / "existing-execution-role.yaml"
    spec.write_text(spec.read_text().replace("existing: ecsTaskExecutionRole",
                                             "existing: arn:aws:iam::111122223333:role/ecs/ecsTaskExecutionRole"))
    (repo / "specs" / "classic-execution-role.yaml").write_text(
        "version: 1\nrole: {existing: legacy-execution}\nmanaged_policy: true\n")
    expected = [
        "- the permissions now go to existing role `arn:${Partition}:iam::${AccountId}:role/legacy-execution` "
        "(was a role rolec creates)",
        "- the permissions now go to existing role `arn:aws:iam::111122223333:role/ecs/ecsTaskExecutionRole` "
        "(was existing role `arn:${Partition}:iam::${AccountId}:role/ecsTaskExecutionRole`)",
    ]
    for args in (["--base", "HEAD"], []):
        output = run("diff", *args).output
        assert [line for line in output.splitlines() if line.startswith("- ")] == expected, output
    assert run("-q", "build").exit_code == 0
    assert run("diff", "--against", "out").output.startswith("rolec diff: no permission changes")


def test_diff_outside_git_compares_with_out_on_disk(tmp_path, monkeypatch):
    shutil.copytree(SPECS, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    first = run("diff")  # no out/ yet: no baseline, which is an error, not "every role is new" (finding 23)
    assert first.exit_code == 3 and first.stderr.startswith("rolec: error: no baseline to compare with: out/ does not exist")
    assert run("-q", "build").exit_code == 0
    assert run("diff").output == "rolec diff: no permission changes (compared with `out/`)\n"
    no_git = run("diff", "--base", "HEAD")
    assert no_git.exit_code == 3 and no_git.stderr == "rolec: error: --base needs a git work tree\n"


def test_diff_reports_a_bad_base_spec_and_a_bad_ref(repo):
    spec = repo / "specs" / "web-frontend.yaml"
    spec.write_text(spec.read_text().replace("repositories:", "repos:"))
    subprocess.run(["git", "commit", "-qam", "broken"], check=True)
    spec.write_text(spec.read_text().replace("repos:", "repositories:"))
    result = run("diff", "--base", "HEAD")
    assert result.exit_code == 2
    assert result.stderr.startswith("HEAD:specs/web-frontend.yaml:")
    assert "unknown key 'repos'" in result.stderr
    bad_ref = run("diff", "--base", "no-such-ref")
    assert bad_ref.exit_code == 3 and "rolec: error: git rev-parse" in bad_ref.stderr
    assert run("diff", "--base", "HEAD", "--against", "out").exit_code == 2


# --- schema ------------------------------------------------------------------------------------

LOADER_ERRORS = {
    # Refused while reading YAML, before any schema applies; JSON has no equivalent of these.
    "alias-bomb.yaml", "control-character.yaml", "duplicate-key.yaml", "malformed-yaml.yaml", "non-utf8.yaml", "python-tag.yaml",
    "two-documents.yaml", "lone-anchor.yaml",
}
SEMANTIC_ERRORS = {
    # Well-formed for the schema; refused by rolec's own checks (file name, ARN and name rules,
    # AWS managed keys, reserved parameters, combinations of settings).
    "Bad_Name.yaml", "arn-wrong-service.yaml", "arn-wrong-shape.yaml", "aws-managed-kms-alias.yaml",
    "double-slash-parameter.yaml", "empty-kms-alias.yaml", "existing-role-aws-account.yaml",
    "existing-role-not-a-role-arn.yaml", "existing-role-service-linked.yaml", "reserved-parameter.yaml",
    "vpc-endpoint-with-managed-policy.yaml", "wildcard-secret.yaml",
    # Review findings 5, 11 and 15: what a value cannot mean, alone or with the rest of the spec.
    "vpc-endpoint-on-existing-role.yaml", "secret-arn-ambiguous-suffix.yaml", "arn-partition-region-mismatch.yaml",
    "arn-mixed-partitions.yaml", "stackset-boundary-pinned-account.yaml",
    # StackSets: known regions, one partition, keys per permission model, name collisions across regions.
    "stackset-accounts-without-filter.yaml", "stackset-existing-role.yaml", "stackset-fixed-name-collides.yaml",
    "stackset-home-region-not-listed.yaml", "stackset-mixed-partitions.yaml", "stackset-region-name-too-long.yaml",
    "stackset-self-managed-without-accounts.yaml", "stackset-service-managed-keys-in-self-managed.yaml",
    "stackset-service-managed-without-ous.yaml", "stackset-unknown-region.yaml",
    # IAM's size limits, measured on the compiled policies.
    "stackset-too-large-after-region-expansion.yaml",
    # S3 object, environment file and prefix ARNs; ARN placeholders.
    "s3-object-without-key.yaml", "s3-environment-file-not-env.yaml", "s3-prefix-without-slash.yaml",
    "arn-placeholder-account-only.yaml",
    # Runtime Monitoring in a StackSet region without a GuardDuty agent repository, or off as the only feature.
    "runtime-monitoring-stackset-region.yaml", "runtime-monitoring-off-alone.yaml",
}


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_what_rolec_schema_prints():
    result = run("schema")
    assert result.exit_code == 0
    assert result.output == SCHEMA_FILE.read_text(), "schema/ is stale: run `make schema` and commit it"


def test_every_example_spec_validates_and_carries_the_modeline():
    check = validator()
    for spec in sorted(SPECS.glob("*.yaml")) + sorted(DIFF_FIXTURE.glob("*.yaml")):
        text = spec.read_text()
        first = text.splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), spec
        assert (spec.parent / first.split("=", 1)[1]).resolve() == SCHEMA_FILE, spec
        errors = list(check.iter_errors(yaml.safe_load(text)))
        assert not errors, f"{spec.name}: {errors[0].message}"


def test_the_lists_of_loader_and_semantic_errors_name_real_fixtures():
    names = {p.name for p in BAD.glob("*.yaml")}
    assert LOADER_ERRORS <= names and SEMANTIC_ERRORS <= names and not LOADER_ERRORS & SEMANTIC_ERRORS


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.yaml") if p.name not in LOADER_ERRORS))
def test_bad_examples_that_are_schema_errors_are_rejected_by_the_schema(name):
    document = yaml.safe_load((BAD / name).read_text())
    errors = list(validator().iter_errors(document))
    if name in SEMANTIC_ERRORS:
        # The schema may not reject the value rolec refuses (it could reject the file for another reason).
        refused = re.match(r"[^:]+:\d+:\d+: error: ([\w.\[\]]+): ", (BAD / name).with_suffix(".err").read_text())
        at = [_dotted(e.absolute_path) for e in errors]
        assert not (refused and refused.group(1) in at), f"{name}: the schema rejects {refused.group(1)}; not semantic"
        assert refused or not errors, f"{name} is listed as semantic but the schema rejects it"
    else:
        assert errors, f"{name} is a schema error that the JSON Schema accepts"


def _dotted(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def test_schema_out_writes_only_when_changed(tmp_path):
    target = tmp_path / "schema" / "spec.json"
    assert run("schema", "--out", str(target)).output == f"wrote {target}\n"
    assert target.read_text() == SCHEMA_FILE.read_text()
    assert run("schema", "--out", str(target)).output == f"{target} is up to date\n"


# --- new ---------------------------------------------------------------------------------------

def test_every_feature_and_role_key_has_a_starter_example():
    assert set(EXAMPLES) == {f.name for f in catalog()}
    assert set(ROLE_EXAMPLES) == set(ROLE.fields)


@pytest.mark.parametrize("features", [(), *[(f.name,) for f in catalog()], tuple(f.name for f in catalog())])
def test_new_spec_builds_as_is_and_validates_against_the_schema(features, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [a for f in features for a in ("--feature", f)]
    result = run("new", "orders", *args)
    assert result.exit_code == 0, result.output
    assert result.output == ("wrote specs/orders.yaml and schema/rolec-spec-v1.json (the schema its modeline names, "
                             "for editor completion); next: rolec build\n")
    text = (tmp_path / "specs" / "orders.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/rolec-spec-v1.json\n")
    assert not list(validator().iter_errors(yaml.safe_load(text)))
    uncommented = yaml.safe_load("\n".join(
        "role:" if line == "# role:" else "  " + line[4:] if line.startswith("#   ") else line
        for line in text.splitlines()))
    assert not list(validator().iter_errors(uncommented)), "the commented-out role: example is not valid"
    built = run("build")
    assert built.exit_code == 0, built.output + built.stderr
    explained = json.loads(run("explain", "--format", "json").output)["roles"][0]
    assert {s["feature"] for st in explained["statements"] for s in st["sources"]} == set(features or ("ecr_pull", "awslogs"))


def test_new_refuses_to_overwrite_and_bad_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("new", "orders").exit_code == 0
    again = run("new", "orders")
    assert again.exit_code == 2 and "specs/orders.yaml already exists (use --force to overwrite it)" in again.stderr
    assert run("new", "orders", "--force", "--feature", "secrets").exit_code == 0
    assert "secrets:" in (tmp_path / "specs" / "orders.yaml").read_text()
    bad = run("new", "Orders_API")
    assert bad.exit_code == 2 and "'Orders_API' is not a role id" in bad.stderr
    assert run("new", "x", "--feature", "nope").exit_code == 2


# --- validate ----------------------------------------------------------------------------------

def test_validate_writes_nothing_and_reports_every_bad_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    before = snapshot(OUT)
    ok = run("validate", "specs")
    assert ok.exit_code == 0 and ok.output == f"{len(list(SPECS.glob('*.yaml')))} specs valid\n"
    assert snapshot(OUT) == before
    monkeypatch.chdir(BAD)
    bad = run("validate", "unknown-key.yaml", "wrong-type.yaml")
    assert bad.exit_code == 2
    assert bad.stderr == (BAD / "unknown-key.err").read_text() + (BAD / "wrong-type.err").read_text()


# --- output for people -------------------------------------------------------------------------

def test_quiet_and_verbose(tmp_path):
    out = tmp_path / "out"
    quiet = run("-q", "build", str(SPECS), "--out", str(out))
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = run("-v", "build", str(SPECS), "--out", str(out / ".." / "out2"))
    assert re.search(r"^wrote .*out2/cloudformation/web-frontend\.yaml$", verbose.stderr, re.M)
    count = len(list(SPECS.glob("*.yaml")))
    assert re.fullmatch(rf"built {count} roles \({count} changed\) in \d+\.\d s\n", verbose.stdout)
    assert run("-q", "check", str(SPECS), "--out", str(out)).output == ""
    assert run("-q", "-v", "build").exit_code == 2


def test_summary_counts_changed_and_removed_roles(write_spec, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_spec("version: 1\nmanaged_policy: true\n", "a")
    write_spec("version: 1\nmanaged_policy: true\n", "b")
    gone = write_spec("version: 1\nmanaged_policy: true\n", "c")
    assert run("build").output.startswith("built 3 roles (3 changed) in ")
    write_spec("version: 1\nmanaged_policy: true\ndescription: now described\n", "a")
    gone.unlink()
    assert run("build").output.startswith("built 2 roles (1 changed, 1 removed) in ")


def _tty_run(args: list[str], env: dict, tmp_path: Path) -> str:
    """Run rolec under a pseudo-terminal, as a person would see it."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "rolec", *args], stdin=child_fd, stdout=child_fd,
                               stderr=child_fd, cwd=tmp_path, env={**os.environ, **env})
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(main_fd)
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(write_spec, tmp_path):
    write_spec("version: 1\nmanaged_policy: maybe\n", "bad")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _tty_run(["build"], {**env, "NO_COLOR": ""}, tmp_path)
    assert "\x1b[31m" in coloured and "error" in coloured
    assert "\x1b[" not in _tty_run(["build"], {"NO_COLOR": "1"}, tmp_path)
    piped = subprocess.run([sys.executable, "-m", "rolec", "build"], cwd=tmp_path, capture_output=True, text=True,
                           env={**env, "NO_COLOR": ""})
    assert piped.returncode == 2 and "\x1b[" not in piped.stderr
    assert piped.stderr == "specs/bad.yaml:2:17: error: managed_policy: expected true or false, got the string 'maybe'\n"


# --- properties over generated specs -----------------------------------------------------------


@given(specs())
def test_generated_specs_read_back_from_their_records_unchanged_and_fit_the_schema(spec):
    """diff cannot invent changes (a record reads back to the permissions it was written from) and the
    schema never rejects a spec rolec accepts."""
    text = dump(spec)
    compiled = compile_text(text)
    for role in compiled.roles:
        assert from_json(to_json(from_role(role)), "generated") == from_role(role)
    assert not list(validator().iter_errors(yaml.safe_load(text)))
