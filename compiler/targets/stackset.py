"""StackSet target: the role template wrapped in an AWS::CloudFormation::StackSet (CloudFormation) and in
aws_cloudformation_stack_set + aws_cloudformation_stack_set_instance (Terraform).

Both embed the same role template, rendered by the CloudFormation target with the home-region
Condition when the spec sets `home_region`, so the two rollouts create the same stacks.
"""

from __future__ import annotations

import json
from dataclasses import replace

from troposphere import Sub, Template
from troposphere.cloudformation import (
    AutoDeployment,
    DeploymentTargets,
    OperationPreferences,
    StackInstances,
    StackSet as CfnStackSet,
)

from ..ir import Condition, Role
from ..limits import repack
from ..spec.stackset import StackSet
from ..text import Lookup, Part, Pseudo, Text
from . import cloudformation
from .terraform import PROVIDER_CONSTRAINT

LOGICAL_ID = "ExecutionRoleStackSet"
CAPABILITIES = ["CAPABILITY_NAMED_IAM"]
ADMINISTRATION_ROLE = "AWSCloudFormationStackSetAdministrationRole"
EXECUTION_ROLE = "AWSCloudFormationStackSetExecutionRole"
"""The roles a self-managed StackSet uses (AWS's default names, spelled out: they are prerequisites)."""


def name(role: Role) -> str:
    """The StackSet's name: it must start with a letter, and a role id may start with a digit."""
    return f"rolec-{role.id}"


def description(role: Role) -> str:
    return f"ECS task execution role '{role.id}' in every target account, compiled by rolec from {role.id}.yaml"


def role_template(role: Role, stackset: StackSet) -> str:
    """The template every stack instance deploys. Its outputs are not exported: an instance's stack name
    is generated (StackSet-<name>-<uuid>), so an export name built from it could not be imported."""
    if stackset.home_region:
        role = serving_every_region(role, stackset.regions)
    return cloudformation.render(role, home_region=stackset.home_region, exports=False)


def in_region(part: Part, region: str) -> Part:
    """A part of a name as it resolves in `region`: the region itself, or a lookup's value there (the spec
    refuses StackSet regions a lookup's table lacks, so the value exists)."""
    if part is Pseudo.REGION:
        return region
    if isinstance(part, Lookup):
        return part.get(region)
    return part


def serving_every_region(role: Role, regions: tuple[str, ...]) -> Role:
    """The role created in the home region serves the tasks of every StackSet region, so each name that
    resolves in the deploying region (a log group, secret, repository...) is granted in each of them.
    Partition and account stay pseudo parameters; the regions are the spec's own list."""

    def expand(texts: tuple[Text, ...]) -> tuple[Text, ...]:
        out: dict[str, Text] = {}
        for text in texts:
            for region in regions if Pseudo.REGION in text.pseudos or text.lookups else (None,):
                one = text if region is None else Text.of(*(in_region(p, region) for p in text.parts))
                out.setdefault(one.key, one)
        return tuple(out.values())

    def conditions(items: tuple[Condition, ...]) -> tuple[Condition, ...]:
        return tuple(replace(c, values=expand(c.values)) for c in items)

    return repack(replace(
        role,
        statements=tuple(replace(s, resources=expand(s.resources), conditions=conditions(s.conditions))
                         for s in role.statements),
        trust_conditions=conditions(role.trust_conditions),
    ))


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


def _preferences(stackset: StackSet) -> dict:
    """Operation preferences in CloudFormation's spelling; unset percentages keep AWS's defaults."""
    preferences = {
        "RegionConcurrencyType": stackset.region_concurrency.upper(),
        "RegionOrder": list(stackset.regions),
        "MaxConcurrentPercentage": stackset.max_concurrent_percentage,
        "FailureTolerancePercentage": stackset.failure_tolerance_percentage,
    }
    return {k: v for k, v in preferences.items() if v is not None}


def _targets(stackset: StackSet) -> dict:
    if not stackset.service_managed:
        return {"Accounts": list(stackset.accounts)}
    targets = {"OrganizationalUnitIds": list(stackset.organizational_units)}
    if stackset.accounts:
        targets["Accounts"] = list(stackset.accounts)
        targets["AccountFilterType"] = stackset.account_filter.upper()
    return targets


def cloudformation_template(role: Role, stackset: StackSet, body: str) -> str:
    t = Template(Description=f"StackSet rolling out the {description(role)}")
    t.set_version()
    props: dict = {
        "StackSetName": name(role),
        "Description": description(role),
        "PermissionModel": stackset.permission_model.upper(),
        "Capabilities": CAPABILITIES,
        "TemplateBody": body,
        "OperationPreferences": OperationPreferences(**_preferences(stackset)),
        "StackInstancesGroup": [StackInstances(DeploymentTargets=DeploymentTargets(**_targets(stackset)),
                                               Regions=list(stackset.regions))],
    }
    if stackset.service_managed:
        auto = {"Enabled": stackset.auto_deployment}
        if stackset.auto_deployment:
            auto["RetainStacksOnAccountRemoval"] = stackset.retain_stacks_on_account_removal
        props["AutoDeployment"] = AutoDeployment(**auto)
        props["CallAs"] = _upper(stackset.call_as) or "SELF"
    else:
        props["AdministrationRoleARN"] = Sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{ADMINISTRATION_ROLE}")
        props["ExecutionRoleName"] = EXECUTION_ROLE
    t.add_resource(CfnStackSet(LOGICAL_ID, **props))
    return t.to_yaml()


def _terraform_string(text: str) -> str:
    """A literal for a Terraform JSON string, where `${` and `%{` would start a template."""
    return text.replace("${", "$${").replace("%{", "%%{")


def _snake(preferences: dict) -> dict:
    keys = {"RegionConcurrencyType": "region_concurrency_type", "RegionOrder": "region_order",
            "MaxConcurrentPercentage": "max_concurrent_percentage",
            "FailureTolerancePercentage": "failure_tolerance_percentage"}
    return {keys[k]: v for k, v in preferences.items()}


def _label(region: str) -> str:
    return region.replace("-", "_")


def terraform_module(role: Role, stackset: StackSet, body: str) -> str:
    """One stack set and one instance resource per region (chained with depends_on when sequential)."""
    preferences = _snake(_preferences(stackset))
    stack_set: dict = {
        "name": name(role),
        "description": description(role),
        "permission_model": stackset.permission_model.upper(),
        "capabilities": CAPABILITIES,
        "template_body": _terraform_string(body),
        "operation_preferences": [preferences],
    }
    call_as = {}
    if stackset.service_managed:
        auto = {"enabled": stackset.auto_deployment}
        if stackset.auto_deployment:
            auto["retain_stacks_on_account_removal"] = stackset.retain_stacks_on_account_removal
        stack_set["auto_deployment"] = [auto]
        call_as = {"call_as": _upper(stackset.call_as) or "SELF"}
        stack_set.update(call_as)
        # AWS fills in administration_role_arn for service-managed stack sets; without this, every plan shows a
        # diff (hashicorp/terraform-provider-aws#23464), and the argument conflicts with auto_deployment.
        stack_set["lifecycle"] = [{"ignore_changes": ["administration_role_arn"]}]
    else:
        # Spelled out: left unset, AWS reports the default and every plan shows a diff (terraform-provider-aws#27125).
        stack_set["administration_role_arn"] = ("arn:${data.aws_partition.current.partition}:iam::"
                                                f"${{data.aws_caller_identity.current.account_id}}:role/{ADMINISTRATION_ROLE}")
        stack_set["execution_role_name"] = EXECUTION_ROLE
    instances: dict = {}
    previous = None
    for region in stackset.regions:
        instance: dict = {"stack_set_name": "${aws_cloudformation_stack_set.this.name}", "region": region, **call_as}
        if stackset.service_managed:
            targets = {"organizational_unit_ids": list(stackset.organizational_units)}
            if stackset.accounts:
                targets["accounts"] = list(stackset.accounts)
                targets["account_filter_type"] = stackset.account_filter.upper()
            instance["deployment_targets"] = [targets]
        else:
            instance = {"for_each": "${toset(%s)}" % json.dumps(list(stackset.accounts)).replace(" ", ""),
                        "account_id": "${each.value}", **instance}
        percentages = {k: v for k, v in preferences.items() if k.endswith("_percentage")}
        if percentages:
            instance["operation_preferences"] = [percentages]
        if previous and stackset.region_concurrency == "sequential":
            instance["depends_on"] = [f"aws_cloudformation_stack_set_instance.{previous}"]
        instances[_label(region)] = instance
        previous = _label(region)
    document = {
        "//": f"StackSet for the {description(role)}. Do not edit.",
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}}},
        **({} if stackset.service_managed else
           {"data": {"aws_partition": {"current": {}}, "aws_caller_identity": {"current": {}}}}),
        "resource": {
            "aws_cloudformation_stack_set": {"this": stack_set},
            "aws_cloudformation_stack_set_instance": instances,
        },
        "output": {
            "stack_set_name": {"description": "Name of the StackSet", "value": "${aws_cloudformation_stack_set.this.name}"},
            "stack_set_id": {"description": "Id of the StackSet", "value": "${aws_cloudformation_stack_set.this.stack_set_id}"},
        },
    }
    return json.dumps(document, indent=2) + "\n"
