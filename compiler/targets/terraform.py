"""Terraform target: a module in Terraform's JSON syntax.

Policies are `aws_iam_policy_document` data sources, so terraform validates their
structure and the provider normalises the JSON (no perpetual policy diffs).

Terraform reads every JSON string as a template. Every string here is a plain `str`,
which `dumps` escapes (`${` → `$${`, `%{` → `%%{`, the one function `escape`), unless
it is an `Expr`: an interpolation rolec writes on purpose, whose literal parts were
escaped when it was built. A spec value therefore always reaches AWS as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..aws.iam import ECS_TASKS_PRINCIPAL
from ..ir import Role, Statement
from ..policy import PolicyWriter
from ..text import Lookup, Pseudo, Text, with_region
from . import File

REQUIRED_VERSION = ">= 1.2.0"
"""Preconditions and postconditions (existing roles) need Terraform 1.2."""
PROVIDER_CONSTRAINT = ">= 5.0"
"""The aws_region data source's `region` attribute, which 6.0 introduces in place of the deprecated `name`,
does not exist in 5.x (5.100.0's schema has description, endpoint, id and name): `name` is the one
attribute both major versions read, until rolec can require 6.0 and validate against it."""
DATA = {
    Pseudo.PARTITION: ("aws_partition", "partition"),
    Pseudo.REGION: ("aws_region", "name"),
    Pseudo.ACCOUNT: ("aws_caller_identity", "account_id"),
}
"""The data source and attribute each pseudo parameter is read from."""


@dataclass(frozen=True)
class Expr:
    """A Terraform template rolec writes on purpose (a reference, a function call): written as is."""

    text: str


def ref(expression: str) -> Expr:
    return Expr("${" + expression + "}")


def escape(text: str) -> str:
    """A literal for a Terraform JSON string, where `${` and `%{` would start a template."""
    return text.replace("${", "$${").replace("%{", "%%{")


def hcl_string(text: str) -> str:
    """`text` as an HCL quoted string inside an interpolation (itself a template, hence `escape`)."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escape(quoted)}"'


def _literal(node):
    if isinstance(node, Expr):
        return node.text
    if isinstance(node, str):
        return escape(node)
    if isinstance(node, dict):
        return {escape(key): _literal(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [_literal(value) for value in node]
    return node


def dumps(document: dict) -> str:
    """The module's JSON text: every plain string escaped, every `Expr` kept."""
    return json.dumps(_literal(document), indent=2) + "\n"


def value(text: Text) -> str | Expr:
    """A literal string, or a template reading the pseudo parameters from data sources (a lookup indexes
    its local map by the deploying region)."""
    if not text.deployed:
        return text.key
    return Expr(text.render(lambda p: "${%s[%s]}" % (local(p), REGION) if isinstance(p, Lookup)
                            else "${data.%s.current.%s}" % DATA[p], escape))


REGION = "data.%s.current.%s" % DATA[Pseudo.REGION]


def local_name(lookup: Lookup) -> str:
    """The Terraform local holding a lookup's table: `guard_duty_agent_account` for GuardDutyAgentAccount."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", lookup.name).lower()


def local(lookup: Lookup) -> str:
    return "local." + local_name(lookup)


def lookup_locals(role: Role) -> dict:
    """Each lookup's table as a local map from region to value."""
    return {local_name(lookup): dict(lookup.table) for lookup in role.lookups}


def deploy_preconditions(role: Role) -> list[dict]:
    """Stop `plan` with a clear message in a region a lookup's table does not have, or in an account
    other than one the spec's resources must be in."""
    account = "data.%s.current.%s" % DATA[Pseudo.ACCOUNT]
    return [*({"condition": ref("contains(keys(%s), %s)" % (local(lookup), REGION)), "error_message": lookup.missing}
              for lookup in role.lookups),
            *({"condition": ref(f"{account} == {hcl_string(check.account)}"), "error_message": check.message}
              for check in role.account_checks)]


class TerraformPolicy(PolicyWriter):
    """The statements of an `aws_iam_policy_document` data source."""

    names = {"sid": "sid", "effect": "effect", "actions": "actions", "resources": "resources", "conditions": "condition"}

    def conditions(self, conditions) -> list[dict]:
        return [{"test": c.operator, "variable": c.key, "values": self.values(c.values)} for c in conditions]

    def document(self, statements: tuple[Statement, ...]) -> dict:
        return {"statement": [self.statement(s) for s in statements]}


POLICY = TerraformPolicy(value)


def path(role_id: str) -> str:
    return f"terraform/{role_id}/main.tf.json"


def files(role: Role) -> list[File]:
    return [] if role.rollout else [File(path(role.id), render(role), terraform_module=True)]


def _data_sources(role: Role, extra: frozenset[Pseudo] = frozenset()) -> dict:
    used = ({p for text, _ in role.texts() for p in text.pseudos} | extra
            | ({Pseudo.REGION} if role.lookups else set()) | ({Pseudo.ACCOUNT} if role.account_checks else set()))
    return {DATA[p][0]: {"current": {}} for p in Pseudo if p in used}


def _documents(role: Role) -> list[tuple[str, object]]:
    """Terraform names of the role's permissions policies: `execution`, then `execution_1`... for spilled ones."""
    names = iter(["execution", *(f"execution_{i}" for i in range(1, len(role.documents)))])
    return [(next(names), d) for d in role.documents]


def variables(role: Role) -> dict:
    """What a calling module may set without changing what the role may do."""
    declared = {"extra_tags": {"description": "Tags added to the role (a tag the spec sets keeps the spec's value)",
                               "type": "map(string)", "default": {}}}
    if not role.name:
        declared["name_prefix"] = {"description": "Prefix of the role's generated name (null: Terraform's own, "
                                                  "terraform-...); the spec's role.name, when set, is used as is",
                                   "type": "string", "default": None}
    return declared


def module(role: Role) -> dict:
    if role.existing:
        return existing_role_module(role)
    data = _data_sources(role)
    trust = {"sid": "EcsTasksAssumeRole", "effect": "Allow", "actions": ["sts:AssumeRole"],
             "principals": [{"type": "Service", "identifiers": [ECS_TASKS_PRINCIPAL]}]}
    if role.trust_conditions:
        trust["condition"] = POLICY.conditions(role.trust_conditions)
    documents = {"trust": {"statement": [trust]}}
    for name, document in _documents(role):
        documents[name] = POLICY.document(document.statements)
    data["aws_iam_policy_document"] = documents

    iam_role: dict = {}
    if role.name:
        iam_role["name"] = value(with_region(role.name))
    else:
        iam_role["name_prefix"] = ref("var.name_prefix")
    iam_role["path"] = role.path
    if role.description:
        iam_role["description"] = role.description
    iam_role["assume_role_policy"] = ref("data.aws_iam_policy_document.trust.json")
    if role.permissions_boundary:
        iam_role["permissions_boundary"] = value(role.permissions_boundary)
    if role.max_session_duration:
        iam_role["max_session_duration"] = role.max_session_duration
    iam_role["tags"] = ref("merge(var.extra_tags, local.tags)") if role.tags else ref("var.extra_tags")
    if deploy_preconditions(role):
        iam_role["lifecycle"] = [{"precondition": deploy_preconditions(role)}]
    resources: dict = {"aws_iam_role": {"this": iam_role}}
    for name, document in _documents(role):
        if not document.managed:
            resources.setdefault("aws_iam_role_policy", {})[name] = {
                "name": document.name,
                "role": ref("aws_iam_role.this.id"),
                "policy": ref(f"data.aws_iam_policy_document.{name}.json"),
            }
        else:
            resources.setdefault("aws_iam_policy", {})[name] = {
                "name_prefix": f"{document.name}-",
                "path": role.path,
                "description": f"{document.name}: statements of '{role.id}' beyond IAM's inline policy size limit",
                "policy": ref(f"data.aws_iam_policy_document.{name}.json"),
            }
    attachments = {
        f"managed_{i}" if i else "managed": {"role": ref("aws_iam_role.this.name"), "policy_arn": value(arn)}
        for i, arn in enumerate(role.managed_policies)
    }
    attachments.update({
        name: {"role": ref("aws_iam_role.this.name"), "policy_arn": ref(f"aws_iam_policy.{name}.arn")}
        for name, document in _documents(role) if document.managed
    })
    if attachments:
        resources["aws_iam_role_policy_attachment"] = attachments
    return _module_document(f"ECS task execution role '{role.id}', compiled by rolec from {role.id}.yaml. Do not edit.",
                            data, resources, "aws_iam_role.this", variables(role),
                            {**({"tags": dict(role.tags)} if role.tags else {}), **lookup_locals(role)})


def _existing_role_lifecycle(role: Role) -> dict:
    """Checks `plan` makes before anything changes: a role ARN must be in the deploying partition
    and account (IAM cannot attach a policy to a role in another account), and the role found by
    name must have the path the spec implies (so `role_arn` means the same as CloudFormation's)."""
    existing = role.existing
    lifecycle: dict = {}
    if existing.arn:
        lifecycle.setdefault("precondition", []).append({
            "condition": ref(f"data.aws_caller_identity.current.account_id == {hcl_string(existing.account)} && "
                             f"data.aws_partition.current.partition == {hcl_string(existing.partition)}"),
            "error_message": f"role.existing is {existing.arn}: apply this module with a provider for account "
                             f"{existing.account} in partition {existing.partition}; IAM cannot attach a policy "
                             "to a role in another account.",
        })
    if deploy_preconditions(role):
        lifecycle.setdefault("precondition", []).extend(deploy_preconditions(role))
    given = existing.arn or existing.name
    lifecycle["postcondition"] = [{
        "condition": ref(f"self.path == {hcl_string(existing.path)}"),
        "error_message": f"role.existing is {given}, a role at path {existing.path}, but the role named "
                         f"{existing.name} has another path; give role.existing as the role's ARN.",
    }]
    return lifecycle


def existing_role_module(role: Role) -> dict:
    """Policies on a role the module does not own: the role is a data source (so `plan` fails
    clearly when it is missing), and `destroy` removes only what the module added."""
    existing = role.existing
    data = _data_sources(role, frozenset({Pseudo.PARTITION, Pseudo.ACCOUNT}) if existing.arn else frozenset())
    data["aws_iam_role"] = {"this": {"name": existing.name, "lifecycle": [_existing_role_lifecycle(role)]}}
    resources: dict = {}
    if role.statements:
        data["aws_iam_policy_document"] = {"execution": POLICY.document(role.statements)}
        resources["aws_iam_role_policy"] = {"execution": {
            "name": role.policy_name,
            "role": ref("data.aws_iam_role.this.name"),
            "policy": ref("data.aws_iam_policy_document.execution.json"),
        }}
    if role.managed_policies:
        resources["aws_iam_role_policy_attachment"] = {
            f"managed_{i}" if i else "managed": {"role": ref("data.aws_iam_role.this.name"), "policy_arn": value(arn)}
            for i, arn in enumerate(role.managed_policies)
        }
    return _module_document(f"Permissions for the existing ECS task execution role '{existing.name}', compiled by "
                            f"rolec from {role.id}.yaml. Do not edit.", data, resources, "data.aws_iam_role.this",
                            local_values=lookup_locals(role))


def settings() -> dict:
    """The `terraform` block every rolec module starts with."""
    return {"required_version": REQUIRED_VERSION,
            "required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}}}


def _module_document(comment: str, data: dict, resources: dict, role_ref: str,
                     declared: dict | None = None, local_values: dict | None = None) -> dict:
    """The module's top level; `role_ref` is the role the outputs name (created or looked up)."""
    document: dict = {"//": comment, "terraform": settings()}
    if declared:
        document["variable"] = declared
    if local_values:
        document["locals"] = local_values
    document.update({
        "data": data,
        "resource": resources,
        "output": {
            "role_arn": {"description": "ARN of the execution role (task definition execution_role_arn)",
                         "value": ref(f"{role_ref}.arn")},
            "role_name": {"description": "Name of the execution role", "value": ref(f"{role_ref}.name")},
        },
    })
    return document


def render(role: Role) -> str:
    return dumps(module(role))
