"""Turn rolec's rendered outputs into the plain IAM JSON a concrete deployment would get.

For one deployment (partition, region, account) each target is read the way its
engine reads it:

* CloudFormation: the YAML template is parsed with cfn-lint's decoder (short-form
  intrinsics included), the single AWS::IAM::Role is found, and `Ref`/`Fn::Sub`
  of the pseudo parameters are resolved (`${!Literal}` is CloudFormation's escape
  for a literal `${Literal}`).
* Terraform: the JSON module's `aws_iam_policy_document` data sources are turned
  into IAM JSON as the provider does (statement/condition/principals blocks), the
  three data sources rolec uses are substituted, and `$${`/`%%{` are un-escaped.
  The role's assume_role_policy, its aws_iam_role_policy and its
  aws_iam_role_policy_attachment resources are followed by reference.

A spec with `role.existing` owns no role: the CloudFormation template attaches an
AWS::IAM::ManagedPolicy to the role by name, and the Terraform module reads the role
with `data "aws_iam_role"`. Their statements count as the role's permissions; there
is no trust policy (`trust` is None) and `existing_role` names the role. The
deploy-time guards are evaluated for the deployment: a failing CloudFormation Rule
assertion or Terraform precondition raises `Refused` (postconditions, which look at
the live role, are not).

Anything that would stay unresolved in a real deployment raises `Unresolved`,
including any `${` left in the final documents (IAM would read it as a policy
variable, which rolec never means to emit).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cfnlint.decode import decode_str

TARGETS = ("cloudformation", "terraform")


class Unresolved(ValueError):
    """Something in an output cannot be resolved for a concrete deployment."""


class Refused(Exception):
    """The deployment stops before changing anything: a CloudFormation Rule or Terraform precondition fails."""


@dataclass(frozen=True)
class Deployment:
    partition: str
    region: str
    account: str

    @property
    def url_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region is None else region}:"
                f"{self.account if account is None else account}:{resource}")


AWS = Deployment("aws", "us-east-1", "123456789012")
AWS_CN = Deployment("aws-cn", "cn-north-1", "123456789012")
DEPLOYMENTS = (AWS, AWS_CN)


@dataclass(frozen=True)
class Policies:
    trust: dict | None
    """None when the output does not own the role (`role.existing`)."""
    permissions: dict
    """The role's inline permissions policy and the statements of customer managed policies the output
    attaches; `{"Version": ..., "Statement": []}` when it has none."""
    managed_policy_arns: tuple[str, ...]
    existing_role: str | None = None
    """The name of the existing role the output adds permissions to, if it owns none."""
    documents: tuple[tuple[str, dict], ...] = ()
    """Each permissions policy as deployed, ("inline" | "managed", IAM JSON): `permissions` is their union."""


EMPTY_POLICY = {"Version": "2012-10-17", "Statement": []}


def _plain(value: Any) -> Any:
    """cfn-lint's node classes -> plain dict/list/str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def check_resolved(document: Any, where: str) -> None:
    """Raise if any string in `document` still holds `${`."""
    if isinstance(document, dict):
        for k, v in document.items():
            check_resolved(k, where)
            check_resolved(v, where)
    elif isinstance(document, list):
        for v in document:
            check_resolved(v, where)
    elif isinstance(document, str) and "${" in document:
        raise Unresolved(f"unresolved '${{' in {where}: {document!r}")


# --------------------------------------------------------------------------- #
# CloudFormation


def _pseudo(deployment: Deployment) -> dict[str, str]:
    return {
        "AWS::Partition": deployment.partition,
        "AWS::Region": deployment.region,
        "AWS::AccountId": deployment.account,
        "AWS::URLSuffix": deployment.url_suffix,
    }


_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def resolve_sub(template: str, variables: dict[str, str]) -> str:
    """CloudFormation Fn::Sub: `${Name}` from `variables`, `${!Literal}` -> `${Literal}`."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name not in variables:
            raise Unresolved(f"Fn::Sub variable ${{{name}}} cannot be resolved in {template!r}")
        return variables[name]
    return _SUB_VAR.sub(replace, template)


def resolve_cfn(value: Any, deployment: Deployment, mappings: dict | None = None) -> Any:
    """Ref, Fn::Sub, Fn::Join and Fn::FindInMap (over the template's `mappings`) for one deployment."""
    pseudo = _pseudo(deployment)
    if isinstance(value, list):
        return [resolve_cfn(v, deployment, mappings) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                if arg not in pseudo:
                    raise Unresolved(f"Ref to {arg!r} cannot be resolved to a literal in an IAM policy")
                return pseudo[arg]
            if fn == "Fn::Sub":
                if isinstance(arg, str):
                    return resolve_sub(arg, pseudo)
                template, extra = arg
                variables = dict(pseudo)
                variables.update({k: resolve_cfn(v, deployment, mappings) for k, v in extra.items()})
                return resolve_sub(template, variables)
            if fn == "Fn::Join":
                delimiter, items = arg
                return delimiter.join(resolve_cfn(items, deployment, mappings))
            if fn == "Fn::FindInMap":
                name, first, second = (resolve_cfn(a, deployment, mappings) for a in arg)
                try:
                    return (mappings or {})[name][first][second]
                except KeyError:
                    raise Unresolved(f"Fn::FindInMap {name}.{first}.{second} is not in the template's Mappings") from None
            if fn.startswith("Fn::") or fn == "Condition":
                raise Unresolved(f"intrinsic {fn} is not resolvable in a policy: {value!r}")
        return {k: resolve_cfn(v, deployment, mappings) for k, v in value.items()}
    return value


def _rule_value(expr: Any, deployment: Deployment) -> Any:
    """A Rules-section expression built from Fn::Equals/And/Or/Not over literals and pseudo parameters."""
    if isinstance(expr, dict) and len(expr) == 1:
        (fn, arg), = expr.items()
        if fn == "Fn::Equals":
            left, right = (_rule_value(a, deployment) for a in arg)
            return left == right
        if fn in ("Fn::And", "Fn::Or"):
            values = [_rule_value(a, deployment) for a in arg]
            return all(values) if fn == "Fn::And" else any(values)
        if fn == "Fn::Not":
            return not _rule_value(arg[0], deployment)
        if fn == "Ref":
            return resolve_cfn(expr, deployment)
        raise Unresolved(f"rule function {fn} is not modelled: {expr!r}")
    if isinstance(expr, str):
        return expr
    raise Unresolved(f"rule expression not modelled: {expr!r}")


def check_rules(template: dict, deployment: Deployment) -> None:
    """Raise `Refused` with the AssertDescription of the first failing assertion."""
    for name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule:
            raise Unresolved(f"Rule {name}: RuleCondition is not modelled")
        for assertion in rule["Assertions"]:
            if not _rule_value(assertion["Assert"], deployment):
                raise Refused(f"Rule {name}: {assertion.get('AssertDescription', 'assertion failed')}")


def from_cloudformation(text: str, deployment: Deployment) -> Policies:
    template, matches = decode_str(text)
    if matches:
        raise Unresolved(f"the template does not parse: {matches}")
    template = _plain(template)
    check_rules(template, deployment)
    mappings = template.get("Mappings", {})
    resources = template.get("Resources", {})
    roles = {name: r for name, r in resources.items() if r.get("Type") == "AWS::IAM::Role"}
    attached = {name: r for name, r in resources.items() if r.get("Type") == "AWS::IAM::ManagedPolicy"}
    others = {name: r["Type"] for name, r in resources.items()
              if r.get("Type", "").startswith("AWS::IAM::") and name not in roles and name not in attached}
    if others:
        raise Unresolved(f"IAM resources besides the role and its managed policies are not modelled: {others}")
    if len(roles) == 1:
        (name, role), = roles.items()
        props = role.get("Properties", {})
        trust = resolve_cfn(props["AssumeRolePolicyDocument"], deployment)
        role_refs, existing = [{"Ref": name}], None
    elif not roles and attached:
        names = {r for policy in attached.values() for r in policy.get("Properties", {}).get("Roles", [])}
        if len(names) != 1 or not all(isinstance(n, str) for n in names):
            raise Unresolved(f"expected managed policies attached to one existing role by name, got {sorted(map(str, names))}")
        name = existing = next(iter(names))
        props, trust, role_refs = {}, None, [existing]
    else:
        raise Unresolved(f"expected exactly one AWS::IAM::Role, got {sorted(roles)}")
    statements = []
    version = "2012-10-17"
    documents = [("inline", p) for p in props.get("Policies", [])]
    for policy_name, policy in attached.items():
        policy_props = policy.get("Properties", {})
        if policy_props.get("Users") or policy_props.get("Groups") or policy_props.get("Roles") != role_refs:
            raise Unresolved(f"AWS::IAM::ManagedPolicy {policy_name} is not attached to the role alone")
        documents.append(("managed", policy_props))
    rendered = []
    for kind, policy in documents:
        document = resolve_cfn(policy["PolicyDocument"], deployment, mappings)
        rendered.append((kind, document))
        version = document.get("Version", version)
        body = document.get("Statement", [])
        statements.extend([body] if isinstance(body, dict) else body)
    permissions = {"Version": version, "Statement": statements}
    managed = tuple(resolve_cfn(props.get("ManagedPolicyArns", []), deployment))
    result = Policies(trust, permissions, managed, existing, tuple(rendered))
    check_resolved([trust, permissions, list(managed)], f"CloudFormation role {name}")
    return result


# --------------------------------------------------------------------------- #
# Terraform


_TF_DATA = {
    "data.aws_partition.current.partition": ("aws_partition", "current", lambda d: d.partition),
    "data.aws_region.current.name": ("aws_region", "current", lambda d: d.region),
    "data.aws_region.current.region": ("aws_region", "current", lambda d: d.region),
    "data.aws_caller_identity.current.account_id": ("aws_caller_identity", "current", lambda d: d.account),
}
_TF_TEMPLATE = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{([^}]*)\}")
_TF_LOOKUP = re.compile(r"local\.([a-z0-9_]+)\[(data\.aws_region\.current\.(?:name|region))\]")
LOCALS = "locals"
"""The key under which `from_terraform` adds the module's locals to its data sources (no data source type has it)."""


def _tf_lookup(expr: str, deployment: Deployment, data: dict) -> str | None:
    """`local.MAP[data.aws_region.current.name]`: the module's local map indexed by the region, or None."""
    match = _TF_LOOKUP.fullmatch(expr)
    if not match:
        return None
    resolve_tf_string("${%s}" % match.group(2), deployment, data)  # the data source must be declared
    table = data.get(LOCALS, {}).get(match.group(1))
    if table is None:
        raise Unresolved(f"local.{match.group(1)} is not declared")
    if deployment.region not in table:
        raise Unresolved(f"local.{match.group(1)} has no key {deployment.region}: terraform fails with Invalid index")
    return table[deployment.region]


def resolve_tf_string(text: str, deployment: Deployment, data: dict) -> str:
    """A Terraform string template with only rolec's three data source references (and its lookups, local maps
    indexed by the region) in it."""
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        if match.group(2) is not None:
            raise Unresolved(f"template directive {token!r} in {text!r}")
        expr = match.group(1).strip()
        looked_up = _tf_lookup(expr, deployment, data)
        if looked_up is not None:
            return looked_up
        if expr not in _TF_DATA:
            raise Unresolved(f"Terraform reference ${{{expr}}} cannot be resolved in {text!r}")
        kind, name, get = _TF_DATA[expr]
        if name not in data.get(kind, {}):
            raise Unresolved(f"{text!r} refers to data.{kind}.{name}, which the module does not declare")
        return get(deployment)
    return _TF_TEMPLATE.sub(replace, text)


def _blocks(value: Any) -> list[dict]:
    if value is None:
        return []
    return [value] if isinstance(value, dict) else list(value)


def _strings(value: Any, deployment: Deployment, data: dict) -> list[str]:
    if isinstance(value, str):
        raise Unresolved(f"expected a list of strings, got the string {value!r}")
    return [resolve_tf_string(v, deployment, data) for v in value]


_STATEMENT_ARGS = {"sid", "effect", "actions", "not_actions", "resources", "not_resources",
                   "condition", "principals", "not_principals"}


def policy_document(source: dict, deployment: Deployment, data: dict) -> dict:
    """An `aws_iam_policy_document` data source's arguments -> the IAM JSON it renders."""
    unknown = set(source) - {"statement", "version"}
    if unknown:
        raise Unresolved(f"aws_iam_policy_document arguments not modelled: {sorted(unknown)}")
    statements = []
    for block in _blocks(source.get("statement")):
        unknown = set(block) - _STATEMENT_ARGS
        if unknown:
            raise Unresolved(f"statement arguments not modelled: {sorted(unknown)}")
        statement: dict = {}
        if "sid" in block:
            statement["Sid"] = block["sid"]
        statement["Effect"] = block.get("effect", "Allow")
        for arg, element in (("actions", "Action"), ("not_actions", "NotAction"),
                             ("resources", "Resource"), ("not_resources", "NotResource")):
            if arg in block:
                statement[element] = _strings(block[arg], deployment, data)
        for arg, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if arg in block:
                principal: dict = {}
                for p in _blocks(block[arg]):
                    principal.setdefault(p["type"], []).extend(_strings(p["identifiers"], deployment, data))
                statement[element] = principal
        if "condition" in block:
            condition: dict = {}
            for c in _blocks(block["condition"]):
                by_key = condition.setdefault(c["test"], {})
                if c["variable"] in by_key:
                    raise Unresolved(f"two condition blocks for {c['test']} {c['variable']} (not modelled)")
                by_key[c["variable"]] = _strings(c["values"], deployment, data)
            statement["Condition"] = condition
        statements.append(statement)
    return {"Version": source.get("version", "2012-10-17"), "Statement": statements}


_DOC_REF = re.compile(r"\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}")


def _document_ref(value: str, documents: dict, deployment: Deployment, data: dict) -> dict:
    match = _DOC_REF.fullmatch(value)
    if not match or match.group(1) not in documents:
        raise Unresolved(f"expected a reference to a declared aws_iam_policy_document, got {value!r}")
    return policy_document(documents[match.group(1)], deployment, data)


_PRECONDITION = re.compile(r'\$\{(.*)\}', re.S)
_EQUALS = re.compile(r'\s*([A-Za-z0-9_.]+)\s*==\s*"([^"\\$%]*)"\s*')
_CONTAINS_KEY = re.compile(r'\s*contains\(keys\(local\.([a-z0-9_]+)\),\s*([A-Za-z0-9_.]+)\)\s*')


def check_preconditions(source: dict, where: str, deployment: Deployment, data: dict) -> None:
    """Evaluate `lifecycle.precondition`s of the form `${REF == "literal" && ...}` over rolec's data sources."""
    for lifecycle in _blocks(source.get("lifecycle")):
        for precondition in _blocks(lifecycle.get("precondition")):
            match = _PRECONDITION.fullmatch(precondition["condition"])
            if not match:
                raise Unresolved(f"{where}: precondition not modelled: {precondition['condition']!r}")
            for term in match.group(1).split("&&"):
                equals, contains = _EQUALS.fullmatch(term), _CONTAINS_KEY.fullmatch(term)
                if equals:
                    holds = resolve_tf_string("${%s}" % equals.group(1), deployment, data) == equals.group(2)
                elif contains:
                    keys = data.get(LOCALS, {}).get(contains.group(1))
                    if keys is None:
                        raise Unresolved(f"{where}: local.{contains.group(1)} is not declared")
                    holds = resolve_tf_string("${%s}" % contains.group(2), deployment, data) in keys
                else:
                    raise Unresolved(f"{where}: precondition term not modelled: {term!r}")
                if not holds:
                    raise Refused(f"{where}: {precondition['error_message']}")


def from_terraform(text: str, deployment: Deployment) -> Policies:
    module = json.loads(text)
    data = {**module.get("data", {}), LOCALS: module.get("locals", {})}
    documents = data.get("aws_iam_policy_document", {})
    resources = module.get("resource", {})
    roles = resources.get("aws_iam_role", {})
    existing_roles = data.get("aws_iam_role", {})
    modelled = {"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy"}
    others = sorted(k for k in resources if k.startswith("aws_iam_") and k not in modelled)
    if others:
        raise Unresolved(f"IAM resources besides the role are not modelled: {others}")
    if len(roles) == 1 and not existing_roles:
        (role_name, role), = roles.items()
        for arg in ("inline_policy", "managed_policy_arns"):
            if arg in role:
                raise Unresolved(f"aws_iam_role.{arg} is not modelled")
        address, existing = f"aws_iam_role.{role_name}", None
        check_preconditions(role, address, deployment, data)
        trust = _document_ref(role["assume_role_policy"], documents, deployment, data)
    elif not roles and len(existing_roles) == 1:
        (role_name, role), = existing_roles.items()
        address, existing = f"data.aws_iam_role.{role_name}", role["name"]
        check_preconditions(role, address, deployment, data)
        trust = None
    else:
        raise Unresolved(f"expected exactly one aws_iam_role, got {sorted(roles)} and data {sorted(existing_roles)}")
    role_refs = {f"${{{address}.{attr}}}" for attr in ("id", "name")}

    rendered = []
    for name, policy in resources.get("aws_iam_role_policy", {}).items():
        if policy["role"] not in role_refs:
            raise Unresolved(f"aws_iam_role_policy.{name} is attached to {policy['role']!r}, not the role")
        rendered.append(("inline", _document_ref(policy["policy"], documents, deployment, data)))
    own = resources.get("aws_iam_policy", {})
    managed, attached = [], set()
    for name, attachment in resources.get("aws_iam_role_policy_attachment", {}).items():
        if attachment["role"] not in role_refs:
            raise Unresolved(f"aws_iam_role_policy_attachment.{name} is attached to {attachment['role']!r}")
        match = re.fullmatch(r"\$\{aws_iam_policy\.([A-Za-z0-9_-]+)\.arn\}", attachment["policy_arn"])
        if match:
            if match.group(1) not in own:
                raise Unresolved(f"attachment {name} refers to an undeclared aws_iam_policy {match.group(1)}")
            attached.add(match.group(1))
            rendered.append(("managed", _document_ref(own[match.group(1)]["policy"], documents, deployment, data)))
        else:
            managed.append(resolve_tf_string(attachment["policy_arn"], deployment, data))
    if set(own) != attached:
        raise Unresolved(f"aws_iam_policy resources not attached to the role: {sorted(set(own) - attached)}")
    permissions = {"Version": "2012-10-17", "Statement": [s for _, d in rendered for s in d["Statement"]]}
    result = Policies(trust, permissions, tuple(managed), existing, tuple(rendered))
    check_resolved([trust, permissions, managed], f"Terraform {address}")
    return result


# --------------------------------------------------------------------------- #


def policies(compiled, target: str, deployment: Deployment = AWS) -> Policies:
    """The role's effective policies from one target of a `rolec.build.pipeline.Compiled`."""
    role_id = compiled.role.id
    if target == "cloudformation":
        return from_cloudformation(compiled.files[f"cloudformation/{role_id}.yaml"], deployment)
    if target == "terraform":
        return from_terraform(compiled.files[f"terraform/{role_id}/main.tf.json"], deployment)
    raise ValueError(f"unknown target {target!r}")


@cache
def aws_managed_policy(name: str) -> list[dict]:
    """The statements of an AWS managed policy, from the copy of IAM's data that moto ships (not rolec's own copy)."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)[name]["Document"]["Statement"]


def effective(resolved: Policies) -> dict:
    """Every statement that applies to the role: its own, plus those of the AWS managed policies attached."""
    statements = list(resolved.permissions["Statement"])
    for arn in resolved.managed_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        if not arn.startswith("arn:") or ":iam::aws:policy/" not in arn:
            raise Unresolved(f"managed policy {arn} is not an AWS managed policy")
        statements.extend(aws_managed_policy(name))
    return {"Version": resolved.permissions["Version"], "Statement": statements}


def _scalar_list(value: Any) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in (value if isinstance(value, list) else [value])}))


def _normal_condition(block: dict | None) -> frozenset:
    if not block:
        return frozenset()
    return frozenset((op, key.lower(), _scalar_list(values))
                     for op, keys in block.items() for key, values in keys.items())


def normalise(policy_doc: dict) -> frozenset:
    """The effective (effect, action, resource, conditions) tuples of a policy, independent of
    Sids, statement grouping, ordering and single-string-versus-list spelling."""
    out = set()
    for s in policy_doc.get("Statement", []):
        condition = _normal_condition(s.get("Condition"))
        principal = tuple(sorted((k, _scalar_list(v)) for k, v in s["Principal"].items())) \
            if isinstance(s.get("Principal"), dict) else s.get("Principal")
        for action in _scalar_list(s.get("Action", [])):
            for resource in _scalar_list(s.get("Resource", [])) or (None,):
                out.add((s["Effect"], action.lower(), resource, principal, condition))
    return frozenset(out)
