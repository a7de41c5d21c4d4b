"""Terraform modules (HCL via python-hcl2's parse tree, or Terraform JSON): read located, evaluate what the module determines.

Terraform's unit is the module: every `*.tf` and `*.tf.json` file of one folder, merged, override
files (`override.tf`, `*_override.tf`, and their `.tf.json` forms) applied last in lexical order with
Terraform's merge rules. A folder given to rolec is read as that module, strictly: a declaration made
twice (two `variable "x"`, two `resource "a" "b"`, one local in two `locals` blocks) is an error naming
both places, as Terraform's is. A file given to rolec is read with what it references from its module:
its own declarations first; a `var.`, `local.`, resource or data source it does not declare is looked up
among the other files of its folder (declared in exactly one: used; in several: a located Hole naming
every place; in none: unresolved), and so on from the file that holds each looked-up value. Folders often
hold files of unrelated projects side by side, so duplicates the file never reaches do not matter, and a
sibling that cannot be read matters only when a lookup finds nothing. Every value keeps the file, line
and column it is written at.

python-hcl2's dictionaries carry no positions (its `with_meta` is a no-op since v8), so rolec walks
the Lark parse tree, whose nodes know their line and column, and evaluates expressions itself:
literals, strings and interpolations, tuples, objects, `jsonencode`, `file`/`templatefile` of a
file in the module's folder, variable defaults (or `--set var.NAME=VALUE`), locals (or
`--set local.NAME=VALUE`), the `aws_region`/`aws_caller_identity`/`aws_partition` data sources
(the deploying region/account/partition) and the names of log groups, secrets, SSM parameters,
S3 buckets and ECR repositories declared in the module. Anything else (`for` expressions,
`merge()`, conditionals, attributes known only after apply) is a Hole naming why. Variable values
are their defaults, `--set var.NAME=VALUE`, or the values of the variable files given (`read_var_files`,
`--var-file`): a folder may be a child module whose caller sets them, so no `.tfvars` file is read unasked.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from ..aws.lookups import LOOKUPS
from ..errors import Diagnostic, SpecError
from ..targets.terraform import local_name
from ..text import Pseudo
from . import TOO_DEEP, Bindings, Hole, Node, Span, fail, read_text
from . import jsonfile
from .tfmodule import folder_of, is_override, module_files

SECRET_ARN = ("arn:", Pseudo.PARTITION, ":secretsmanager:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":secret:")
PARAMETER_ARN = ("arn:", Pseudo.PARTITION, ":ssm:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":parameter")
LOOKUP_LOCALS = {local_name(lookup): lookup for lookup in LOOKUPS.values()}
"""rolec's per-region lookups by the name of the Terraform local holding their table (targets/terraform)."""
PSEUDO_DATA = {("aws_region", "name"): Pseudo.REGION, ("aws_region", "region"): Pseudo.REGION,
               ("aws_region", "id"): Pseudo.REGION, ("aws_caller_identity", "account_id"): Pseudo.ACCOUNT,
               ("aws_caller_identity", "id"): Pseudo.ACCOUNT, ("aws_partition", "partition"): Pseudo.PARTITION,
               ("aws_partition", "id"): Pseudo.PARTITION}


@dataclass(frozen=True)
class Embedded:
    """A file that `file()`/`templatefile()` reads, kept as text with its own location and template variables."""

    display: str
    text: str
    variables: dict


@dataclass
class Block:
    kind: str
    labels: tuple[str, ...]
    attributes: dict[str, Any]
    """Attribute name -> expression (a Lark tree for HCL, a Node for Terraform JSON)."""
    at: Span
    blocks: list["Block"] = field(default_factory=list)
    merged_from: tuple[str, ...] = ()
    """The override files merged into this block (display paths)."""


@dataclass(frozen=True)
class File:
    """One file of a module: its text for quoting expressions as written, and its parse tree (kept alive, so
    that the ids of its subtrees, by which the module finds the file of an expression, stay unique)."""

    path: Path
    display: str
    text: str
    tree: Any


@dataclass
class Module:
    """The `*.tf` and `*.tf.json` files of one folder, merged as Terraform merges them, and an evaluator of
    expressions over them. `blocks` are the blocks read as given (every file's for a folder; the file's own for a
    file, or for an override file the blocks it changes); `declarations` index every readable primary file's
    declarations, by `(kind, *labels)` and `("local", NAME)`, for the references the given blocks make."""

    folder: Path
    display: str
    """The folder as the user named it (through its files' display paths)."""
    files: dict[str, File]
    blocks: list[Block]
    bindings: Bindings
    declarations: dict[tuple, list[Block]] = field(default_factory=dict)
    unreadable: tuple[Diagnostic, ...] = ()
    """Why each sibling file that could not be read was not (a file given: only a lookup that finds nothing says so)."""
    _origin: dict[int, File] = field(default_factory=dict, repr=False)
    _evaluating: set = field(default_factory=set)

    def __post_init__(self):
        for file in self.files.values():
            if isinstance(file.tree, Tree):
                self._origin.update((id(subtree), file) for subtree in file.tree.iter_subtrees())

    def resources(self, type_name: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == "resource" and b.labels[:1] == (type_name,)]

    def elsewhere(self, type_name: str) -> list[Block]:
        """The resources of a type that files other than the one given declare (a folder given: none)."""
        given = {id(b) for b in self.blocks}
        return [b for key, found in self.declarations.items() if key[:2] == ("resource", type_name)
                for b in found if id(b) not in given]

    def find(self, kind: str, *labels: str, at: Span | None = None) -> Block | None:
        """The block a reference at `at` means (None: declared nowhere; no `at`: a given block first); a reference
        rolec cannot pin to one declaration is a located error."""
        given = [b for b in self.blocks if b.kind == kind and b.labels == labels]
        if at is None and given:
            return given[0]
        found = self._declared((kind, *labels), at or Span(self.display, 1, 1))
        if isinstance(found, Hole):
            raise fail(found.at, found.reason)
        return found

    def _declared(self, key: tuple, at: Span) -> Block | Hole | None:
        """The declaration a reference written at `at` means: the one in the reference's own file, else the only
        one of the other files. Several: a Hole at the reference naming each; none while a sibling is unreadable:
        a Hole at that file's problem."""
        found = self.declarations.get(key, [])
        candidates = [b for b in found if b.at.path == at.path] or found
        name = _key_address(key)
        bind = f", or bind it with --set {name}=VALUE" if key[0] in ("variable", "local") else ""
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            places = ", ".join(_located(_declared_at(key, b)) for b in candidates)
            return Hole(name, None, at, f"{name} is declared in more than one place ({places}); Terraform refuses such a "
                                        f"module and rolec cannot tell which one is meant: give the module's folder{bind}")
        if self.unreadable:
            first = self.unreadable[0]
            others = "".join(f", {d.path}:{d.line}:{d.col} ({d.message})" for d in self.unreadable[1:])
            return Hole(name, None, Span(first.path, first.line, first.col),
                        f"{name} (used at {_located(at)}) is declared in no file rolec could read, and this file of the "
                        f"module cannot be read ({first.message}){others}; fix it{bind}")
        return None

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, expression) -> Node:
        """The value of an attribute's expression (a Lark tree of one of the module's files, or a Terraform JSON Node)."""
        file = self.files[expression.at.path] if isinstance(expression, Node) else self._origin[id(expression)]
        try:
            if isinstance(expression, Node):
                return self._json(expression)
            return _Evaluator(self, file).value(expression)
        except RecursionError:
            raise fail(Span(file.display, 1, 1), TOO_DEEP) from None

    def _json(self, node: Node) -> Node:
        """Terraform JSON: strings are templates (`${...}`), everything else is literal."""
        if isinstance(node.value, dict):
            return Node({k: self._json(v) for k, v in node.value.items()}, node.at)
        if isinstance(node.value, list):
            return Node([self._json(v) for v in node.value], node.at)
        text = node.literal
        if text is not None and "${" in text:
            file = self.files[node.at.path]
            tree = _parse(f"x = {_quoted_template(text)}\n", file.display, node.at)
            return _Evaluator(self, file, anchor=node.at).value(tree.children[0].children[0].children[-1])
        return node

    def reference(self, path: list[str], at: Span, written: str) -> Node:
        head = path[0]
        if head in ("var", "local") and len(path) >= 2:
            name = f"{head}.{path[1]}"
            bound = self.bindings.get(name)
            if bound is not None:
                return Node.string([bound], at)
            if head == "var" and path[1] in self.bindings.variables:
                return _attribute(self.bindings.variables[path[1]], path[2:], at, written)
            block = self._declared(("variable", path[1]) if head == "var" else ("local", path[1]), at)
            if isinstance(block, Hole):
                return Node(block, at)
            expression = None if block is None else block.attributes.get("default" if head == "var" else path[1])
            if expression is None:
                return Node(Hole(name, name, at), at)
            if (name, id(block)) in self._evaluating:
                raise fail(at, f"{name} refers to itself")
            self._evaluating.add((name, id(block)))
            try:
                value = self.evaluate(expression)
            finally:
                self._evaluating.discard((name, id(block)))
            return _attribute(value, path[2:], at, written)
        if head == "path" and len(path) == 2 and path[1] in ("module", "root", "cwd"):
            return Node.string(["."], at)  # rolec reads one module: `file()` paths are relative to its folder
        if head == "data" and len(path) >= 4:
            pseudo = PSEUDO_DATA.get((path[1], path[3]))
            if pseudo is not None:
                return Node((pseudo,), at)
            return self._named("data", path[1], path[2], path[3], at, written)
        if len(path) >= 3 and head.startswith("aws_"):
            return self._named("resource", head, path[1], path[2], at, written)
        if head == "module" and len(path) >= 2:
            return Node(Hole(written, None, at, f"it is an output of module.{path[1]}, a module this one calls: rolec "
                                                "reads the module given, not the modules it calls"), at)
        return Node(Hole(written, None, at, "it is known only when Terraform runs"), at)

    def _named(self, kind: str, type_name: str, name: str, attribute: str, at: Span, written: str) -> Node:
        block = self._declared((kind, type_name, name), at)
        after_apply = Node(Hole(written, None, at, f"it is an attribute of {type_name}.{name} known only after apply"), at)
        if isinstance(block, Hole):
            return Node(Hole(written, None, block.at, block.reason), at)
        if block is None:
            return Node(Hole(written, None, at, f"{kind} {type_name}.{name} is not declared in any file of the module"), at)
        if "for_each" in block.attributes or "count" in block.attributes:
            return Node(Hole(written, None, at, f"{type_name}.{name} uses for_each/count, which rolec does not evaluate"), at)

        def attr(key: str) -> Node | None:
            return self.evaluate(block.attributes[key]) if key in block.attributes else None

        def string(*parts) -> Node:
            out: list = []
            for part in parts:
                if isinstance(part, Node):
                    if part.is_string:
                        out.extend(part.value)
                    elif isinstance(part.value, Hole):
                        out.append(part.value)
                    else:
                        return after_apply
                else:
                    out.append(part)
            return Node.string(out, at)

        if type_name == "aws_cloudwatch_log_group" and (log_name := attr("name")) is not None:
            if attribute in ("name", "id"):
                return string(log_name)
            if attribute == "arn":
                return string("arn:", Pseudo.PARTITION, ":logs:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":log-group:", log_name)
        if type_name == "aws_secretsmanager_secret":
            given = attr("arn") if kind == "data" else None
            if given is not None and attribute in ("arn", "id"):
                return string(given)
            secret_name = attr("name")
            if secret_name is not None and attribute in ("arn", "id"):
                return string(*SECRET_ARN, secret_name)
            if secret_name is not None and attribute == "name":
                return string(secret_name)
        if type_name == "aws_secretsmanager_secret_version" and attribute in ("arn", "secret_id") and "secret_id" in block.attributes:
            secret = attr("secret_id")
            if secret.literal is not None and not secret.literal.startswith("arn:"):
                return string(*SECRET_ARN, secret)
            return secret
        if type_name == "aws_ssm_parameter" and (parameter := attr("name")) is not None:
            if attribute in ("name", "id"):
                return string(parameter)
            if attribute == "arn":
                slash = "" if (parameter.literal or "").startswith("/") else "/"
                return string(*PARAMETER_ARN, slash, parameter)
        if type_name == "aws_s3_bucket" and (bucket := attr("bucket")) is not None:
            if attribute in ("bucket", "id"):
                return string(bucket)
            if attribute == "arn":
                return string("arn:", Pseudo.PARTITION, ":s3:::", bucket)
        if type_name == "aws_ecr_repository" and (repository := attr("name")) is not None:
            if attribute in ("name", "id"):
                return string(repository)
            if attribute == "repository_url":
                return string(Pseudo.ACCOUNT, ".dkr.ecr.", Pseudo.REGION, ".amazonaws.com/", repository)
            if attribute == "arn":
                return string("arn:", Pseudo.PARTITION, ":ecr:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":repository/", repository)
        return after_apply

    def embedded(self, function: str, arguments: list[Node], at: Span) -> Node:
        """`file(PATH)` / `templatefile(PATH, VARS)`: a file of the module's folder, kept as text to be decoded located."""
        path = arguments[0].literal if arguments else None
        if path is None:
            return Node(Hole(f"{function}(...)", None, at, "its path is not a literal"), at)
        target = (self.folder / path).resolve()
        if self.folder.resolve() not in target.parents:
            raise fail(at, f"{function}({path!r}): rolec reads only files in the module's own folder")
        display = str(Path(self.display) / path)
        text = read_text(target, display, f"{function}({path!r})")
        variables = {}
        if function == "templatefile" and len(arguments) > 1:
            if not isinstance(arguments[1].value, dict):
                return Node(Hole("templatefile variables", None, at, "the variables are not an object literal"), at)
            variables = arguments[1].value
        return Node(Embedded(display, text, variables), at)


def decode_json(node: Node, bindings: Bindings) -> Node:
    """An attribute that holds JSON: a structure (jsonencode), a JSON string, or an embedded file."""
    if isinstance(node.value, Embedded):
        variables = node.value.variables

        def lookup(name: str):
            if name in variables and variables[name].literal is not None:
                return variables[name].literal
            return bindings.get(name) if name not in variables else None

        return jsonfile.parse(node.value.text, node.value.display, jsonfile.placeholders(lookup))
    if node.is_string:
        if node.literal is None:
            hole = next(node.holes())
            return Node(hole, node.at)
        return jsonfile.parse(node.literal, node.at.path, line=node.at.line, col=node.at.col)
    return node


# ---------------------------------------------------------------------------------------------
# reading

def read(path: Path, display: str, bindings: Bindings) -> Module:
    """The module that `path` belongs to: a folder is read as the module, strictly (every file must be readable, a
    declaration made twice is an error); a `.tf`/`.tf.json` file is read with what it references from the other
    files of its folder (a sibling that cannot be read, or declares what another does, matters only to a lookup that
    reaches it). Problems are reported together."""
    whole = path.is_dir()
    folder = folder_of(path)
    folder_display = display if whole else str(Path(display).parent)
    paths = module_files(path)
    if path.is_file() and path not in paths:
        paths.insert(0, path)  # a file Terraform would skip (an editor's copy) is still what the user asked for
    if not paths:
        raise fail(Span(display, 1, 1), f"{display} holds no .tf or .tf.json file: it is not a Terraform module")
    files, problems, unreadable = [], [], []
    for member in paths:
        try:
            files.append(_read_file(member, display if member == path else str(Path(folder_display) / member.name)))
        except SpecError as exc:
            # an override file may change any declaration the given file uses: it must be readable too
            needed = whole or member == path or is_override(member.name)
            (problems if needed else unreadable).extend(exc.diagnostics)
    if problems:
        raise SpecError(problems)
    given = None if whole else display
    primary = [(f, b) for f, b in files if not is_override(f.path.name)]
    declarations, problems = _declarations(primary, given)
    problems += _override_all(declarations, [(f, b) for f, b in files if is_override(f.path.name)], given)
    if problems:
        raise SpecError(problems)
    blocks = [b for _, found in primary for b in found
              if given is None or b.at.path == given or given in b.merged_from]
    return Module(folder, folder_display, {f.display: f for f, _ in files}, blocks, bindings, declarations,
                  tuple(unreadable))


def read_var_files(paths: list[Path]) -> dict[str, Node]:
    """`var.NAME` values from Terraform variable files (`NAME = VALUE` lines in `.tfvars`, an object in
    `.tfvars.json`), as `terraform -var-file` reads them: a later file's value wins. A value must be a literal, as
    Terraform requires; problems of every file are reported together, located."""
    values: dict[str, Node] = {}
    problems: list[Diagnostic] = []
    for path in paths:
        display = path.as_posix()
        try:
            values.update(_var_file(path, display))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(problems)
    return values


def _var_file(path: Path, display: str) -> dict[str, Node]:
    text = read_text(path, display, "the variable file")
    if path.name.endswith(".json"):
        root = jsonfile.parse(text, display)
        if not isinstance(root.value, dict):
            raise fail(root.at, "a .tfvars.json file holds one object of variable values")
        file, expressions = File(path, display, text, root), dict(root.value)
    else:
        tree = _parse(text, display, None)
        items = _children(tree.children[0])
        for item in items:
            if item.data != "attribute":
                raise fail(_span(item, display), "a variable file holds NAME = VALUE lines only")
        file = File(path, display, text, tree)
        expressions = {_name(_children(a)[0]): _children(a)[-1] for a in items}
    module = Module(path.parent, str(Path(display).parent), {display: file}, [], Bindings())
    values, problems = {}, []
    for name, expression in expressions.items():
        value = module.evaluate(expression)
        hole = next(value.holes(), None)
        if hole is not None:
            problems.append(hole.at.error(f"var.{name}: a variable file holds literal values, and {hole.written} is not "
                                          "one (Terraform refuses references and functions there)"))
        values[name] = value
    if problems:
        raise SpecError(problems)
    return values


def _read_file(path: Path, display: str) -> tuple[File, list[Block]]:
    text = read_text(path, display, "the Terraform file")
    if path.name.endswith(".tf.json") or text.lstrip().startswith("{"):
        root = jsonfile.parse(text, display)
        return File(path, display, text, root), _json_blocks(root)
    tree = _parse(text, display, None)
    try:
        return File(path, display, text, tree), _blocks(tree.children[0], display)
    except RecursionError:
        raise fail(Span(display, 1, 1), TOO_DEEP) from None


DECLARED = {"variable": "a variable", "resource": "a resource", "data": "a data resource", "output": "an output",
            "module": "a module call"}
"""The blocks whose labels Terraform requires to be unique in a module (locals: each name), and what it calls them."""


def _keys(block: Block) -> list[tuple]:
    """What a block declares: `(kind, *labels)`, or for a `locals` block `("local", NAME)` for each of its locals."""
    if block.kind == "locals":
        return [("local", name) for name in block.attributes]
    return [(block.kind, *block.labels)] if block.kind in DECLARED else []


def _declarations(primary: list[tuple[File, list[Block]]], given: str | None) -> tuple[dict, list[Diagnostic]]:
    """Every declaration of the primary files by `(kind, *labels)` (a local by `("local", NAME)`: its `locals`
    block), in file order. A second declaration is an error naming the first: anywhere in a folder given
    (`given` None), within the file given otherwise (siblings' duplicates matter only to a lookup)."""
    declarations: dict[tuple, list[Block]] = {}
    problems: list[Diagnostic] = []
    for _, found in primary:
        for block in found:
            for key in _keys(block):
                earlier = [b for b in declarations.get(key, []) if given is None or b.at.path == given == block.at.path]
                if earlier and key[0] == "local":
                    problems.append(_declared_at(key, block).error(
                        f"local.{key[1]} is defined twice, first at {_located(_declared_at(key, earlier[0]))}; "
                        "Terraform refuses a module that defines a local value twice"))
                elif earlier:
                    problems.append(block.at.error(
                        f"{_address(block)} is declared twice, first at {_located(earlier[0].at)}; "
                        f"Terraform refuses a module that declares {DECLARED[block.kind]} twice"))
                declarations.setdefault(key, []).append(block)
    return declarations, problems


def _override_all(declarations: dict[tuple, list[Block]], overrides: list[tuple[File, list[Block]]],
                  given: str | None) -> list[Diagnostic]:
    """Merge the override files into the declarations they change, as Terraform merges them (language/files/override):
    an argument replaces the argument of that name, a nested block type replaces every nested block of that type
    (`lifecycle` is merged argument by argument), a local replaces the local of that name. An override of nothing is
    an error in a folder given, or in the override file given; otherwise it changes nothing the file reads."""
    problems: list[Diagnostic] = []
    for file, found in overrides:
        for block in found:
            for key in _keys(block):
                bases = declarations.get(key, [])
                own = [b for b in bases if b.at.path == given]
                base = own[0] if own else bases[0] if len(bases) == 1 or (given is None and bases) else None
                if base is None and (given is None or given == file.display):
                    address = f"local.{key[1]}" if key[0] == "local" else _address(block)
                    places = ", ".join(_located(_declared_at(key, b)) for b in bases)
                    problems.append(_declared_at(key, block).error(
                        f"{file.display} overrides {address}, which more than one other file declares "
                        f"({places}); rolec cannot tell which one it changes: give the module's folder" if bases else
                        f"{file.display} overrides {address}, which no other file of the module "
                        f"{'defines' if key[0] == 'local' else 'declares'}; an override file can only change what a "
                        "primary file declares"))
                elif base is not None and key[0] == "local":
                    base.attributes[key[1]] = block.attributes[key[1]]
                elif base is not None:
                    _override(base, block)
                    base.merged_from += (file.display,)
    return problems


def _override(base: Block, override: Block) -> None:
    for name, expression in override.attributes.items():
        base.blocks = [b for b in base.blocks if b.kind != name]  # Terraform JSON writes a nested block as an argument
        base.attributes[name] = expression
    for kind in dict.fromkeys(b.kind for b in override.blocks):
        replacing = [b for b in override.blocks if b.kind == kind]
        kept = [b for b in base.blocks if b.kind == kind]
        if kind == "lifecycle" and kept:
            for item in replacing:
                kept[0].attributes.update(item.attributes)
            continue
        base.attributes.pop(kind, None)
        base.blocks = [b for b in base.blocks if b.kind != kind] + replacing


def _address(block: Block) -> str:
    """How Terraform names the block: `aws_x.y`, `data.aws_x.y`, `module.y`, `variable "y"`, `output "y"`."""
    if block.kind == "resource":
        return ".".join(block.labels)
    if block.kind in ("data", "module"):
        return ".".join((block.kind, *block.labels))
    return " ".join((block.kind, *(f'"{label}"' for label in block.labels)))


def _key_address(key: tuple) -> str:
    """How a reference names the declaration: `var.x`, `local.x`, `aws_x.y`, `data.aws_x.y`, `module.y`."""
    kind, *labels = key
    prefix = {"variable": "var", "resource": None, "output": "output"}.get(kind, kind)
    return ".".join(([prefix] if prefix else []) + labels)


def _declared_at(key: tuple, block: Block) -> Span:
    """Where a declaration is written: the block, or for a local its value in the `locals` block."""
    return _where(block.attributes[key[1]], block.at) if key[0] == "local" else block.at


def _located(at: Span) -> str:
    return f"{at.path}:{at.line}:{at.col}"


def _where(expression, fallback: Span) -> Span:
    """Where an attribute's expression is written (a Terraform JSON Node knows; an HCL tree knows its line)."""
    if isinstance(expression, Node):
        return expression.at
    return _span(expression, fallback.path)


KEPT_TREES, KEPT_TEXT = 64, 64 * 1024
"""How many parse trees of texts up to how long are kept for the next read of the same text: a build reads a
module once per spec that links one of its files, and a tree costs about 0.15 ms a line to parse."""


def _parse(text: str, display: str, anchor: Span | None) -> Tree:
    text = text if text.endswith("\n") else text + "\n"
    try:
        return _kept_tree(text, display) if len(text) <= KEPT_TEXT else _tree(text)
    except UnexpectedInput as exc:
        line, col = getattr(exc, "line", 1), getattr(exc, "column", 1)
        at = anchor or Span(display, max(line, 1), max(col, 1))
        raise fail(at, f"invalid HCL: {_hcl_problem(exc)}") from None
    except (LarkError, RecursionError) as exc:
        raise fail(anchor or Span(display, 1, 1), f"invalid HCL: {type(exc).__name__}") from None


def _tree(text: str) -> Tree:
    import hcl2

    return hcl2.parses_to_tree(text)


@functools.lru_cache(maxsize=KEPT_TREES)
def _kept_tree(text: str, display: str) -> Tree:
    """A parse tree shared by every read of the same file with the same text (rolec never changes a tree, it only
    reads it); per file, because a module finds an expression's file by its subtrees' ids."""
    return _tree(text)


def _hcl_problem(exc: UnexpectedInput) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        text = str(token).strip() or repr(str(token))
        return f"unexpected {text[:40]!r}"
    char = getattr(exc, "char", None)
    return f"unexpected character {char!r}" if char else "syntax error"


def _span(tree, display: str, anchor: Span | None = None) -> Span:
    if anchor is not None:
        return anchor
    meta = getattr(tree, "meta", None)
    if meta is not None and not meta.empty:
        return Span(display, meta.line, meta.column)
    if isinstance(tree, Token) and tree.line is not None:
        return Span(display, tree.line, tree.column)
    return Span(display, 1, 1)


def _children(tree: Tree) -> list:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _name(tree) -> str:
    """The text of an identifier, keyword, literal or string label."""
    if isinstance(tree, Token):
        return str(tree)
    if tree.data == "string":
        return "".join(str(part.children[0]) for part in _children(tree))
    return "".join(str(t) for t in tree.scan_values(lambda v: isinstance(v, Token)))


def _blocks(body: Tree, display: str) -> list[Block]:
    blocks = []
    for item in _children(body):
        if item.data != "block":
            continue
        parts = _children(item)
        inner = parts[-1]
        names = [_name(p) for p in parts[:-1]]
        attributes = {_name(_children(a)[0]): _children(a)[-1] for a in _children(inner) if a.data == "attribute"}
        blocks.append(Block(names[0], tuple(names[1:]), attributes, _span(item, display), _blocks(inner, display)))
    return blocks


def _json_blocks(root: Node) -> list[Block]:
    """Terraform JSON: {"resource": {TYPE: {NAME: {...}}}, "data": ..., "variable": {NAME: {...}}, "locals": {...}}."""
    if not isinstance(root.value, dict):
        raise fail(root.at, "expected a Terraform JSON object with resource, data, variable or locals")
    blocks = []
    for kind, section in root.value.items():
        if kind == "locals":
            for item in section.value if isinstance(section.value, list) else [section]:
                blocks.append(Block("locals", (), dict(item.value), item.at))
            continue
        depth = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1}.get(kind)
        if depth is None or not isinstance(section.value, dict):
            continue
        for first, level in section.value.items():
            if depth == 1:
                if isinstance(level.value, dict):
                    blocks.append(Block(kind, (first,), dict(level.value), level.at))
                continue
            for second, body in (level.value.items() if isinstance(level.value, dict) else ()):
                for item in body.value if isinstance(body.value, list) else [body]:
                    if isinstance(item.value, dict):
                        blocks.append(Block(kind, (first, second), dict(item.value), item.at))
    return blocks


class _Evaluator:
    """Evaluates the expressions of one file of the module (its spans and quoted text are that file's)."""

    def __init__(self, module: Module, file: File, anchor: Span | None = None):
        self.module, self.file, self.anchor = module, file, anchor

    def span(self, tree) -> Span:
        return _span(tree, self.file.display, self.anchor)

    def written(self, tree) -> str:
        meta = getattr(tree, "meta", None)
        if self.anchor is None and meta is not None and not meta.empty:
            text = " ".join(self.file.text[meta.start_pos:meta.end_pos].split())
            return text if len(text) <= 80 else text[:77] + "..."
        return "an expression"

    def hole(self, tree, reason: str) -> Node:
        at = self.span(tree)
        return Node(Hole(self.written(tree), None, at, reason), at)

    def value(self, tree) -> Node:
        kind = tree.data
        at = self.span(tree)
        if kind == "expr_term":
            inner = _children(tree)
            return self.value(inner[0]) if len(inner) == 1 else self.hole(tree, "rolec does not evaluate this expression")
        if kind == "int_lit":
            return Node(int(tree.children[0]), at)
        if kind == "float_lit":
            return Node(float(tree.children[0]), at)
        if kind == "literal_value":
            return Node({"true": True, "false": False, "null": None}[str(tree.children[0])], at)
        if kind == "string":
            return self.string(tree, at)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(tree, at)
        if kind == "tuple":
            return Node([self.value(item) for item in _children(tree)], at)
        if kind == "object":
            return self.object(tree, at)
        if kind in ("identifier", "get_attr_expr_term", "index_expr_term"):
            lookup = self.lookup(tree)
            if lookup is not None:
                return Node.string([lookup], at)
            path = self.path(tree)
            if path is None:
                return self.hole(tree, "rolec evaluates only plain references such as var.NAME or local.NAME")
            return self.module.reference(path, at, self.written(tree))
        if kind == "function_call":
            return self.call(tree, at)
        reasons = {
            "conditional": "rolec does not evaluate conditional expressions",
            "for_tuple_expr": "rolec does not evaluate for expressions", "for_object_expr": "rolec does not evaluate for expressions",
            "binary_op": "rolec does not evaluate operators", "unary_op": "rolec does not evaluate operators",
        }
        return self.hole(tree, reasons.get(kind, f"rolec does not evaluate {kind.replace('_', ' ')}s"))

    def lookup(self, tree):
        """rolec's per-region lookup `local.NAME[data.aws_region.current.name]` (targets/terraform), else None."""
        if tree.data != "index_expr_term":
            return None
        base, index = _children(tree)
        head = self.path(base)
        key = self.value(_children(index)[0]) if _children(index) else None
        if head is None or len(head) != 2 or head[0] != "local" or key is None or key.value != (Pseudo.REGION,):
            return None
        return LOOKUP_LOCALS.get(head[1])

    def path(self, tree) -> list[str] | None:
        kind = tree.data
        if kind == "expr_term":
            inner = _children(tree)
            return self.path(inner[0]) if len(inner) == 1 else None
        if kind == "identifier":
            return [str(tree.children[0])]
        if kind == "get_attr_expr_term":
            base, attr = _children(tree)
            head = self.path(base)
            return None if head is None else head + [_name(_children(attr)[0])]
        if kind == "index_expr_term":
            base, index = _children(tree)
            head = self.path(base)
            key = self.value(_children(index)[0]) if _children(index) else None
            if head is None or key is None or key.literal is None and not isinstance(key.value, int):
                return None
            return head + [str(key.literal if key.literal is not None else key.value)]
        return None

    def string(self, tree, at: Span) -> Node:
        pieces = _children(tree)
        if len(pieces) == 1 and isinstance(pieces[0].children[0], Tree) and pieces[0].children[0].data == "interpolation":
            return self.value(_children(pieces[0].children[0])[0])  # "${x}" is x itself, not its string form
        parts: list = []
        for part in pieces:
            child = part.children[0]
            if isinstance(child, Token):
                text = str(child)
                if child.type == "ESCAPED_INTERPOLATION":
                    parts.append(text[1:])
                elif child.type == "ESCAPED_DIRECTIVE":
                    parts.append(text[1:])
                else:
                    parts.append(_unescape(text))
            elif child.data == "interpolation":
                value = self.value(_children(child)[0])
                parts.extend(_string_parts(value))
            else:
                return self.hole(tree, "rolec does not evaluate template directives (%{ })")
        return Node.string(parts, at)

    def heredoc(self, tree, at: Span) -> Node:
        raw = str(tree.children[0])
        first_newline = raw.index("\n")
        body = raw[first_newline + 1:]
        body = body[: body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        if tree.data == "heredoc_template_trim":
            lines = body.splitlines(keepends=True)
            indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
            body = "".join(line[indent:] for line in lines)
        start = Span(at.path, at.line + 1, 1)
        if "${" not in body and "%{" not in body:
            return Node.string([body], start)
        tree = _parse(f"x = {_quoted_template(body)}\n", self.file.display, start)
        return _Evaluator(self.module, self.file, anchor=start).value(_children(_children(tree.children[0])[0])[-1])

    def object(self, tree, at: Span) -> Node:
        entries: dict[str, Node] = {}
        for element in _children(tree):
            key_tree, value_tree = _children(element)[0], _children(element)[-1]
            key = self.key(key_tree)
            if key is None:
                return self.hole(tree, "an object key is not a literal")
            entries[key] = self.value(value_tree)
        return Node(entries, at)

    def key(self, key_tree) -> str | None:
        inner = _children(key_tree)
        if not inner:
            return _name(key_tree)
        expression = inner[0]
        path = self.path(expression) if expression.data in ("expr_term", "identifier") else None
        if path is not None and len(path) == 1:
            return path[0]
        value = self.value(expression)
        return value.literal

    def call(self, tree, at: Span) -> Node:
        parts = _children(tree)
        name = _name(parts[0])
        arguments = [self.value(a) for a in _children(parts[1])] if len(parts) > 1 else []
        if name == "jsonencode" and len(arguments) == 1:
            return arguments[0]
        if name in ("file", "templatefile") and arguments:
            return self.module.embedded(name, arguments, at)
        return self.hole(tree, f"rolec does not evaluate Terraform's {name}()")


def _string_parts(value: Node) -> list:
    if value.is_string:
        return list(value.value)
    if isinstance(value.value, Hole):
        return [value.value]
    if isinstance(value.value, bool):
        return ["true" if value.value else "false"]
    if isinstance(value.value, (int, float)):
        return [str(value.value)]
    return [Hole("a non-string value in a string", None, value.at, "it is a list or object")]


def _attribute(value: Node, rest: list[str], at: Span, written: str) -> Node:
    for key in rest:
        if isinstance(value.value, dict) and key in value.value:
            value = value.value[key]
        elif isinstance(value.value, list) and key.isdigit() and int(key) < len(value.value):
            value = value.value[int(key)]
        else:
            return Node(Hole(written, None, at, f"it has no element {key!r}"), at)
    return value


def _quoted_template(text: str) -> str:
    """`text` (a template: literal text with `${...}` interpolations) as an HCL quoted string: the literal text
    escaped, the expressions inside `${...}` kept as written (their own quotes included)."""
    out, index, depth = ['"'], 0, 0
    while index < len(text):
        char = text[index]
        if depth == 0 and text.startswith("${", index):
            out.append("${")
            depth, index = 1, index + 2
            continue
        if depth:
            depth += {"{": 1, "}": -1}.get(char, 0)
            out.append(char)
        else:
            out.append(json.dumps(char)[1:-1])
        index += 1
    return "".join(out) + '"'


def _unescape(text: str) -> str:
    try:
        return json.loads(f'"{text}"')
    except json.JSONDecodeError:
        return text
