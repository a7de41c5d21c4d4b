"""Decision properties over generated specs: for any mix of features (tests/support/strategies.py) and a deployment
(partition, region, account), each target's rendered policies, read for that deployment, allow every request the
features' AWS pages ask for and deny every near miss (tests/support/spec_needs.py), grant no action beyond those
the features name, and both stop a deployment where GuardDuty publishes no agent repository. Rolled out by a
StackSet, each region's role (or the home region's one role) does the same for every region it serves.

rolec's IAM evaluator (compiler/iam) answers, on the role's effective policies (its own statements and the AWS
managed policy when `managed_policy: true`); a request it cannot decide fails the test (tests/support/iam_eval.py).
"""

from __future__ import annotations

import json

import pytest
from cfnlint.decode import decode_str
from hypothesis import given
from hypothesis import strategies as st

from rolec.features import catalog
from rolec.iam.evaluate import as_list

from tests.support.compile import compile_text
from tests.support.examples import count
from tests.support.iam_eval import is_allowed
from tests.support.outputs import (TARGETS, Deployment, Refused, effective, from_cloudformation, policies,
                                   resolve_tf_string)
from tests.support.spec_needs import Request, model, serving
from tests.support.strategies import FEATURES, deployed_specs, dump, stackset_specs


def _allowed(policy: dict, request: Request) -> bool:
    return is_allowed(policy, request.action, request.resource, request.context_dict)


def _shown(requests: list[Request]) -> str:
    return "\n".join(f"  {r.action} {r.resource} {r.context_dict or ''} ({r.why})" for r in requests[:10])


def test_the_strategies_generate_every_feature_of_the_catalog():
    assert sorted(FEATURES) == sorted(f.name for f in catalog())


@pytest.mark.parametrize("feature", sorted(FEATURES))
@given(data=st.data())
def test_both_targets_allow_every_need_and_deny_every_near_miss(feature, data):
    """One property per feature, on specs that hold it among any others."""
    spec, where = data.draw(deployed_specs(feature))
    deployment = Deployment(*where)
    needs = model(spec, deployment)
    compiled = compile_text(dump(spec))
    about = f"\n{deployment}\n{json.dumps(spec, indent=1)}"
    count(f"decisions: generated specs x deployments with {feature}")
    for target in TARGETS:
        if needs.refused:
            with pytest.raises(Refused, match=needs.refused):
                policies(compiled, target, deployment)
            continue
        resolved = policies(compiled, target, deployment)
        role = effective(resolved)
        denied = [r for r in needs.needed if not _allowed(role, r)]
        assert not denied, f"{target} denies what a feature needs:\n{_shown(denied)}{about}"
        misses = needs.near_misses
        allowed = [r for r in misses if _allowed(role, r)]
        assert not allowed, f"{target} allows near misses:\n{_shown(allowed)}{about}"
        granted = {a.lower() for s in resolved.permissions["Statement"] for a in as_list(s["Action"])}
        assert granted <= needs.actions, f"{target} grants {sorted(granted - needs.actions)}{about}"



def _stackset_bodies(compiled) -> dict[str, str]:
    """The template each target's StackSet rolls out: the CloudFormation StackSet's TemplateBody, and the Terraform
    aws_cloudformation_stack_set's template_body as Terraform reads it (its `$${` escapes undone)."""
    role_id = compiled.role.id
    outer, _ = decode_str(compiled.files[f"stacksets/{role_id}.yaml"])
    (stackset,) = [r for r in outer["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    module = json.loads(compiled.files[f"stacksets/{role_id}/main.tf.json"])
    body = module["resource"]["aws_cloudformation_stack_set"]["this"]["template_body"]
    return {"cloudformation": str(stackset["Properties"]["TemplateBody"]),
            "terraform": resolve_tf_string(body, Deployment("aws", "us-east-1", "0" * 12), {})}


@given(stackset_specs())
def test_a_stackset_role_allows_what_each_region_it_serves_needs(case):
    """Rolled out by a StackSet, the role of each region (or, with a home region, the one role) allows what the
    features need in every region it serves and denies the near misses of all of them."""
    spec, partition, account, regions, home = case
    count("decisions: generated StackSet specs")
    compiled = compile_text(dump(spec))
    about = f"\n{json.dumps(spec, indent=1)}"
    for target, body in _stackset_bodies(compiled).items():
        for region in [home] if home else regions:
            deployment = Deployment(partition, region, account)
            served = [Deployment(partition, r, account) for r in regions] if home else [deployment]
            needs = serving(spec, served)
            resolved = from_cloudformation(body, deployment)
            role = effective(resolved)
            denied = [r for r in needs.needed if not _allowed(role, r)]
            assert not denied, f"{target} in {region} denies what a feature needs:\n{_shown(denied)}{about}"
            allowed = [r for r in needs.near_misses if _allowed(role, r)]
            assert not allowed, f"{target} in {region} allows near misses:\n{_shown(allowed)}{about}"


# The property can fail: each widening or narrowing of a real role below is caught by the model's requests.
NEW_FEATURES = {"version": 1, "features": {
    "s3_files": {"environment_files": ["arn:{partition}:s3:::cfg-{account}-{region}/app/prod.env"],
                 "prefixes": ["arn:aws:s3:::shared-cfg/envs/"], "kms_keys": ["alias/cfg"]},
    "pull_through_cache": {"prefixes": ["docker-hub", "quay/team"]},
    "runtime_monitoring": {"guardduty_agent": True}}}
HERE = Deployment("aws", "eu-west-1", "001122334455")


def _each_resource(change):
    def mutate(statement: dict) -> None:
        statement["Resource"] = [change(r) for r in as_list(statement["Resource"])]
    return mutate


MUTATIONS = {  # name: (change to each statement, a part of the reason of a request that must then go wrong)
    "conditions dropped": (lambda s: s.pop("Condition", None), "bucket owner: a bucket of the same name in another account"),
    "alias condition dropped": (lambda s: s.get("Condition", {}).pop("ForAnyValue:StringEquals", None),
                                "kms_keys: a key without alias/cfg"),
    "objects widened to their bucket": (_each_resource(
        lambda r: r.split("/", 1)[0] + "/*" if r.startswith("arn:aws:s3:::") and "/" in r else r),
        "F1/L4 another object in the bucket"),
    "cache prefix without its slash": (_each_resource(lambda r: r.replace("/*", "*") if ":repository/" in r else r),
                                       "E4 a longer prefix"),
    "agent repository in any account": (_each_resource(
        lambda r: ":".join(r.split(":")[:4] + ["*"] + r.split(":")[5:]) if "guardduty" in r else r),
        "E8: us-east-1's GuardDuty account in eu-west-1"),
    "any region": (_each_resource(
        lambda r: ":".join(r.split(":")[:3] + ["*"] + r.split(":")[4:]) if r.count(":") >= 5 and r.split(":")[3] else r),
        "E4 another region"),
    "a write action added": (lambda s: s.update(Action=[*as_list(s["Action"]), "s3:PutObject", "ecr:PutImage"]),
                             "F1/L4: only s3:GetObject"),
    "last resource dropped": (lambda s: s.update(Resource=as_list(s["Resource"])[:-1] or ["arn:aws:s3:::none"]),
                              "F1/L4: the agent reads arn:aws:s3:::shared-cfg/envs/"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_model_catches_a_changed_role(mutation):
    change, reason = MUTATIONS[mutation]
    needs = model(NEW_FEATURES, HERE)
    for target in TARGETS:
        role = policies(compile_text(dump(NEW_FEATURES)), target, HERE).permissions
        assert [r for r in needs.needed if not _allowed(role, r)] == []
        assert [r for r in needs.near_misses if _allowed(role, r)] == []
        for statement in role["Statement"]:
            change(statement)
        wrong = [r for r in needs.needed if not _allowed(role, r)] + [r for r in needs.near_misses if _allowed(role, r)]
        assert any(reason in r.why for r in wrong), _shown(wrong)
