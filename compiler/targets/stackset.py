"""StackSet target: the role template wrapped in an AWS::CloudFormation::StackSet (CloudFormation) and in
aws_cloudformation_stack_set + aws_cloudformation_stack_set_instance (Terraform).

Both embed the same role template, rendered by the CloudFormation target from the role the
StackSet deploys (`role.rollout`; with `home_region`, names granted in every region by
passes/expand_regions.py), so the two rollouts create the same stacks.
"""

from __future__ import annotations

import json

from troposphere import Sub, Template
from troposphere.cloudformation import (
    AutoDeployment,
    DeploymentTargets,
    OperationPreferences,
    StackInstances,
    StackSet as CfnStackSet,
)

from ..aws.cloudformation import MAX_TEMPLATE_BODY_BYTES
from ..errors import Diagnostic, SpecError
from ..ir import Role
from ..spec.stackset import StackSet
from ..validate.cfnlint import STACKSET_HOME_REGION_CONFIG, STACKSET_MEMBER_CONFIG
from . import File, cloudformation
from .terraform import Expr, dumps, ref, settings

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


def paths(role_id: str) -> tuple[str, str]:
    """The StackSet's CloudFormation template, and its Terraform module (a folder of its own, so that
    each is a usable module: Terraform loads every *.tf.json of a folder as one)."""
    return f"stacksets/{role_id}.yaml", f"stacksets/{role_id}/main.tf.json"


def files(role: Role) -> list[File]:
    if role.rollout is None:
        return []
    body = role_template(role)
    check_template_body(role, body)
    lint = (STACKSET_HOME_REGION_CONFIG if role.home_region else STACKSET_MEMBER_CONFIG).name
    cfn_path, tf_path = paths(role.id)
    return [File(cfn_path, cloudformation_template(role, role.rollout, body), cfn_lint=cloudformation.LINT_CONFIG,
                 embedded=((lint, body),)),
            File(tf_path, terraform_module(role, role.rollout, body), terraform_module=True)]


def role_template(role: Role) -> str:
    """The template every stack instance deploys (the CloudFormation target's, for the deployed role)."""
    return cloudformation.render(role)


def check_template_body(role: Role, body: str) -> None:
    """CloudFormation refuses a StackSet TemplateBody over 51,200 bytes; say so before anything is written."""
    size = len(body.encode())
    if size > MAX_TEMPLATE_BODY_BYTES:
        line, col = role.anchor("stackset")
        raise SpecError([Diagnostic(role.spec_path, line, col, (
            f"stackset: the role template is {size:,} bytes, over the {MAX_TEMPLATE_BODY_BYTES:,} bytes CloudFormation "
            "accepts as a StackSet's TemplateBody; split the role's resources across specs or list fewer of them"))])


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
        "template_body": body,
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
        stack_set["administration_role_arn"] = Expr("arn:${data.aws_partition.current.partition}:iam::"
                                                    f"${{data.aws_caller_identity.current.account_id}}:role/{ADMINISTRATION_ROLE}")
        stack_set["execution_role_name"] = EXECUTION_ROLE
    instances: dict = {}
    previous = None
    for region in stackset.regions:
        instance: dict = {"stack_set_name": ref("aws_cloudformation_stack_set.this.name"), "region": region, **call_as}
        if stackset.service_managed:
            targets = {"organizational_unit_ids": list(stackset.organizational_units)}
            if stackset.accounts:
                targets["accounts"] = list(stackset.accounts)
                targets["account_filter_type"] = stackset.account_filter.upper()
            instance["deployment_targets"] = [targets]
        else:
            instance = {"for_each": ref("toset(%s)" % json.dumps(list(stackset.accounts)).replace(" ", "")),
                        "account_id": ref("each.value"), **instance}
        percentages = {k: v for k, v in preferences.items() if k.endswith("_percentage")}
        if percentages:
            instance["operation_preferences"] = [percentages]
        if previous and stackset.region_concurrency == "sequential":
            instance["depends_on"] = [f"aws_cloudformation_stack_set_instance.{previous}"]
        instances[_label(region)] = instance
        previous = _label(region)
    document = {
        "//": f"StackSet for the {description(role)}. Do not edit.",
        "terraform": settings(),
        **({} if stackset.service_managed else
           {"data": {"aws_partition": {"current": {}}, "aws_caller_identity": {"current": {}}}}),
        "resource": {
            "aws_cloudformation_stack_set": {"this": stack_set},
            "aws_cloudformation_stack_set_instance": instances,
        },
        "output": {
            "stack_set_name": {"description": "Name of the StackSet", "value": ref("aws_cloudformation_stack_set.this.name")},
            "stack_set_id": {"description": "Id of the StackSet", "value": ref("aws_cloudformation_stack_set.this.stack_set_id")},
        },
    }
    return dumps(document)
