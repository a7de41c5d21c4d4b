"""Terraform target: a module in Terraform's JSON syntax.

Policies are `aws_iam_policy_document` data sources, so terraform validates their
structure and the provider normalises the JSON (no perpetual policy diffs).
"""

from __future__ import annotations

import json
import re

from ..aws.lookups import LOOKUPS
from ..ir import TRUST_PRINCIPAL, Condition, PolicyDocument, Role, Statement
from ..text import Lookup, Pseudo, Text, with_region

PROVIDER_CONSTRAINT = ">= 5.0"
_DATA = {
    Pseudo.PARTITION: ("aws_partition", "partition"),
    Pseudo.REGION: ("aws_region", "name"),
    Pseudo.ACCOUNT: ("aws_caller_identity", "account_id"),
}


def value(text: Text) -> str:
    """A Terraform string template; literal `${` and `%{` are escaped; a lookup indexes its local map by the region."""
    return text.render(
        lambda p: "${%s[%s]}" % (_local(p), _REGION) if isinstance(p, Lookup) else "${data.%s.current.%s}" % _DATA[p],
        lambda s: s.replace("${", "$${").replace("%{", "%%{"),
    )


_REGION = "data.%s.current.%s" % _DATA[Pseudo.REGION]


def local_name(lookup: Lookup) -> str:
    """The Terraform local holding a lookup's table: `guard_duty_agent_account` for GuardDutyAgentAccount."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", lookup.name).lower()


def _local(lookup: Lookup) -> str:
    return f"local.{local_name(lookup)}"


_LOOKUP_TOKEN = re.compile(r"\$\{local\.([a-z0-9_]+)\[" + re.escape(_REGION) + r"\]\}")


def lookup_key(token: str) -> str | None:
    """The `Text.key` form (`${GuardDutyAgentAccount}`) of a lookup interpolation `value` writes, else None."""
    match = _LOOKUP_TOKEN.fullmatch(token)
    found = [lookup for lookup in LOOKUPS.values() if match and local_name(lookup) == match.group(1)]
    return "${" + found[0].name + "}" if found else None


def _lookup_locals(role: Role) -> dict:
    """Each lookup's table as a local map from region to value."""
    return {local_name(lookup): dict(lookup.table) for lookup in role.lookups}


def _deploy_preconditions(role: Role) -> list[dict]:
    """Stop `plan` with a clear message in a region a lookup's table does not have, or in an account
    other than one the spec's resources must be in."""
    account = "data.%s.current.%s" % _DATA[Pseudo.ACCOUNT]
    return [*({"condition": "${contains(keys(%s), %s)}" % (_local(lookup), _REGION), "error_message": lookup.missing}
              for lookup in role.lookups),
            *({"condition": '${%s == "%s"}' % (account, check.account), "error_message": check.message}
              for check in role.account_checks)]


def _conditions(conditions: tuple[Condition, ...]) -> list[dict]:
    return [{"test": c.operator, "variable": c.key, "values": [value(v) for v in c.values]} for c in conditions]


def _pseudos(role: Role) -> set[Pseudo]:
    texts = [*role.managed_policies, *(v for c in role.trust_conditions for v in c.values)]
    if role.permissions_boundary:
        texts.append(role.permissions_boundary)
    if role.name:
        texts.append(with_region(role.name))
    for s in role.statements:
        texts.extend(s.resources)
        texts.extend(v for c in s.conditions for v in c.values)
    return ({p for t in texts for p in t.pseudos} | ({Pseudo.REGION} if role.lookups else set())
            | ({Pseudo.ACCOUNT} if role.account_checks else set()))


def _execution_document(role: Role) -> dict:
    return _document(role.statements)


def _document(statements_: tuple[Statement, ...]) -> dict:
    statements = []
    for s in statements_:
        statement = {"sid": s.sid, "effect": "Allow", "actions": list(s.actions),
                     "resources": [value(r) for r in s.resources]}
        if s.conditions:
            statement["condition"] = _conditions(s.conditions)
        statements.append(statement)
    return {"statement": statements}


def _documents(role: Role) -> list[tuple[str, PolicyDocument]]:
    """Terraform names of the role's permissions policies: `execution`, then `execution_1`... for spilled ones."""
    names = iter(["execution", *(f"execution_{i}" for i in range(1, len(role.documents)))])
    return [(next(names), d) for d in role.documents]


def module(role: Role) -> dict:
    if role.existing:
        return existing_role_module(role)
    data: dict = {}
    for pseudo in Pseudo:
        if pseudo in _pseudos(role):
            data.setdefault(_DATA[pseudo][0], {"current": {}})
    trust = {"sid": "EcsTasksAssumeRole", "effect": "Allow", "actions": ["sts:AssumeRole"],
             "principals": [{"type": "Service", "identifiers": [TRUST_PRINCIPAL]}]}
    if role.trust_conditions:
        trust["condition"] = _conditions(role.trust_conditions)
    documents = {"trust": {"statement": [trust]}}
    for name, document in _documents(role):
        documents[name] = _document(document.statements)
    data["aws_iam_policy_document"] = documents

    iam_role: dict = {}
    if role.name:
        iam_role["name"] = value(with_region(role.name))
    iam_role["path"] = role.path
    if role.description:
        iam_role["description"] = role.description
    iam_role["assume_role_policy"] = "${data.aws_iam_policy_document.trust.json}"
    if role.permissions_boundary:
        iam_role["permissions_boundary"] = value(role.permissions_boundary)
    if role.max_session_duration:
        iam_role["max_session_duration"] = role.max_session_duration
    if role.tags:
        iam_role["tags"] = dict(role.tags)
    if _deploy_preconditions(role):
        iam_role["lifecycle"] = [{"precondition": _deploy_preconditions(role)}]
    resources: dict = {"aws_iam_role": {"this": iam_role}}
    for name, document in _documents(role):
        if not document.managed:
            resources.setdefault("aws_iam_role_policy", {})[name] = {
                "name": document.name,
                "role": "${aws_iam_role.this.id}",
                "policy": f"${{data.aws_iam_policy_document.{name}.json}}",
            }
        else:
            resources.setdefault("aws_iam_policy", {})[name] = {
                "name_prefix": f"{document.name}-",
                "path": role.path,
                "description": f"{document.name}: statements of '{role.id}' beyond IAM's inline policy size limit",
                "policy": f"${{data.aws_iam_policy_document.{name}.json}}",
            }
    attachments = {
        f"managed_{i}" if i else "managed": {"role": "${aws_iam_role.this.name}", "policy_arn": value(arn)}
        for i, arn in enumerate(role.managed_policies)
    }
    attachments.update({
        name: {"role": "${aws_iam_role.this.name}", "policy_arn": f"${{aws_iam_policy.{name}.arn}}"}
        for name, document in _documents(role) if document.managed
    })
    if attachments:
        resources["aws_iam_role_policy_attachment"] = attachments
    return _module_document(f"ECS task execution role '{role.id}', compiled by rolec from {role.id}.yaml. Do not edit.",
                            data, resources, "aws_iam_role.this", _lookup_locals(role))


def _existing_role_lifecycle(role: Role) -> dict:
    """Checks `plan` makes before anything changes: a role ARN must be in the deploying partition
    and account (IAM cannot attach a policy to a role in another account), and the role found by
    name must have the path the spec implies (so `role_arn` means the same as CloudFormation's)."""
    existing = role.existing
    lifecycle: dict = {}
    if existing.arn:
        lifecycle.setdefault("precondition", []).append({
            "condition": '${data.aws_caller_identity.current.account_id == "%s" && '
                         'data.aws_partition.current.partition == "%s"}' % (existing.account, existing.partition),
            "error_message": f"role.existing is {existing.arn}: apply this module with a provider for account "
                             f"{existing.account} in partition {existing.partition}; IAM cannot attach a policy "
                             "to a role in another account.",
        })
    if _deploy_preconditions(role):
        lifecycle.setdefault("precondition", []).extend(_deploy_preconditions(role))
    given = existing.arn or existing.name
    lifecycle["postcondition"] = [{
        "condition": '${self.path == "%s"}' % existing.path,
        "error_message": f"role.existing is {given}, a role at path {existing.path}, but the role named "
                         f"{existing.name} has another path; give role.existing as the role's ARN.",
    }]
    return lifecycle


def existing_role_module(role: Role) -> dict:
    """Policies on a role the module does not own: the role is a data source (so `plan` fails
    clearly when it is missing), and `destroy` removes only what the module added."""
    existing = role.existing
    data: dict = {}
    needed = _pseudos(role) | ({Pseudo.PARTITION, Pseudo.ACCOUNT} if existing.arn else set())
    for pseudo in Pseudo:
        if pseudo in needed:
            data.setdefault(_DATA[pseudo][0], {"current": {}})
    data["aws_iam_role"] = {"this": {"name": existing.name, "lifecycle": [_existing_role_lifecycle(role)]}}
    resources: dict = {}
    if role.statements:
        data["aws_iam_policy_document"] = {"execution": _execution_document(role)}
        resources["aws_iam_role_policy"] = {"execution": {
            "name": role.policy_name,
            "role": "${data.aws_iam_role.this.name}",
            "policy": "${data.aws_iam_policy_document.execution.json}",
        }}
    if role.managed_policies:
        resources["aws_iam_role_policy_attachment"] = {
            f"managed_{i}" if i else "managed": {"role": "${data.aws_iam_role.this.name}", "policy_arn": value(arn)}
            for i, arn in enumerate(role.managed_policies)
        }
    return _module_document(f"Permissions for the existing ECS task execution role '{existing.name}', compiled by "
                            f"rolec from {role.id}.yaml. Do not edit.", data, resources, "data.aws_iam_role.this",
                            _lookup_locals(role))


def _module_document(comment: str, data: dict, resources: dict, role_ref: str, locals_: dict) -> dict:
    """The module's top level; `role_ref` is the role the outputs name (created or looked up)."""
    return {
        "//": comment,
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}}},
        **({"locals": locals_} if locals_ else {}),
        "data": data,
        "resource": resources,
        "output": {
            "role_arn": {"description": "ARN of the execution role (task definition execution_role_arn)",
                         "value": f"${{{role_ref}.arn}}"},
            "role_name": {"description": "Name of the execution role", "value": f"${{{role_ref}.name}}"},
        },
    }


def render(role: Role) -> str:
    return json.dumps(module(role), indent=2) + "\n"
