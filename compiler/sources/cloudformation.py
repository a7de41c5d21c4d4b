"""CloudFormation templates (YAML or JSON): read them located, and resolve what the template determines.

Resolved: parameters (a `--set NAME=VALUE` binding, else the default), `Fn::Sub`, `Fn::Join`,
`Fn::Select`, `Fn::Split` and `Fn::If` over resolved values, `Fn::FindInMap` with literal keys (or
rolec's own per-region lookups, keyed by the deploying region),
`Ref`/`Fn::GetAtt` to a log group, secret, SSM parameter, S3 bucket or ECR repository of the
same template whose name is written in it, and the pseudo parameters AWS::Partition, AWS::Region
and AWS::AccountId, which become rolec's deploying partition, region and account.
`Fn::ImportValue` of an export whose name resolves to literal text is bound by
`--set ImportValue:EXPORT=VALUE` (export names hold no `=`, and parameter names no `:`, so the
two kinds of binding cannot collide). Everything else (an unbound import, generated names,
SSM-typed parameters, ...) stays a Hole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..aws.lookups import LOOKUPS
from ..text import Pseudo
from . import TOO_DEEP, Bindings, Hole, Node, Span, fail, read_text
from . import cfnyaml, jsonfile

LOOKUP_KEY = "Value"
"""The second-level key of rolec's lookup Mappings (targets/cloudformation.LOOKUP_KEY)."""
SECRET_ARN = ("arn:", Pseudo.PARTITION, ":secretsmanager:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":secret:")
SECRET_SUFFIX = "-??????"
"""A secret's Ref (and Id) is its ARN, "such as …:secret:MySecret-a1b2c3" (AWS::SecretsManager::Secret return
values): the six characters Secrets Manager adds are known only once it exists, so they stay `??????`."""
PSEUDO = {"AWS::Partition": Pseudo.PARTITION, "AWS::Region": Pseudo.REGION, "AWS::AccountId": Pseudo.ACCOUNT}
NO_VALUE = "AWS::NoValue"
IMPORT_BINDING = "ImportValue:"
"""`--set ImportValue:EXPORT=VALUE` binds `Fn::ImportValue EXPORT`."""
IMPORT_REASON = "Fn::ImportValue reads another stack's export at deploy time"
_SUB = re.compile(r"\$\{(!?)([^}]*)\}")


@dataclass(frozen=True)
class _NoValue:
    """`Ref: AWS::NoValue`: the property or list item is removed."""


DROPPED = _NoValue()


def read(path: Path, display: str) -> Node:
    """The template's located tree (JSON when it starts with `{`, else YAML)."""
    text = read_text(path, display, "the template")
    if text.lstrip().startswith("{"):
        return jsonfile.parse(text, display)
    return cfnyaml.parse(text, display)


def is_template(root: Node) -> bool:
    return isinstance(root.value, dict) and isinstance(root.value.get("Resources"), Node) \
        and isinstance(root.value["Resources"].value, dict)


@dataclass
class Template:
    root: Node
    bindings: Bindings
    parameters: dict[str, Node] = field(init=False)
    resources: dict[str, Node] = field(init=False)

    def __post_init__(self):
        self.parameters = self._section("Parameters")
        self.resources = self._section("Resources")
        self.conditions = self._section("Conditions")
        self.mappings = self._section("Mappings")

    def _section(self, name: str) -> dict[str, Node]:
        section = self.root.value.get(name) if isinstance(self.root.value, dict) else None
        if section is None:
            return {}
        if not isinstance(section.value, dict):
            raise fail(section.at, f"{name}: expected a mapping")
        return section.value

    def resources_of_type(self, type_name: str) -> list[tuple[str, Node]]:
        return [(name, resource) for name, resource in self.resources.items()
                if isinstance(resource.value, dict) and _literal(resource.value.get("Type")) == type_name]

    def properties(self, resource: Node) -> dict[str, Node]:
        props = resource.value.get("Properties")
        if props is None:
            return {}
        if not isinstance(props.value, dict):
            raise fail(props.at, "Properties: expected a mapping")
        return props.value

    # -- resolution ---------------------------------------------------------------------------
    def resolve(self, node: Node):
        """The node with every intrinsic function resolved (or a Hole); DROPPED for AWS::NoValue."""
        try:
            return self._resolve(node)
        except RecursionError:
            raise fail(Span(node.at.path, 1, 1), TOO_DEEP) from None

    def _resolve(self, node: Node):
        value = node.value
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref" or key.startswith("Fn::"):
                    return self._function(key, arg, node.at)
            entries = {}
            for key, item in value.items():
                resolved = self._resolve(item)
                if resolved is not DROPPED:
                    entries[key] = resolved
            return Node(entries, node.at)
        if isinstance(value, list):
            return Node([r for r in (self._resolve(item) for item in value) if r is not DROPPED], node.at)
        return node

    def _function(self, name: str, arg: Node, at: Span):
        handler = {
            "Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub, "Fn::Join": self._join,
            "Fn::If": self._if, "Fn::Select": self._select, "Fn::Split": self._split, "Fn::FindInMap": self._find_in_map,
            "Fn::ImportValue": self._import_value,
        }.get(name)
        if handler is None:
            return Node(Hole(f"{name} {_brief(arg)}", None, at, f"rolec does not evaluate {name}"), at)
        return handler(arg, at)

    def _import_value(self, arg: Node, at: Span) -> Node:
        """Another stack's export: bound by its name once that name is literal text (parameters and bindings
        resolved); an export name that follows the deployment (AWS::Region, ...) names a different export in
        each deployment, so one value cannot stand for it."""
        export = self.resolve(arg)
        name = export.literal
        if name is not None:
            bound = self.bindings.get(IMPORT_BINDING + name)
            if bound is not None:
                return Node.string([bound], at)
            return Node(Hole(f"Fn::ImportValue {name}", IMPORT_BINDING + name, at, IMPORT_REASON), at)
        holes = list(export.holes())
        if holes and holes[0].binding is not None:
            why = (f"its export name depends on {holes[0].written}; bind that first (--set {holes[0].binding}=VALUE), "
                   f"then the export (--set {IMPORT_BINDING}EXPORT=VALUE)")
        elif holes:
            why = f"its export name depends on {holes[0].written}: {holes[0].reason}"
        elif export.is_string:
            why = ("its export name follows the deploying partition, region or account, so it names a different "
                   "export in each deployment and one value cannot be bound for it")
        else:
            why = "its export name is not a string"
        reason = f"{IMPORT_REASON}, and {why}"
        return Node(Hole(f"Fn::ImportValue {_brief(arg)}", None, at, reason), at)

    def _ref(self, arg: Node, at: Span):
        name = _literal(arg)
        if name is None:
            raise fail(arg.at, "Ref: expected the name of a parameter, resource or pseudo parameter")
        if name in PSEUDO:
            return Node((PSEUDO[name],), at)
        if name == NO_VALUE:
            return DROPPED
        bound = self.bindings.get(name)
        if bound is not None:
            return self._list(bound, at) if self._listed(name) else Node.string([bound], at)
        if name in self.parameters:
            return self._parameter(name, at)
        if name in self.resources:
            return self._resource_ref(name, at)
        if name.startswith("AWS::"):
            return Node(Hole(name, name, at), at)
        return Node(Hole(f"Ref {name}", None, at, "it is not a parameter or resource of this template"), at)

    def _parameter(self, name: str, at: Span) -> Node:
        spec = self.parameters[name].value if isinstance(self.parameters[name].value, dict) else {}
        type_name = _literal(spec.get("Type")) or ""
        if type_name.startswith("AWS::SSM::Parameter::Value"):
            return Node(Hole(f"parameter {name}", name, at,
                             "its value is read from Parameter Store at deploy time"), at)
        default = spec.get("Default")
        if default is None:
            return Node(Hole(f"parameter {name}", name, at), at)
        if default.literal is not None and self._listed(name):
            return self._list(default.literal, at)
        if default.is_string:
            return Node(default.value, at)
        if isinstance(default.value, (int, float)) and not isinstance(default.value, bool):
            return Node.string([str(default.value)], at)
        return Node(default.value, at)

    def _listed(self, name: str) -> bool:
        """A CommaDelimitedList or List<…> parameter: "an array of literal strings that are separated by commas",
        which Ref returns as a list (a default or a --set binding is written with the commas)."""
        spec = self.parameters[name].value if name in self.parameters and isinstance(self.parameters[name].value, dict) else {}
        type_name = _literal(spec.get("Type")) or ""
        return type_name == "CommaDelimitedList" or type_name.startswith("List<")

    @staticmethod
    def _list(text: str, at: Span) -> Node:
        return Node([Node.string([item], at) for item in text.split(",")], at)

    def _named(self, name: str, key: str, at: Span) -> Node | None:
        """The resolved literal name property of resource `name`, or None when CloudFormation generates it."""
        prop = self.properties(self.resources[name]).get(key)
        return None if prop is None else self.resolve(prop)

    REFS = {
        # resource type -> (name property, what Ref returns as a function of the name)
        "AWS::Logs::LogGroup": ("LogGroupName", lambda n: [n]),
        "AWS::SSM::Parameter": ("Name", lambda n: [n]),
        "AWS::S3::Bucket": ("BucketName", lambda n: [n]),
        "AWS::ECR::Repository": ("RepositoryName", lambda n: [n]),
        "AWS::SecretsManager::Secret": ("Name", lambda n: [*SECRET_ARN, n, SECRET_SUFFIX]),
    }
    GET_ATTS = {
        ("AWS::Logs::LogGroup", "Arn"): ("LogGroupName", lambda n: ["arn:", Pseudo.PARTITION, ":logs:", Pseudo.REGION, ":",
                                                                    Pseudo.ACCOUNT, ":log-group:", n, ":*"]),
        ("AWS::S3::Bucket", "Arn"): ("BucketName", lambda n: ["arn:", Pseudo.PARTITION, ":s3:::", n]),
        ("AWS::ECR::Repository", "Arn"): ("RepositoryName", lambda n: ["arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":",
                                                                       Pseudo.ACCOUNT, ":repository/", n]),
        ("AWS::SSM::Parameter", "Name"): ("Name", lambda n: [n]),
        ("AWS::SecretsManager::Secret", "Id"): ("Name", lambda n: [*SECRET_ARN, n, SECRET_SUFFIX]),
    }

    def _resource_ref(self, name: str, at: Span) -> Node:
        type_name = _literal(self.resources[name].value.get("Type")) if isinstance(self.resources[name].value, dict) else None
        return self._by_name(name, type_name, self.REFS.get(type_name), f"Ref {name}", at, binding=name)

    def _by_name(self, name, type_name, rule, written, at, binding=None) -> Node:
        if rule is None:
            return Node(Hole(written, None, at, f"it is a {type_name or 'resource'} that CloudFormation creates"), at)
        key, shape = rule
        resolved = self._named(name, key, at)
        if resolved is None:
            return Node(Hole(written, binding, at, f"{name} has no {key}, so CloudFormation generates its name"), at)
        if not resolved.is_string:
            return Node(Hole(written, None, at, f"{name}.{key} is not a string"), at) if not isinstance(resolved.value, Hole) \
                else Node(resolved.value, at)
        parts = []
        for piece in shape(None):
            parts.extend(resolved.value if piece is None else [piece])
        return Node.string(parts, at)

    def _get_att(self, arg: Node, at: Span) -> Node:
        if arg.is_string:
            resource, _, attribute = (arg.literal or "").partition(".")
        elif isinstance(arg.value, list) and len(arg.value) == 2:
            resource, attribute = _literal(arg.value[0]), _literal(arg.value[1])
        else:
            raise fail(arg.at, "Fn::GetAtt: expected [resource, attribute]")
        if resource not in self.resources:
            return Node(Hole(f"Fn::GetAtt {resource}.{attribute}", None, at, "it is not a resource of this template"), at)
        value = self.resources[resource].value
        type_name = _literal(value.get("Type")) if isinstance(value, dict) else None
        return self._by_name(resource, type_name, self.GET_ATTS.get((type_name, attribute)),
                             f"Fn::GetAtt {resource}.{attribute}", at)

    def _sub(self, arg: Node, at: Span) -> Node:
        variables: dict[str, Node] = {}
        template = arg
        if isinstance(arg.value, list):
            if len(arg.value) != 2 or not isinstance(arg.value[1].value, dict):
                raise fail(arg.at, "Fn::Sub: expected a string or [string, {variables}]")
            template, variables = arg.value[0], arg.value[1].value
        text = template.literal
        if text is None:
            raise fail(template.at, "Fn::Sub: expected a literal string")
        parts: list = []
        last = 0
        for match in _SUB.finditer(text):
            parts.append(text[last:match.start()])
            last = match.end()
            if match[1]:
                parts.append("${" + match[2] + "}")
                continue
            name = match[2]
            if name in variables:
                resolved = self.resolve(variables[name])
            elif "." in name and name.split(".", 1)[0] in self.resources:
                resolved = self._get_att(Node.string([name], at), at)
            else:
                resolved = self._ref(Node.string([name], template.at), at)
            parts.extend(_string_parts(resolved, at, f"${{{name}}}"))
        parts.append(text[last:])
        return Node.string(parts, at)

    def _join(self, arg: Node, at: Span) -> Node:
        if not isinstance(arg.value, list) or len(arg.value) != 2 or _literal(arg.value[0]) is None:
            raise fail(arg.at, "Fn::Join: expected [delimiter, [values]]")
        delimiter = _literal(arg.value[0])
        items = self.resolve(arg.value[1])
        if isinstance(items.value, Hole):
            return Node(items.value, at)
        if not isinstance(items.value, list):
            raise fail(arg.value[1].at, "Fn::Join: expected a list of values")
        parts: list = []
        for index, item in enumerate(items.value):
            if index:
                parts.append(delimiter)
            parts.extend(_string_parts(item, at, "a Fn::Join item"))
        return Node.string(parts, at)

    def _select(self, arg: Node, at: Span):
        if not isinstance(arg.value, list) or len(arg.value) != 2:
            raise fail(arg.at, "Fn::Select: expected [index, [values]]")
        index, items = self.resolve(arg.value[0]), self.resolve(arg.value[1])
        position = index.literal if index.is_string else index.value
        if isinstance(items.value, list) and str(position).isdigit() and int(position) < len(items.value):
            return items.value[int(position)]
        return Node(Hole(f"Fn::Select {_brief(arg)}", None, at, "its index or list is not known"), at)

    def _split(self, arg: Node, at: Span) -> Node:
        if not isinstance(arg.value, list) or len(arg.value) != 2 or _literal(arg.value[0]) is None:
            raise fail(arg.at, "Fn::Split: expected [delimiter, string]")
        source = self.resolve(arg.value[1])
        if source.literal is None:
            return Node(Hole(f"Fn::Split {_brief(arg)}", None, at, "the string it splits is not known"), at)
        return Node([Node.string([piece], at) for piece in source.literal.split(_literal(arg.value[0]))], at)

    def _find_in_map(self, arg: Node, at: Span) -> Node:
        keys = [self.resolve(k) for k in arg.value] if isinstance(arg.value, list) and len(arg.value) == 3 else None
        if keys is None:
            raise fail(arg.at, "Fn::FindInMap: expected [map, top-level key, second-level key]")
        if keys[0].literal in LOOKUPS and keys[1].value == (Pseudo.REGION,) and keys[2].literal == LOOKUP_KEY:
            return Node.string([LOOKUPS[keys[0].literal]], at)  # rolec's per-region lookup (targets/cloudformation)
        node = Node(self.mappings, arg.at)
        for key in keys:
            if key.literal is None or not isinstance(node.value, dict) or key.literal not in node.value:
                return Node(Hole(f"Fn::FindInMap {_brief(arg)}", None, at,
                                 "its keys are not known until deploy time or are not in Mappings"), at)
            node = node.value[key.literal]
        return self.resolve(node)

    def _if(self, arg: Node, at: Span):
        if not isinstance(arg.value, list) or len(arg.value) != 3 or _literal(arg.value[0]) is None:
            raise fail(arg.at, "Fn::If: expected [condition, value if true, value if false]")
        outcome = self.condition(_literal(arg.value[0]), arg.value[0].at)
        if isinstance(outcome, Hole):
            return Node(outcome, at)
        return self.resolve(arg.value[1] if outcome else arg.value[2])

    def condition(self, name: str, at: Span) -> bool | Hole:
        if name not in self.conditions:
            raise fail(at, f"Fn::If: {name!r} is not a condition of this template")
        return self._evaluate(self.conditions[name])

    def _evaluate(self, node: Node) -> bool | Hole:
        value = node.value
        if not isinstance(value, dict) or len(value) != 1:
            raise fail(node.at, "expected a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)")
        (name, arg), = value.items()
        if name == "Condition":
            return self.condition(_literal(arg), arg.at)
        items = arg.value if isinstance(arg.value, list) else [arg]
        if name == "Fn::Equals" and len(items) == 2:
            left, right = (self.resolve(i) for i in items)
            for side in (left, right):
                holes = list(side.holes())
                if holes or not side.is_string and not isinstance(side.value, (int, bool, float)):
                    return holes[0] if holes else Hole(f"Fn::Equals {_brief(arg)}", None, node.at, "it compares a value rolec does not know")
            return left.plain() == right.plain() if not (left.is_string and right.is_string) else left.value == right.value
        outcomes = [self._evaluate(i) for i in items]
        unknown = next((o for o in outcomes if isinstance(o, Hole)), None)
        if name == "Fn::Not" and len(outcomes) == 1:
            return unknown or not outcomes[0]
        if name in ("Fn::And", "Fn::Or"):
            return unknown or (all(outcomes) if name == "Fn::And" else any(outcomes))
        raise fail(node.at, f"{name} is not a condition function")


def _literal(node: Node | None) -> str | None:
    return None if node is None else node.literal


def _brief(node: Node) -> str:
    text = str(node.plain())
    return text if len(text) <= 60 else text[:57] + "..."


def _string_parts(node, at: Span, what: str) -> list:
    if node is DROPPED:
        return []
    if node.is_string:
        return list(node.value)
    if isinstance(node.value, Hole):
        return [node.value]
    if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return [str(node.value)]
    raise fail(node.at, f"{what}: expected a string, got {type(node.value).__name__}")
