"""Spec format version 1: its schema, and loading a file into a validated `Spec`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from . import loader, stackset
from ..aws.regions import PARTITION_OF
from ..errors import Diagnostic, SpecError
from ..features import Context, Feature, catalog
from ..ir import Grant
from .role_id import role_id
from ..aws.iam import PATH_RE
from .names import IAM_NAME_RE, existing_role, literal, policy
from ..text import Text
from .types import INVALID, Bool, Checker, Field, Int, List, Map, Obj, Str, TooManyProblems, Type, describe_node, shown

SPEC_VERSION = 1
DESCRIPTION_CHARACTERS = r"[\t\n\r\x20-\x7e\xa1-\xff]"
"""What IAM accepts in a role description."""


class Version(Type):
    what = f"the spec format version, {SPEC_VERSION}"

    def check(self, node, path, checker):
        value = Int(SPEC_VERSION, SPEC_VERSION).check(node, path, Checker(checker.display))
        if value is not INVALID:
            return value
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value.strip() == str(SPEC_VERSION):
            return checker.error(node, path, f"expected the number {SPEC_VERSION}, got the string {node.value!r}; "
                                             f"write version: {SPEC_VERSION} without quotes")
        given = shown(node.value) if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int" else describe_node(node)
        return checker.error(node, path, f"unsupported spec version {given}; this rolec reads version {SPEC_VERSION}")

    def json_schema(self) -> dict:
        return {"const": SPEC_VERSION}


EXISTING_IS_NOT_CHANGED = ("rolec adds permissions to an existing role but never creates or changes the role itself; "
                           "remove this key, or remove role.existing to let rolec create the role")


def _present(node) -> dict:
    """The keys written in a mapping node, with their key nodes (a default is not 'written')."""
    return {k.value: k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _existing_excludes_role_keys(block: dict, node, path: str, checker: Checker) -> None:
    if block["existing"] is None:
        return
    for key, key_node in _present(node).items():
        if key != "existing":
            checker.error(key_node, f"{path}.{key}", f"cannot be combined with {path}.existing: {EXISTING_IS_NOT_CHANGED}")


ROLE = Obj(
    "a mapping with existing, or with name, path, permissions_boundary, max_session_duration and tags",
    {
        "existing": Field(Str("an IAM role name or role ARN", convert=existing_role),
                          doc="A role that exists already (e.g. ecsTaskExecutionRole): add the spec's permissions to it "
                              "instead of creating a role. A name, or an ARN in the deploying account."),
        "name": Field(Str("an IAM role name (letters, digits, + = , . @ _ -)",
                          pattern=rf"(?:{IAM_NAME_RE}|\{{region\}})+", max_len=64, convert=stackset.role_name),
                      doc="Physical role name; omit it to let CloudFormation or Terraform generate a unique one. "
                          "{region} stands for the deploying region."),
        "path": Field(Str("an IAM path that starts and ends with / (e.g. /ecs/)", pattern=PATH_RE, max_len=512,
                          convert=literal),
                      default="/", doc="IAM path of the role."),
        "permissions_boundary": Field(Str("an IAM policy name or ARN", convert=policy),
                                      doc="Managed policy that bounds the role's permissions: a name (this account) or ARN."),
        "max_session_duration": Field(Int(3600, 43200), doc="Maximum session duration in seconds."),
        "tags": Field(Map(Str("a tag key (at most 128 characters, not starting with aws: in any case)",
                              pattern=r"(?![aA][wW][sS]:)[\w.:/=+\-@ ]+", max_len=128),
                          Str("a tag value (at most 256 characters)", pattern=r"[\w.:/=+\-@ ]*", max_len=256),
                          keys_ignore_case=True),
                      default={}, doc="Tags on the role."),
    },
    validate=_existing_excludes_role_keys,
    json_extra={"if": {"required": ["existing"]}, "then": {"propertyNames": {"const": "existing"}}},
)

TRUST = Obj(
    "a mapping with source_account",
    {
        "source_account": Field(Bool(), default=False,
                                doc="Add aws:SourceAccount and aws:SourceArn conditions to the trust policy (confused deputy)."),
    },
)


def _features() -> Obj:
    return Obj(
        "a mapping of features: " + ", ".join(f.name for f in catalog()),
        {f.name: Field(f.schema, doc=f.summary) for f in catalog()},
    )


def _whole_spec(document: dict, node, path: str, checker: Checker) -> None:
    if document["role"] and document["role"]["existing"] is not None:
        present = _present(node)
        for key in ("description", "trust"):
            if key in present:
                checker.error(present[key], key, f"cannot be combined with role.existing: {EXISTING_IS_NOT_CHANGED}")
    features = {name: block for name, block in document["features"].items() if block is not None}
    if not features and not document["managed_policy"]:
        checker.error(node, path, "the role grants nothing: list at least one feature under 'features' or set managed_policy: true")
    elif not document["managed_policy"] and not any(_grants_something(f, features[f.name]) for f in catalog()
                                                    if f.name in features):
        line, col = checker.positions.get("features", (1, 1))
        checker.diagnostics.append(Diagnostic(checker.display, line, col, (
            f"features: the role grants nothing: {', '.join(features)} grant{'s' if len(features) == 1 else ''} "
            "nothing as written; list a feature that grants permissions under 'features' or set managed_policy: true")))
    for feature in catalog():
        if features.get(feature.name) is None:
            continue
        for key, message in feature.conflicts(features[feature.name], document):
            line, col = checker.positions.get(key, (1, 1))
            checker.diagnostics.append(Diagnostic(checker.display, line, col, f"{key}: {message}"))
    _one_partition(document, checker)
    stackset.check_with_role(document, checker)


def _grants_something(feature: Feature, block: dict) -> bool:
    """Whether the block, as written, asks for a permission (runtime_monitoring with guardduty_agent: false does not)."""
    return any(isinstance(item, Grant) for item in feature.grants(block, Context(feature.name, {}, False)))


def _given_arns(value, path: str = "") -> Iterator[tuple[str, str]]:
    """(spec path, ARN) for every value the spec gave as a full ARN (names resolved at deploy time have none)."""
    if isinstance(value, Text):
        if not value.pseudos and value.key.startswith("arn:"):
            yield path, value.key
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            part = getattr(value, item.name)
            if isinstance(part, str) and part.startswith("arn:"):
                yield path, part
            else:
                yield from _given_arns(part, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _given_arns(item, f"{path}.{key}" if path else key)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _given_arns(item, f"{path}[{index}]")


def _one_partition(document: dict, checker: Checker) -> None:
    """A role lives in one partition: every ARN the spec gives, and a StackSet's regions, must share it."""
    first: tuple[str, str] | None = None
    if document["stackset"]:
        region = document["stackset"]["regions"][0]
        first = ("stackset.regions", PARTITION_OF[region])
    for path, given in _given_arns({"role": document["role"], "features": document["features"]}):
        partition = given.split(":")[1]
        if first is None:
            first = (path, partition)
        elif partition != first[1]:
            line, col = checker.positions.get(path, (1, 1))
            checker.diagnostics.append(Diagnostic(checker.display, line, col, (
                f"{path}: this ARN is in partition '{partition}', but {first[0]} is in '{first[1]}'; a role and "
                "everything it is granted live in one partition")))


TASK_DEFINITION = Obj(
    "a mapping with path and optionally set",
    {
        "path": Field(Str("a task-definition file (or a Terraform module's folder), relative to the spec",
                          pattern=r"[^\x00-\x1f]+", max_len=1024),
                      required=True, doc="A task definition this role serves (any format `rolec infer` reads; a Terraform "
                                         "file is read with what it references from its folder, or name the module's "
                                         "folder to read it whole)."),
        "set": Field(Map(Str("a binding name (a CloudFormation parameter, ImportValue:EXPORT, var.NAME, local.NAME "
                             "or a placeholder)",
                             pattern=r"[^\s=]+", max_len=256),
                         Str("a value", pattern=r"[^\x00-\x1f]*", max_len=2048, allow_number=True), max_items=100),
                     default={}, doc="Deploy-time values, as `rolec infer --set NAME=VALUE`."),
    },
)


def spec_schema() -> Obj:
    return Obj(
        "a mapping with version, description, role, managed_policy, trust and features",
        {
            "version": Field(Version(), required=True, doc="Spec format version; always 1."),
            "description": Field(Str("a role description (tab, line breaks, printable ASCII and U+00A1 to U+00FF)",
                                     pattern=rf"{DESCRIPTION_CHARACTERS}*", characters=DESCRIPTION_CHARACTERS, max_len=1000,
                                     convert=literal),
                                 doc="Description of the role, shown in IAM."),
            "role": Field(ROLE, default=None, doc="Settings of the IAM role itself."),
            "managed_policy": Field(Bool(), default=False,
                                    doc="Attach the AWS managed AmazonECSTaskExecutionRolePolicy (partition-aware ARN)."),
            "trust": Field(TRUST, default=None, doc="Trust policy options."),
            "features": Field(_features(), default={}, doc="What the tasks using this role do; each feature adds what it needs."),
            "stackset": Field(stackset.SCHEMA, doc="Roll the role out to many accounts and regions with a CloudFormation StackSet."),
            "account": Field(Str("a label for an AWS account (letters, digits, . _ -)", pattern=r"[A-Za-z0-9._-]{1,64}"),
                             doc="Which account this spec deploys to, as a label of your own (e.g. prod or 111122223333). "
                                 "Needed only when two specs name the same IAM role: with different labels they deploy "
                                 "to different accounts and do not collide. Changes no output."),
            "task_definitions": Field(List(TASK_DEFINITION, max_items=100), default=(),
                                      doc="Task definitions this role serves: build and check fail when one needs a "
                                          "permission the role does not grant, and warn about grants none needs."),
        },
        validate=_whole_spec,
        json_extra={
            "if": {"required": ["role"], "properties": {"role": {"required": ["existing"]}}},
            "then": {"not": {"anyOf": [{"required": ["description"]}, {"required": ["trust"]}]}},
            "anyOf": [
                {"required": ["features"], "properties": {"features": {"minProperties": 1}}},
                {"required": ["managed_policy"], "properties": {"managed_policy": {"const": True}}},
            ],
        },
    )


SCHEMA_ID = "rolec-spec-v1.json"


def spec_json_schema() -> dict:
    """JSON Schema of spec format v1, generated from `spec_schema()` (so the two cannot drift)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"rolec spec, format version {SPEC_VERSION}",
        **spec_schema().json_schema(),
    }


@dataclass(frozen=True)
class Spec:
    id: str
    path: str
    description: str | None
    role: dict
    managed_policy: bool
    source_account: bool
    features: dict[str, dict]
    positions: dict[str, tuple[int, int]]
    stackset: stackset.StackSet | None = None
    account: str | None = None
    task_definitions: tuple[dict, ...] = ()
    """Linked task definitions: {"path": as written, relative to the spec; "set": bindings}."""


def load_spec(path: Path, display: str) -> Spec:
    """Read and validate one spec file; raise SpecError with every problem found."""
    spec_id = role_id(path, display)
    node = loader.load(path, display)
    checker = Checker(display)
    try:
        document = spec_schema().check(node, "", checker)
    except TooManyProblems:
        raise SpecError(checker.diagnostics) from None
    if checker.diagnostics or document is INVALID:
        raise SpecError(checker.diagnostics or [Diagnostic(display, 1, 1, "invalid spec")])
    role = document["role"] or {name: f.default for name, f in ROLE.fields.items()}
    trust = document["trust"] or {"source_account": False}
    return Spec(
        id=spec_id,
        path=display,
        description=document["description"],
        role=role,
        managed_policy=document["managed_policy"],
        source_account=trust["source_account"],
        features={name: block for name, block in document["features"].items() if block is not None},
        positions=checker.positions,
        stackset=stackset.StackSet.of(document["stackset"]) if document["stackset"] else None,
        account=document["account"],
        task_definitions=tuple(document["task_definitions"]),
    )
