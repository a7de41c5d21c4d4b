"""Two targets, one meaning: each spec's CloudFormation template and Terraform module,
deployed to the moto emulator, must give the same IAM role.

Both roles are read back through the IAM API and normalised (statement order and
grouping, single value vs list, Sid); they must agree on the trust policy, path, tags,
permissions boundary, max session duration, description, managed policy attachments,
inline statements and effective statements (inline plus the attached managed policies'
documents). After the apply, `terraform plan` must be empty, and `terraform destroy` must
leave no role behind.

Specs: every file in specs/ plus hypothesis-generated ones (the `deploy` budget of tests/conftest.py:
30 by default, 300 under HYPOTHESIS_PROFILE=thorough).

Speed: one moto server for the session, and all modules (example specs, generated specs
and a mutant) in ONE terraform workspace, so init, apply, plan and destroy run once each.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml
from cfnlint.decode import decode_str
from hypothesis import HealthCheck, Phase, given, settings

from rolec.build.pipeline import Compiled, compile_all, output_paths

from tests.conftest import SPECS
from tests.support import emulator, outputs, strategies
from tests.support.emulator import normalise_policy



def _adds_to_an_existing_role(path: Path) -> bool:
    return "existing" in (yaml.safe_load(path.read_text()).get("role") or {})


# Specs with `role.existing` are compared in tests/integration/test_existing_role.py instead
# (test_both_targets_grant_the_existing_role_the_same): they attach policies to a role rolec
# does not create, so each deployment needs that role made first on a fresh account, and
# specs/existing-execution-role.yaml names the same role as classic-execution-role.yaml.
EXISTING_ROLE_SPECS = sorted(p.stem for p in SPECS.glob("*.yaml") if _adds_to_an_existing_role(p))
SPEC_FILES = sorted(p for p in SPECS.glob("*.yaml") if p.stem not in EXISTING_ROLE_SPECS)
EXAMPLE_IDS = [path.stem for path in SPEC_FILES]


GENERATED_IDS = [f"gen-{i:03d}" for i in range(settings.get_profile("deploy").max_examples)]
MUTATED = "payments-api"
"""The spec whose outputs are mutated to prove the comparison can fail (it has every feature)."""

# moto always resolves AWS::Partition to `aws` (and terraform's aws_partition follows the
# region, us-east-1), so for the other partitions both targets are compared as read from
# the outputs themselves, by a reader that each test first checks against the emulator.
OTHER_PARTITIONS = (
    outputs.AWS_CN,
    outputs.Deployment("aws-us-gov", "us-gov-west-1", emulator.ACCOUNT_ID),
)

COMPARED = ("description", "trust", "path", "tags", "permissions_boundary", "max_session_duration",
            "managed_policies", "inline", "effective")


@dataclass
class Pair:
    """One spec and the role each target deployed for it, as read back from the emulator."""

    spec_text: str
    compiled: Compiled
    cloudformation: dict = field(default_factory=dict)
    terraform: dict = field(default_factory=dict)


@dataclass
class Run:
    pairs: dict[str, Pair]
    mutants: dict[str, dict] = field(default_factory=dict)
    """'cloudformation'/'terraform' -> the role deployed from that target's mutated output."""
    dropped: dict[str, frozenset] = field(default_factory=dict)
    """'cloudformation'/'terraform' -> the statement atoms the mutation removed (from the outputs)."""
    roles_after_stack_deletion: list[str] = field(default_factory=list)
    plan_is_empty: bool = False
    plan: str = ""
    roles_after_destroy: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def differences(cloudformation: dict, terraform: dict) -> dict[str, tuple]:
    """The compared keys on which two role states differ.

    A set-valued key (policies) maps to (only in CloudFormation, only in Terraform);
    any other key to (CloudFormation's value, Terraform's value).
    """
    found = {}
    for key in COMPARED:
        a, b = cloudformation[key], terraform[key]
        if a == b:
            continue
        found[key] = (a - b, b - a) if isinstance(a, frozenset) else (a, b)
    return found


def _report(found: dict[str, tuple]) -> str:
    lines = []
    for key, (a, b) in found.items():
        if isinstance(a, frozenset):
            lines.append(f"{key}: only in CloudFormation {sorted(map(repr, a))}; "
                         f"only in Terraform {sorted(map(repr, b))}")
        else:
            lines.append(f"{key}: CloudFormation {a!r}, Terraform {b!r}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Reading roles back


@cache
def _managed_policy_atoms(endpoint: str, arn: str) -> frozenset:
    """The statements of an AWS managed policy as moto holds it (MOTO_IAM_LOAD_MANAGED_POLICIES)."""
    iam = emulator.client("iam", endpoint)
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return normalise_policy(emulator.parse_policy_document(document))


def _with_effective(endpoint: str, state: dict) -> dict:
    atoms = set(state["inline"])
    for arn in state["managed_policies"]:
        atoms |= _managed_policy_atoms(endpoint, arn)
    state["effective"] = frozenset(atoms)
    return state


def cloudformation_state(endpoint: str, role_name: str, template: str) -> dict:
    state = emulator.read_role(endpoint, role_name)
    # moto ignores ManagedPolicyArns on AWS::IAM::Role, so the attachments are read from
    # the template itself, resolved for moto's partition, region and account. (The reader
    # also refuses any IAM resource besides the role, e.g. AWS::IAM::RolePolicy, which moto
    # would silently skip.)
    from_template = sorted(outputs.from_cloudformation(template, outputs.AWS).managed_policy_arns)
    if state["managed_policies"] not in ([], from_template):
        raise AssertionError(f"moto attached {state['managed_policies']} to {role_name}; "
                             f"the template says {from_template}")
    state["managed_policies"] = from_template
    return _with_effective(endpoint, state)


def terraform_state(endpoint: str, role_name: str) -> dict:
    return _with_effective(endpoint, emulator.read_role(endpoint, role_name))


def _remaining_roles(endpoint: str) -> list[str]:
    iam = emulator.client("iam", endpoint)
    return sorted(role["RoleName"] for page in iam.get_paginator("list_roles").paginate()
                  for role in page["Roles"])


# --------------------------------------------------------------------------- #
# Specs and mutants


def generated_specs(count: int) -> list[dict]:
    """`count` distinct specs from the hypothesis strategy, each role name made unique.

    IAM role names are unique per account, and two generated specs may pick the same
    name, so a name gets the example's number as a suffix.
    """
    found: dict[str, dict] = {}

    @settings(max_examples=2 * count, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(strategies.specs())
    def collect(spec):
        if len(found) < count:
            found.setdefault(strategies.dump(spec), spec)

    collect()
    specs = list(found.values())
    if len(specs) < count:
        raise RuntimeError(f"hypothesis gave {len(specs)} distinct specs, {count} wanted")
    for number, spec in enumerate(specs):
        role = spec.get("role", {})
        if "name" in role:
            suffix = f"-{number:03d}"
            role["name"] = role["name"][: 64 - len(suffix)] + suffix
    return specs


def _drop_last_resource(statements: list[dict], sid: str, key: str) -> None:
    (statement,) = [s for s in statements if s.get("Sid", s.get("sid")) == sid]
    assert len(statement[key]) >= 2, f"{sid} needs two resources so that one can be dropped"
    statement[key].pop()


def mutate_terraform(module_text: str) -> str:
    """The module with the last resource dropped from EcrPullLayers and the role renamed."""
    module = json.loads(module_text)
    statements = module["data"]["aws_iam_policy_document"]["execution"]["statement"]
    _drop_last_resource(statements, "EcrPullLayers", "resources")
    module["resource"]["aws_iam_role"]["this"]["name"] += "-mutant"
    return json.dumps(module, indent=2)


def mutate_cloudformation(template_text: str) -> str:
    """The template (as JSON) with the last resource dropped from AwslogsWrite and the role renamed."""
    template, matches = decode_str(template_text)
    assert not matches, matches
    template = json.loads(json.dumps(template))  # cfn-lint's node classes -> plain data
    properties = template["Resources"]["ExecutionRole"]["Properties"]
    _drop_last_resource(properties["Policies"][0]["PolicyDocument"]["Statement"], "AwslogsWrite", "Resource")
    properties["RoleName"] += "-mutant"
    return json.dumps(template, indent=2)


def _atoms_removed(original: outputs.Policies, mutant: outputs.Policies) -> frozenset:
    return normalise_policy(original.permissions) - normalise_policy(mutant.permissions)


# --------------------------------------------------------------------------- #
# The deployment: everything the tests below look at


@pytest.fixture(scope="module")
def run(moto_endpoint, terraform_available, tmp_path_factory, request) -> Run:
    """Deploy both targets of every spec (and one mutant per target), read everything back, tear down."""
    endpoint = moto_endpoint
    emulator.reset(endpoint)
    root = tmp_path_factory.mktemp("two-targets")
    timings: dict[str, float] = {}
    started = time.monotonic()

    sources: dict[str, Path] = {path.stem: path for path in SPEC_FILES}
    generated = root / "generated-specs"
    generated.mkdir()
    for spec_id, spec in zip(GENERATED_IDS, generated_specs(len(GENERATED_IDS))):
        sources[spec_id] = generated / f"{spec_id}.yaml"
        sources[spec_id].write_text(strategies.dump(spec))
    result = Run({item.role.id: Pair(item.spec_file.read_text(), item)
                  for item in compile_all(list(sources.values()))})
    mutated = result.pairs[MUTATED].compiled
    cfn_file, tf_file = output_paths(MUTATED)
    cfn_mutant = mutate_cloudformation(mutated.files[cfn_file])
    tf_mutant = mutate_terraform(mutated.files[tf_file])
    result.dropped = {
        "cloudformation": _atoms_removed(outputs.from_cloudformation(mutated.files[cfn_file], outputs.AWS),
                                         outputs.from_cloudformation(cfn_mutant, outputs.AWS)),
        "terraform": _atoms_removed(outputs.from_terraform(mutated.files[tf_file], outputs.AWS),
                                    outputs.from_terraform(tf_mutant, outputs.AWS)),
    }
    timings["generate and compile"] = time.monotonic() - started

    # CloudFormation first, and every stack deleted before terraform runs: the roles of
    # both targets carry the same names, so they cannot coexist in one account.
    started = time.monotonic()
    stacks = []
    for role_id, pair in result.pairs.items():
        template = pair.compiled.files[output_paths(role_id)[0]]
        stacks.append(f"rolec-{role_id}")
        role_name = emulator.deploy_cloudformation(endpoint, template, stacks[-1])["RoleName"]
        pair.cloudformation = cloudformation_state(endpoint, role_name, template)
    stacks.append("rolec-mutant")
    role_name = emulator.deploy_cloudformation(endpoint, cfn_mutant, stacks[-1])["RoleName"]
    result.mutants["cloudformation"] = cloudformation_state(endpoint, role_name, cfn_mutant)
    for stack in stacks:
        emulator.delete_stack(endpoint, stack)
    result.roles_after_stack_deletion = _remaining_roles(endpoint)
    timings["cloudformation deploy, read, delete"] = time.monotonic() - started

    modules = root / "terraform"
    for role_id, pair in result.pairs.items():
        folder = modules / f"m-{role_id}"  # module names must start with a letter
        folder.mkdir(parents=True)
        (folder / "main.tf.json").write_text(pair.compiled.files[output_paths(role_id)[1]])
    (modules / "mutant").mkdir()
    (modules / "mutant" / "main.tf.json").write_text(tf_mutant)
    workspace = emulator.TerraformWorkspace(modules, endpoint, timeout=600 + 10 * len(result.pairs))

    started = time.monotonic()
    workspace.init()
    timings["terraform init"] = time.monotonic() - started
    started = time.monotonic()
    workspace.apply()
    timings["terraform apply"] = time.monotonic() - started
    started = time.monotonic()
    roles = workspace.outputs()
    for role_id, pair in result.pairs.items():
        pair.terraform = terraform_state(endpoint, roles[f"m-{role_id}"]["role_name"])
    result.mutants["terraform"] = terraform_state(endpoint, roles["mutant"]["role_name"])
    timings["terraform output, read"] = time.monotonic() - started
    started = time.monotonic()
    result.plan_is_empty = workspace.plan_is_empty()
    result.plan = workspace.last_plan
    timings["terraform plan"] = time.monotonic() - started
    started = time.monotonic()
    workspace.destroy()
    timings["terraform destroy"] = time.monotonic() - started
    result.roles_after_destroy = _remaining_roles(endpoint)
    result.timings = timings

    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\ntwo targets: {len(result.pairs)} specs compared ({len(EXAMPLE_IDS)} from specs/, "
                f"{len(GENERATED_IDS)} generated) + 2 mutants; "
                + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
            )
    return result


# --------------------------------------------------------------------------- #
# Tests


@pytest.mark.integration
@pytest.mark.parametrize("role_id", EXAMPLE_IDS + GENERATED_IDS)
def test_both_targets_deploy_to_the_same_role(run, role_id):
    pair = run.pairs[role_id]
    cfn, tf = pair.cloudformation, pair.terraform
    where = f"\n--- spec {role_id} ---\n{pair.spec_text}"

    assert differences(cfn, tf) == {}, _report(differences(cfn, tf)) + where

    # A named role has that name in both targets (`{region}` standing for the deploying
    # region); otherwise each engine generates one.
    if pair.compiled.role.name:
        expected = pair.compiled.role.name.replace("{region}", emulator.REGION)
        assert cfn["name"] == tf["name"] == expected, where
    for state in (cfn, tf):
        assert state["arn"] == f"arn:aws:iam::{emulator.ACCOUNT_ID}:role{state['path']}{state['name']}", where

    # The outputs as read by tests/support/outputs.py agree with what the emulator deployed...
    for target, state in (("cloudformation", cfn), ("terraform", tf)):
        static = outputs.policies(pair.compiled, target, outputs.AWS)
        assert normalise_policy(static.trust) == state["trust"], f"{target}{where}"
        assert normalise_policy(static.permissions) == state["inline"], f"{target}{where}"
    assert sorted(outputs.policies(pair.compiled, "terraform", outputs.AWS).managed_policy_arns) \
        == tf["managed_policies"], where

    # ...so the partitions moto cannot emulate (AWS::Partition is always `aws` there) are
    # compared as that reader resolves the outputs, boundary included.
    for deployment in OTHER_PARTITIONS:
        context = f"{deployment.partition}{where}"
        if any(lookup.get(deployment.region) is None for lookup in pair.compiled.role.lookups):
            # A per-region lookup without this region (the GuardDuty agent account in China): both stop.
            refusals = set()
            for target in outputs.TARGETS:
                with pytest.raises(outputs.Refused) as refused:
                    outputs.policies(pair.compiled, target, deployment)
                refusals.add(str(refused.value).split(": ", 1)[1])
            assert len(refusals) == 1, context
            continue
        cfn_static = outputs.policies(pair.compiled, "cloudformation", deployment)
        tf_static = outputs.policies(pair.compiled, "terraform", deployment)
        assert normalise_policy(cfn_static.trust) == normalise_policy(tf_static.trust), context
        assert normalise_policy(cfn_static.permissions) == normalise_policy(tf_static.permissions), context
        assert sorted(cfn_static.managed_policy_arns) == sorted(tf_static.managed_policy_arns), context
        assert _boundary(pair.compiled, "cloudformation", deployment) \
            == _boundary(pair.compiled, "terraform", deployment), context


def _boundary(compiled: Compiled, target: str, deployment: outputs.Deployment) -> str | None:
    """The permissions boundary ARN a target's output resolves to in `deployment`."""
    cfn_file, tf_file = output_paths(compiled.role.id)
    if target == "cloudformation":
        template, _ = decode_str(compiled.files[cfn_file])
        value = template["Resources"]["ExecutionRole"]["Properties"].get("PermissionsBoundary")
        return None if value is None else outputs.resolve_cfn(json.loads(json.dumps(value)), deployment)
    module = json.loads(compiled.files[tf_file])
    value = module["resource"]["aws_iam_role"]["this"].get("permissions_boundary")
    return None if value is None else outputs.resolve_tf_string(value, deployment, module.get("data", {}))


@pytest.mark.integration
@pytest.mark.parametrize("target", ["terraform", "cloudformation"])
def test_a_resource_dropped_from_one_target_is_reported(run, target):
    """The comparison can fail: a mutant missing one resource of one statement differs by exactly those grants."""
    real = run.pairs[MUTATED]
    dropped = run.dropped[target]
    assert dropped, "the mutation removed nothing"
    if target == "terraform":
        found = differences(real.cloudformation, run.mutants["terraform"])
        expected = {"inline": (dropped, frozenset()), "effective": (dropped, frozenset())}
    else:
        found = differences(run.mutants["cloudformation"], real.terraform)
        expected = {"inline": (frozenset(), dropped), "effective": (frozenset(), dropped)}
    assert found == expected, _report(found)


@pytest.mark.integration
def test_terraform_plan_after_apply_is_empty(run):
    assert run.plan_is_empty, run.plan


@pytest.mark.integration
def test_deleting_the_stacks_and_terraform_destroy_remove_every_role(run):
    assert run.roles_after_stack_deletion == []
    assert run.roles_after_destroy == []
