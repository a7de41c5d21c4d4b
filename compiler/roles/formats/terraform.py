"""Terraform (HCL or Terraform JSON): `aws_iam_role` with `assume_role_policy`, `inline_policy` blocks,
`managed_policy_arns` and `permissions_boundary`; `aws_iam_role_policy`; `aws_iam_policy` attached by
`aws_iam_role_policy_attachment` / `aws_iam_policy_attachment` (also over a literal `for_each` set);
`data "aws_iam_policy_document"` and `data "aws_iam_policy"`; policies written as `jsonencode(...)`,
heredoc or string JSON.

Expressions are evaluated by the shared reader (`sources.terraform`); a value left to apply time inside
a permission is a located error naming the `--set var.NAME=VALUE` that binds it (when one can).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from lark import Tree

from ...errors import SpecError
from ...iam.managed import is_aws_managed
from ...sources import Hole, Node, Span, fail
from ...sources import terraform as tf
from ..documents import document, iam_json, where
from ..model import AWS_MANAGED, CUSTOMER_MANAGED, INLINE, Policy, SourceRole
from ..stackset import embedded_template

NAME = "terraform"
DESCRIPTION = "Terraform HCL or JSON with aws_iam_role resources"
SUFFIXES = (".tf", ".tf.json")
READS_FOLDERS = True
_WHOLE_INTERPOLATION = re.compile(r"^\$\{(?P<inner>[^${}]+)\}$")
_REFERENCE = re.compile(r"^(?P<kind>data\.)?(?P<type>aws_[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)\.(?P<attribute>[a-z_]+)$")


def _reference(node: Node, expression=None) -> tuple[str, str, str, str] | None:
    """("resource"|"data", type, name, attribute) when the value is a reference Terraform resolves at apply
    time. `expression` is the attribute as written: in Terraform JSON it is the string `"${a.b.c}"` itself."""
    written = None
    if isinstance(expression, Node) and expression.literal is not None:
        whole = _WHOLE_INTERPOLATION.match(expression.literal)
        written = whole["inner"] if whole else None
    elif isinstance(node.value, Hole):
        written = node.value.written
    match = _REFERENCE.match(written) if written else None
    if match:
        return ("data" if match["kind"] else "resource", match["type"], match["name"], match["attribute"])
    return None


def _label(module: tf.Module, block) -> str:
    """A role's name as written (`${var.name}-exec`), or its resource name."""
    if "name" in block.attributes:
        value = module.evaluate(block.attributes["name"])
        if value.is_string:
            return iam_json(value, "a name", keep_holes=True)
    return block.labels[1]


@dataclass(frozen=True)
class _Nested:
    """A nested block (`statement`, `principals`, `condition`) in either syntax: HCL blocks, or in Terraform
    JSON an attribute holding an object or a list of objects."""

    attributes: dict
    at: Span
    blocks: tuple = ()

    @classmethod
    def of(cls, parent, kind: str) -> list["_Nested"]:
        found = [cls(b.attributes, b.at, tuple(b.blocks)) for b in getattr(parent, "blocks", ()) if b.kind == kind]
        value = parent.attributes.get(kind)
        if isinstance(value, Node):
            items = value.value if isinstance(value.value, list) else [value]
            found += [cls(dict(item.value), item.at) for item in items if isinstance(item.value, dict)]
        return found


def _policy_document_data(module: tf.Module, name: str, at, keep_holes: bool = False) -> tuple[dict, tuple]:
    block = module.find("data", "aws_iam_policy_document", name, at=at)
    if block is None:
        raise fail(at, f"data.aws_iam_policy_document.{name} is not declared in any file of the module")
    for unsupported in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
        if unsupported in block.attributes:
            raise fail(block.at, f"data.aws_iam_policy_document.{name}: {unsupported} is not read by rolec audit")
    what = f"data.aws_iam_policy_document.{name}"

    def value(expression):
        return iam_json(module.evaluate(expression), what, keep_holes)

    statements, positions = [], []
    elements = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
                "resources": "Resource", "not_resources": "NotResource"}
    for statement in _Nested.of(block, "statement"):
        item = {"Effect": "Allow"}
        for attribute, element in elements.items():
            if attribute in statement.attributes:
                item[element] = value(statement.attributes[attribute])
        for kind, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            for principal in _Nested.of(statement, kind):
                identifiers = value(principal.attributes["identifiers"])
                item.setdefault(element, {}).setdefault(value(principal.attributes["type"]), []).extend(
                    identifiers if isinstance(identifiers, list) else [identifiers])
        for condition in _Nested.of(statement, "condition"):
            item.setdefault("Condition", {}).setdefault(value(condition.attributes["test"]), {})[
                value(condition.attributes["variable"])] = value(condition.attributes["values"])
        statements.append(item)
        positions.append(where(statement.at))
    return {"Version": "2012-10-17", "Statement": statements}, tuple(positions)


def _document(module: tf.Module, expression, what: str, bindings, keep_holes: bool = False) -> tuple[dict, tuple]:
    value = module.evaluate(expression)
    reference = _reference(value, expression)
    if reference and reference[:2] == ("data", "aws_iam_policy_document") and reference[3] in ("json", "minified_json"):
        return _policy_document_data(module, reference[2], value.at, keep_holes)
    return document(tf.decode_json(value, bindings), what, keep_holes)


def _role_of(node: Node, roles: dict[str, str], expression=None) -> str | None:
    """The resource name of the aws_iam_role a `role` value points at (by reference or by literal name)."""
    reference = _reference(node, expression)
    if reference and reference[1] == "aws_iam_role":
        key = reference[2] if reference[0] == "resource" else f"data.{reference[2]}"
        return key if key in roles else None
    return next((key for key, name in roles.items() if node.literal is not None and name == node.literal), None)


def _for_each_values(module: tf.Module, expression) -> list[Node] | None:
    """A literal `for_each` set: `toset([...])` or a list/tuple; None otherwise."""
    value = module.evaluate(expression)
    if isinstance(value.value, list):
        return value.value
    if isinstance(expression, Tree):
        for call in expression.iter_subtrees_topdown():
            if call.data == "function_call" and str(call.children[0].children[0]) == "toset":
                arguments = next((c for c in call.children if isinstance(c, Tree) and c.data == "arguments"), None)
                inner = module.evaluate(arguments.children[0]) if arguments is not None and arguments.children else None
                return inner.value if inner is not None and isinstance(inner.value, list) else None
    return None


def _attached(module: tf.Module, block, arn_node: Node, bindings, expression=None) -> Policy:
    """The policy an attachment's `policy_arn` names: a policy of the module, a data source, or an ARN."""
    reference = _reference(arn_node, expression)
    at = where(block.at)
    if reference and reference[1] == "aws_iam_policy" and reference[3] in ("arn", "id"):
        if reference[0] == "resource":
            policy = module.find("resource", "aws_iam_policy", reference[2], at=arn_node.at)
            if policy is None or "policy" not in policy.attributes:
                raise fail(arn_node.at, f"aws_iam_policy.{reference[2]} is not declared in any file of the module")
            doc, positions = _document(module, policy.attributes["policy"], f"aws_iam_policy.{reference[2]}", bindings)
            return Policy(_label(module, policy), CUSTOMER_MANAGED, at, doc, positions)
        data = module.find("data", "aws_iam_policy", reference[2], at=arn_node.at)
        if data is None or "arn" not in data.attributes:
            raise fail(arn_node.at, f"data.aws_iam_policy.{reference[2]}: rolec reads it only when it gives a literal arn")
        arn_node = module.evaluate(data.attributes["arn"])
    arn = iam_json(arn_node, f"the policy_arn of {'.'.join(block.labels)}")
    return Policy(arn.rsplit("/", 1)[-1], AWS_MANAGED if is_aws_managed(arn) else CUSTOMER_MANAGED, at, arn=arn)


def read_module(module: tf.Module, bindings) -> list[SourceRole]:
    """The roles of the module's given blocks (a folder's every file, a file's own, or what an override file changes)."""
    role_blocks = module.resources("aws_iam_role")
    roles = {b.labels[1]: _label(module, b) for b in role_blocks}
    existing = [b for b in module.blocks if b.kind == "data" and b.labels[:1] == ("aws_iam_role",)]
    roles.update({f"data.{b.labels[1]}": _label(module, b) for b in existing})
    attached: dict[str, list[Policy]] = {name: [] for name in roles}
    elsewhere = _attached_elsewhere(module, {**{b.labels[1]: b for b in role_blocks},
                                             **{f"data.{b.labels[1]}": b for b in existing}}, roles)
    for block in module.resources("aws_iam_role_policy"):
        role = _role_of(module.evaluate(block.attributes["role"]), roles, block.attributes["role"]) \
            if "role" in block.attributes else None
        if role is not None:
            name = _label(module, block)
            doc, positions = _document(module, block.attributes["policy"], f"aws_iam_role_policy.{block.labels[1]}", bindings)
            attached[role].append(Policy(name, INLINE, where(block.at), doc, positions))
    for block in module.resources("aws_iam_role_policy_attachment") + module.resources("aws_iam_policy_attachment"):
        targets = [(module.evaluate(block.attributes["role"]), block.attributes["role"])] if "role" in block.attributes else []
        if "roles" in block.attributes:
            listed = module.evaluate(block.attributes["roles"])
            raw = block.attributes["roles"]
            raw_items = raw.value if isinstance(raw, Node) and isinstance(raw.value, list) else [None] * len(listed.value or [])
            targets = list(zip(listed.value, raw_items)) if isinstance(listed.value, list) else []
        role_names = [r for r in (_role_of(value, roles, raw) for value, raw in targets) if r is not None]
        if not role_names:
            continue
        arn_value = module.evaluate(block.attributes["policy_arn"])
        if isinstance(arn_value.value, Hole) and arn_value.value.written in ("each.value", "each.key"):
            if "for_each" not in block.attributes:
                raise fail(arn_value.at, f"{'.'.join(block.labels)}: {arn_value.value.written} without for_each, "
                                         "which Terraform refuses")
            values = _for_each_values(module, block.attributes["for_each"])
            if values is None:
                raise fail(arn_value.at, f"{'.'.join(block.labels)}: for_each is not a literal set; rolec cannot tell which policies it attaches")
            policies = [_attached(module, block, v, bindings) for v in values]
        else:
            policies = [_attached(module, block, arn_value, bindings, block.attributes["policy_arn"])]
        for role in role_names:
            attached[role].extend(policies)
    found = []
    for block in role_blocks:
        key = block.labels[1]
        if "assume_role_policy" not in block.attributes:
            raise fail(block.at, f"aws_iam_role.{key} needs an assume_role_policy")
        trust, _ = _document(module, block.attributes["assume_role_policy"], f"the trust policy of aws_iam_role.{key}",
                             bindings, keep_holes=True)
        trust_at = module.evaluate(block.attributes["assume_role_policy"]).at
        policies = []
        for inline in (b for b in block.blocks if b.kind == "inline_policy"):
            if "policy" in inline.attributes:
                doc, positions = _document(module, inline.attributes["policy"], f"an inline_policy of aws_iam_role.{key}", bindings)
                policies.append(Policy(_label(module, inline) if "name" in inline.attributes else key, INLINE,
                                       where(inline.at), doc, positions))
        if "managed_policy_arns" in block.attributes:
            listed = module.evaluate(block.attributes["managed_policy_arns"])
            for item in listed.value if isinstance(listed.value, list) else [listed]:
                policies.append(_attached(module, block, item, bindings))
        boundary = None
        if "permissions_boundary" in block.attributes:
            boundary = iam_json(module.evaluate(block.attributes["permissions_boundary"]), f"the permissions boundary of {key}")
        found.append(SourceRole(roles[key], where(block.at), trust, where(trust_at), tuple(policies) + tuple(attached[key]),
                                boundary, notes=elsewhere.get(key, ())))
    for block in existing:
        name = roles[f"data.{block.labels[1]}"]
        found.append(SourceRole(name, where(block.at), policies=tuple(attached[f"data.{block.labels[1]}"]),
                                notes=(f"role {name} is read with data \"aws_iam_role\", not created here; its trust policy "
                                       "and other policies are not shown",) + elsewhere.get(f"data.{block.labels[1]}", ())))
    return found


ATTACHMENTS = ("aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment")


def _attached_elsewhere(module: tf.Module, declared: dict, roles: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """A note for each policy or attachment that another file of the folder writes for a role of the file given (its
    `role` names the role by its literal name, or by a reference that file resolves to it, or that several files'
    declarations would answer): a file is read with what it references, not with what refers to it, so only the
    module's folder audits those policies."""
    notes: dict[str, tuple[str, ...]] = {}
    for block in (b for type_name in ATTACHMENTS for b in module.elsewhere(type_name)):
        try:
            targets = [(module.evaluate(block.attributes["role"]), block.attributes["role"])] \
                if "role" in block.attributes else []
            if "roles" in block.attributes:
                listed = module.evaluate(block.attributes["roles"])
                targets += [(item, None) for item in listed.value] if isinstance(listed.value, list) else []
        except SpecError:
            continue  # a value rolec cannot evaluate names no role it can tell
        for node, raw in targets:
            key, reference = _role_of(node, roles, raw), _reference(node, raw)
            if key is None:
                continue
            try:
                pinned = reference is None or module.find(reference[0], *reference[1:3], at=node.at) is declared[key]
                verb = "gives"
            except SpecError:  # declared in several files, this role's among them
                pinned, verb = True, f"may give (it names {'.'.join(reference[1:3])}, which several files declare)"
            if pinned:
                notes[key] = notes.get(key, ()) + (
                    f"{'.'.join(block.labels)} at {block.at.path}:{block.at.line} {verb} this role a policy, and rolec "
                    "reads a file with what it references, not with what refers to it: audit the module's folder to "
                    "judge that policy too",)
    return notes


def _stackset_roles(module: tf.Module, bindings) -> list[SourceRole]:
    """The roles of the CloudFormation templates that the given files' `aws_cloudformation_stack_set` resources deploy."""
    from . import cloudformation

    found = []
    for block in module.resources("aws_cloudformation_stack_set"):
        body = module.evaluate(block.attributes["template_body"]) if "template_body" in block.attributes else None
        if body is not None and body.literal is not None:
            address = ".".join(block.labels)
            inner = embedded_template(body, None)
            found.extend(replace(role, deployed_by=address, notes=role.notes + (f"deployed by StackSet {address}",))
                         for role in cloudformation.read(inner, bindings))
    return found


def read_file(path: Path, bindings) -> list[SourceRole]:
    """The roles declared in a Terraform file, or in every file of a module's folder. A file is read with what it
    references from the other .tf/.tf.json files of its folder: the policies, documents and resources its roles and
    attachments name may be in other files; attachments written in other files are read with the folder only."""
    module = tf.read(path, path.as_posix(), bindings)
    found = read_module(module, bindings) + _stackset_roles(module, bindings)
    if not found:
        where = "this Terraform module" if path.is_dir() else \
            "this Terraform file (give the file that declares the role, or the module's folder)"
        raise fail(Span(path.as_posix(), 1, 1), f"no aws_iam_role resource in {where}")
    return found
