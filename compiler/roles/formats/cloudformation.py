"""CloudFormation templates (YAML with short-form tags, or JSON): each `AWS::IAM::Role` with its
`Policies`, `ManagedPolicyArns` and `PermissionsBoundary`, plus the `AWS::IAM::Policy`,
`AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources of the same template attached to it.

Values are resolved by the shared CloudFormation reader (`sources.cloudformation`): parameters,
`Fn::Sub`/`Join`/`If`/…, pseudo parameters; anything left to deploy time inside a permission is a
located error naming the `--set` that binds it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...iam.managed import is_aws_managed
from ...sources import Node, fail
from ...sources import cloudformation as cfn
from ..documents import document, iam_json, inline, text_of, where
from ..model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE, Policy, SourceRole
from ..stackset import embedded_template

NAME = "cloudformation"
DESCRIPTION = "a CloudFormation template with AWS::IAM::Role resources (YAML or JSON)"
SUFFIXES = (".yaml", ".yml", ".template", ".json")


def claims(root) -> bool:
    return cfn.is_template(root)


def read_file(path: Path, bindings) -> list[SourceRole]:
    root = cfn.read(path, path.as_posix())
    if not cfn.is_template(root):
        raise fail(root.at, "not a CloudFormation template (no Resources mapping)")
    return read(root, bindings, path.read_text(encoding="utf-8"))


def _stackset_roles(template: cfn.Template, bindings, outer_text: str | None) -> list[SourceRole]:
    """The roles of the templates this template's StackSets deploy (TemplateBody)."""
    found = []
    for logical_id, resource in template.resources_of_type("AWS::CloudFormation::StackSet"):
        body = template.properties(resource).get("TemplateBody")
        if body is not None and body.literal is not None:
            inner = embedded_template(body, outer_text)
            if cfn.is_template(inner):
                found.extend(replace(role, deployed_by=logical_id, notes=role.notes + (f"deployed by StackSet {logical_id}",))
                             for role in read(inner, bindings, None))
    return found


def _ref(node: Node) -> str | None:
    """The logical id of `{"Ref": Id}` as written (before resolution), else None."""
    if isinstance(node.value, dict) and len(node.value) == 1 and "Ref" in node.value:
        return node.value["Ref"].literal
    return None


def _role_ids(template: cfn.Template, node: Node | None, names: dict[str, str], attached) -> list[str]:
    """The roles that a `Roles` list / `RoleName` names: this template's (by Ref or by literal name), or a role
    that exists outside it, named literally (it joins `names` and `attached`, keyed by its name)."""
    if node is None:
        return []
    items = node.value if isinstance(node.value, list) else [node]
    found = []
    for item in items:
        ref = _ref(item)
        literal = template.resolve(item).literal if ref is None else None
        if ref in names:
            found.append(ref)
        elif literal is not None and literal in names.values():
            found.extend(k for k, v in names.items() if v == literal)
        elif literal is not None:
            names[literal] = literal
            attached.setdefault(literal, [])
            found.append(literal)
    return found


def _managed_policy(template: cfn.Template, logical_id: str, at) -> Policy:
    props = template.properties(template.resources[logical_id])
    name = text_of(props.get("ManagedPolicyName")) or logical_id
    if "PolicyDocument" not in props:
        raise fail(template.resources[logical_id].at, f"{logical_id}: an AWS::IAM::ManagedPolicy needs a PolicyDocument")
    doc, positions = document(template.resolve(props["PolicyDocument"]), f"managed policy {logical_id}")
    return Policy(name, CUSTOMER_MANAGED, where(at), doc, positions)


def _listed(template: cfn.Template, props: dict, key: str, logical_id: str, what: str, *, as_written=False) -> list[Node]:
    """The items of a list property, resolved; `as_written` keeps the items of a literal list as written (a Ref
    among them stays a Ref)."""
    if key not in props:
        return []
    node = props[key] if as_written and isinstance(props[key].value, list) else template.resolve(props[key])
    if not isinstance(node.value, list):
        raise fail(node.at, f"{logical_id}: {key}: expected {what}, got {node.plain()!r}")
    return node.value


def read(root, bindings, outer_text: str | None = None) -> list[SourceRole]:
    template = cfn.Template(root, bindings)
    roles = template.resources_of_type("AWS::IAM::Role")
    names = {logical_id: text_of(template.resolve(template.properties(r)["RoleName"])) or logical_id
             if "RoleName" in template.properties(r) else logical_id for logical_id, r in roles}
    managed_ids = {logical_id for logical_id, _ in template.resources_of_type("AWS::IAM::ManagedPolicy")}
    attached: dict[str, list[Policy]] = {logical_id: [] for logical_id, _ in roles}

    for logical_id, resource in template.resources_of_type("AWS::IAM::Policy"):
        props = template.properties(resource)
        if "PolicyDocument" not in props:
            raise fail(resource.at, f"{logical_id}: an AWS::IAM::Policy needs a PolicyDocument")
        for role_id in _role_ids(template, props.get("Roles"), names, attached):
            name = text_of(template.resolve(props["PolicyName"])) if "PolicyName" in props else None
            attached[role_id].append(inline(name or logical_id, template.resolve(props["PolicyDocument"]), INLINE,
                                            resource.at))
    for logical_id, resource in template.resources_of_type("AWS::IAM::RolePolicy"):
        props = template.properties(resource)
        if "PolicyDocument" not in props:
            raise fail(resource.at, f"{logical_id}: an AWS::IAM::RolePolicy needs a PolicyDocument")
        for role_id in _role_ids(template, props.get("RoleName"), names, attached):
            attached[role_id].append(inline(logical_id, template.resolve(props["PolicyDocument"]), INLINE, resource.at))
    for logical_id in sorted(managed_ids):
        props = template.properties(template.resources[logical_id])
        for role_id in _role_ids(template, props.get("Roles"), names, attached):
            attached[role_id].append(_managed_policy(template, logical_id, template.resources[logical_id].at))

    found = []
    for logical_id, resource in roles:
        props = template.properties(resource)
        if "AssumeRolePolicyDocument" not in props:
            raise fail(resource.at, f"{logical_id}: an AWS::IAM::Role needs an AssumeRolePolicyDocument")
        trust_node = template.resolve(props["AssumeRolePolicyDocument"])
        trust, _ = document(trust_node, f"the trust policy of {logical_id}", keep_holes=True)
        policies = []
        for item in _listed(template, props, "Policies", logical_id, "a list of policies"):
            entry = item.value if isinstance(item.value, dict) else {}
            if "PolicyDocument" not in entry:
                iam_json(item, f"a policy of {logical_id}")  # a Hole here is refused with its binding
                raise fail(item.at, f"{logical_id}: each of Policies needs a PolicyName and a PolicyDocument")
            name = text_of(entry.get("PolicyName")) or str(entry["PolicyName"].plain()) if "PolicyName" in entry else logical_id
            policies.append(inline(name, entry["PolicyDocument"], INLINE, item.at))
        for item in _listed(template, props, "ManagedPolicyArns", logical_id, "a list of policy ARNs",
                            as_written=True):
            ref = _ref(item)
            if ref in managed_ids:
                policies.append(_managed_policy(template, ref, item.at))
                continue
            resolved = template.resolve(item)
            arn = iam_json(resolved, f"a managed policy ARN of {logical_id}")
            if not isinstance(arn, str):
                raise fail(item.at, f"{logical_id}: ManagedPolicyArns: expected a policy ARN, got {arn!r}")
            policies.append(Policy(arn.rsplit("/", 1)[-1], AWS_MANAGED if is_aws_managed(arn) else CUSTOMER_MANAGED,
                                   where(item.at), arn=arn))
        boundary, boundary_policy = None, None
        if _ref(props.get("PermissionsBoundary", Node(None, resource.at))) in managed_ids:
            boundary = _ref(props["PermissionsBoundary"])
            boundary_policy = _managed_policy(template, boundary, props["PermissionsBoundary"].at)
        elif "PermissionsBoundary" in props:
            boundary = iam_json(template.resolve(props["PermissionsBoundary"]), f"the permissions boundary of {logical_id}")
            if not isinstance(boundary, str):
                raise fail(props["PermissionsBoundary"].at, f"{logical_id}: PermissionsBoundary: expected a policy ARN, "
                                                            f"got {boundary!r}")
        found.append(SourceRole(names[logical_id], where(resource.at), trust, where(trust_node.at),
                                tuple(policies) + tuple(attached[logical_id]), boundary, logical_id=logical_id,
                                boundary_policy=boundary_policy))
    for name in sorted(set(attached) - {logical_id for logical_id, _ in roles}):
        found.append(SourceRole(name, attached[name][0].where, policies=tuple(attached[name]),
                                notes=(f"role {name} is not created by this template; its trust policy and other "
                                       "policies are not shown",)))
    found.extend(_stackset_roles(template, bindings, outer_text))
    if not found:
        raise fail(root.at, "the template has no AWS::IAM::Role resource, no policy attached to a role, "
                            "and no StackSet that deploys one")
    return found
