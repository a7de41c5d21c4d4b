"""The build: discover specs, load and lower each, render every target, lint, and hand files to the writer.

Heavy modules (troposphere, cfn-lint) are imported only when a spec has to be compiled,
so a build whose specs are all cached never pays for them.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .. import rules
from ..errors import Diagnostic, SpecError
from .discover import display

if TYPE_CHECKING:
    from .cache import BuildCache
    from ..ir import Role
    from ..taskdefs.link import Link
    from ..validate.cfnlint import CfnLint, Finding

FAILING_SEVERITIES = ("error", "warning", "informational")
"""Every cfn-lint finding fails the build: cfnlintrc.yaml turns the informational checks on (cfn-lint -c I)."""
PARALLEL_FROM = 16
"""Below this many specs to compile, a process pool costs more than it saves."""
CHUNK = 4
"""Specs a worker takes at a time: about half a second of work, so that no worker idles for long at the
end of a build while another finishes a large chunk."""


class LintError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(map(str, diagnostics)))


@dataclass(frozen=True)
class Compiled:
    role: Role
    spec_file: Path
    files: dict[str, str]
    """Output path relative to the out directory (POSIX form) -> file text."""
    embedded: dict[str, str] = field(default_factory=dict)
    """CloudFormation templates inside an output (a StackSet's TemplateBody), by that output's path: linted, not written."""
    embedded_lint_config: str | None = None
    """The cfn-lint configuration (file name in compiler/validate) for the embedded templates."""
    link: Link | None = None
    """The spec's linked task definitions against its grants (None when it links none)."""

    @property
    def role_id(self) -> str:
        return self.role.id


@dataclass(frozen=True)
class Output:
    """What the writer needs of a spec's build, whether compiled now or taken from the cache."""

    role_id: str
    spec_file: Path
    files: dict[str, str]


Built = Union[Compiled, Output]


def output_paths(role_id: str) -> tuple[str, str]:
    return f"cloudformation/{role_id}.yaml", f"terraform/{role_id}/main.tf.json"


def stackset_paths(role_id: str) -> tuple[str, str]:
    return f"stacksets/{role_id}.yaml", f"stacksets/{role_id}.tf.json"


def check_invariants(role: Role) -> None:
    """rolec's own rules (compiler/rules) on the IR, before any target renders it."""
    findings = rules.check(role)
    if findings:
        raise LintError([Diagnostic(role.spec_path, f.line, 1, str(f)) for f in findings])


def compile_spec(path: Path) -> Compiled:
    from ..lower import lower
    from ..reports import owners
    from ..spec.v1 import load_spec
    from ..targets import cloudformation, terraform

    spec = load_spec(path, display(path))
    role = lower(spec)
    check_invariants(role)
    link = None
    if spec.task_definitions:
        from ..taskdefs.link import check

        link = check(spec, path)
    cfn_path, tf_path = output_paths(role.id)
    files = {cfn_path: cloudformation.render(role), tf_path: terraform.render(role)}
    if owners.owner_grants(role):
        files[owners.output_path(role.id)] = owners.to_json(role)
    embedded = {}
    if spec.stackset is not None:
        from ..targets import stackset

        body = stackset_role_template(role, spec)
        check_template_body(body, spec)
        ss_cfn, ss_tf = stackset_paths(role.id)
        files[ss_cfn] = stackset.cloudformation_template(role, spec.stackset, body)
        files[ss_tf] = stackset.terraform_module(role, spec.stackset, body)
        embedded[ss_cfn] = body
        member = "cfnlintrc-stackset-home-region.yaml" if spec.stackset.home_region else "cfnlintrc-stackset-member.yaml"
        return Compiled(role, path, files, embedded, member, link)
    return Compiled(role, path, files, link=link)


def stackset_role_template(role: Role, spec) -> str:
    """The role template a StackSet deploys; its names, granted in every StackSet region, must still fit IAM's limits."""
    from ..limits import TooLarge
    from ..targets import stackset

    try:
        return stackset.role_template(role, spec.stackset)
    except TooLarge as exc:
        line, col = spec.positions.get("stackset", (1, 1))
        raise SpecError([Diagnostic(spec.path, line, col, (
            f"stackset: granted in each of the {len(spec.stackset.regions)} StackSet regions, the role's statements "
            f"need {exc.needed:,} characters of policy and one role holds at most {exc.capacity:,}; list fewer regions "
            "or resources, or split the tasks across specs"))]) from None


def check_template_body(body: str, spec) -> None:
    """CloudFormation refuses a StackSet TemplateBody over 51,200 bytes; say so before anything is written."""
    from ..spec.stackset import MAX_TEMPLATE_BODY_BYTES

    size = len(body.encode())
    if size > MAX_TEMPLATE_BODY_BYTES:
        line, col = spec.positions.get("stackset", (1, 1))
        raise SpecError([Diagnostic(spec.path, line, col, (
            f"stackset: the role template is {size:,} bytes, over the {MAX_TEMPLATE_BODY_BYTES:,} bytes CloudFormation "
            "accepts as a StackSet's TemplateBody; split the role's resources across specs or list fewer of them"))])


def compile_all(spec_files: list[Path]) -> list[Compiled]:
    """Compile every spec; report the problems of all specs together, and duplicate role ids."""
    _check_ids(spec_files)
    compiled, diagnostics = [], []
    for path in spec_files:
        try:
            compiled.append(compile_spec(path))
        except SpecError as exc:
            diagnostics.extend(exc.diagnostics)
        except OSError as exc:
            diagnostics.append(Diagnostic(display(path), 1, 1, f"cannot read spec: {exc.strerror}"))
    if diagnostics:
        raise SpecError(diagnostics)
    return compiled


def _check_ids(spec_files: list[Path]) -> dict[Path, str]:
    """Each spec's role id (from its file name); refuse bad names and ids used twice."""
    from ..spec.role_id import role_id

    ids, seen, diagnostics = {}, {}, []
    for path in spec_files:
        try:
            ids[path] = role_id(path, display(path))
        except SpecError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        if ids[path] in seen:
            diagnostics.append(Diagnostic(display(path), 1, 1,
                                          f"role id '{ids[path]}' is also used by {display(seen[ids[path]])}"))
        seen.setdefault(ids[path], path)
    if diagnostics:
        raise SpecError(diagnostics)
    return ids


def linter(config: str = "cfnlintrc.yaml") -> CfnLint:
    """The cfn-lint runner for a configuration (a file name in compiler/validate), one per process."""
    return _linter(config)


@functools.cache
def _linter(config: str) -> CfnLint:
    """Every configuration shares the default one's rule set. Importing cfn-lint and building that rule
    set cost most of a second and allocate only objects that live as long as the process, so the cyclic
    garbage collector is paused meanwhile and then told to leave them alone (gc.freeze), which also
    keeps forked workers from copying the pages it would otherwise touch."""
    from ..validate.cfnlint import CONFIG_FILE, CfnLint

    if config != CONFIG_FILE.name:
        return _linter(CONFIG_FILE.name).with_config(CONFIG_FILE.with_name(config))
    collecting = gc.isenabled()
    gc.disable()
    try:
        return CfnLint()
    finally:
        if collecting:
            gc.enable()
        gc.freeze()


LintFindings = list[tuple[str, str, "Finding"]]
"""(output path, "" or "TemplateBody: " for a template inside it, finding)."""


LintJob = list[tuple[str, str, str, str]]
"""(cfn-lint configuration, output path, "" or "TemplateBody: ", template text) for each template of a spec."""


def lint_job(compiled: Compiled) -> LintJob:
    """Every CloudFormation template of a spec: its .yaml outputs and the templates embedded in them."""
    job = [("cfnlintrc.yaml", path, "", text) for path, text in compiled.files.items() if path.endswith(".yaml")]
    job += [(compiled.embedded_lint_config, path, "TemplateBody: ", text) for path, text in compiled.embedded.items()]
    return job


def run_lint_job(job: LintJob) -> tuple[LintFindings, float]:
    """The findings, and cfn-lint's own time to find them (setting up its runner not included)."""
    findings: LintFindings = []
    seconds = 0.0
    for config, path, inside, text in job:
        lint = linter(config).lint
        started = time.perf_counter()
        findings += [(path, inside, f) for f in lint(text)]
        seconds += time.perf_counter() - started
    return findings, seconds


def _lint_diagnostics(out_dir: Path, findings: LintFindings) -> list[Diagnostic]:
    return [Diagnostic(display(out_dir / path), f.line, f.col, f"{inside}{f.rule} {f.message} (cfn-lint)", f.severity)
            for path, inside, f in findings if f.severity in FAILING_SEVERITIES]


def lint_all(compiled: list[Compiled], out_dir: Path) -> None:
    """Lint every CloudFormation output; any error or warning fails the build."""
    diagnostics = []
    for item in compiled:
        diagnostics.extend(_lint_diagnostics(out_dir, run_lint_job(lint_job(item))[0]))
    if diagnostics:
        raise LintError(diagnostics)


Verdict = tuple[Union[Compiled, None], list[Diagnostic], LintFindings, float]
"""A spec's compiled outputs (or None), its problems, cfn-lint's findings and cfn-lint's own time."""


def _compile_and_lint(path: Path) -> Verdict:
    """One spec, start to verdict: the unit of work of a build, run in a worker for large builds."""
    try:
        compiled = compile_spec(path)
    except SpecError as exc:
        return None, exc.diagnostics, [], 0.0
    except OSError as exc:
        return None, [Diagnostic(display(path), 1, 1, f"cannot read spec: {exc.strerror}")], [], 0.0
    return (compiled, [], *run_lint_job(lint_job(compiled)))


def _compile_and_lint_many(paths: list[Path], jobs: int) -> tuple[list[Verdict], int]:
    """Every spec's verdict, and how many processes worked on them."""
    if jobs <= 1 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [_compile_and_lint(p) for p in paths], 1
    # Import the heavy modules and build the lint runner once, before forking, so workers share them.
    from .. import lower  # noqa: F401
    from ..spec import v1  # noqa: F401
    from ..targets import cloudformation, terraform  # noqa: F401

    linter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_compile_and_lint, paths, chunksize=CHUNK), jobs


@dataclass
class BuildStats:
    """Where a build's time went: printed by `rolec -v build`, read by bench/run.py."""

    compiled: int = 0
    processes: int = 1
    templates_linted: int = 0
    lint_seconds: float = 0.0
    """cfn-lint's own time, summed over the processes."""

    def __str__(self) -> str:
        return (f"compiled {_count(self.compiled, 'spec')} in {_count(self.processes, 'process', 'es')}; cfn-lint "
                f"checked {_count(self.templates_linted, 'template')} in {self.lint_seconds:.2f} s of its own time")


def _count(number: int, noun: str, plural: str = "s") -> str:
    return f"{number} {noun}{'' if number == 1 else plural}"


def linked_bytes(spec_file: Path, spec_bytes: bytes) -> bytes:
    """The bytes of the task definitions a spec links (`task_definitions:`), for its cache key: editing one
    invalidates exactly the specs that link it. Read without validating the spec; the compile validates it."""
    if b"task_definitions" not in spec_bytes:
        return b""
    folder = os.path.dirname(spec_file)
    linked = b""
    for path in _linked_paths(spec_bytes):
        try:
            with open(os.path.join(folder, path), "rb") as handle:
                content = handle.read()
        except OSError:
            content = b"\0missing"
        linked += b"\0" + path.encode() + b"\0" + str(len(content)).encode() + b"\0" + content
    return linked


_TOP_LEVEL_KEY = re.compile(rb"\n(?=[^\s#-])")
_PATH_LINE = re.compile(rb"^[ \t]*(?:-[ \t]+)?path:[ \t]*([^\s#'\"|>&*!%@`{\[][^#\n]*?|'[^'\n]*'|\"[^\"\\\n]*\")[ \t]*(?:#.*)?$",
                        re.M)


def _linked_paths(spec_bytes: bytes) -> list[str]:
    """The `path:` of each task_definitions entry. A plain block-style list (what `rolec infer` and people write)
    is read line by line: YAML-parsing 1000 specs would cost a no-op build 0.3 s; anything else is parsed."""
    start = 0 if spec_bytes.startswith(b"task_definitions:") else spec_bytes.find(b"\ntask_definitions:") + 1
    if start or spec_bytes.startswith(b"task_definitions:"):
        following = _TOP_LEVEL_KEY.search(spec_bytes, start + 1)
        block = spec_bytes[start:following.start() if following else len(spec_bytes)]
        lines = [line for line in block.splitlines()[1:] if line.strip() and not line.lstrip().startswith(b"#")]
        found = [m.group(1) for m in map(_PATH_LINE.match, lines) if m]
        header = block.split(b"\n", 1)[0].split(b"#", 1)[0].rstrip()
        if header == b"task_definitions:" and all(b"path:" not in line or _PATH_LINE.match(line) for line in lines) \
                and len(found) == sum(1 for line in lines if line.lstrip().startswith(b"-")):
            return [value.strip(b"'\"").decode(errors="replace") for value in found]
    return _parsed_paths(spec_bytes)


def _parsed_paths(spec_bytes: bytes) -> list[str]:
    import yaml

    try:
        document = yaml.load(spec_bytes, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    entries = document.get("task_definitions") if isinstance(document, dict) else None
    return [e["path"] for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)] \
        if isinstance(entries, list) else []


def build(spec_files: list[Path], out_dir: Path, *, cache: BuildCache | None = None,
          terraform_validate: bool = False, jobs: int = 1, stats: BuildStats | None = None,
          strict: bool = False) -> list[Built]:
    """Compile and validate every spec, taking unchanged ones from the cache; all or nothing.

    Raises SpecError with the problems of all specs, or LintError with every finding (a need of a linked
    task definition that the spec does not grant is one; with `strict`, so is a grant none needs). Fills in
    `stats` when given.
    """
    ids = _check_ids(spec_files)
    results: dict[Path, Built] = {}
    keys: dict[Path, str] = {}
    misses: list[Path] = []
    diagnostics: list[Diagnostic] = []
    for path in spec_files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(Diagnostic(display(path), 1, 1, f"cannot read spec: {exc.strerror}"))
            continue
        files = None
        if cache is not None:
            keys[path] = cache.key(ids[path], data + linked_bytes(path, data))
            files = cache.get(keys[path])
        if files is None:
            misses.append(path)
        else:
            results[path] = Output(ids[path], path, files)
    lint_problems: list[Diagnostic] = []
    verdicts, processes = _compile_and_lint_many(misses, jobs)
    stats = stats if stats is not None else BuildStats()
    stats.processes = processes
    for path, (compiled, spec_problems, findings, seconds) in zip(misses, verdicts):
        diagnostics.extend(spec_problems)
        if compiled is not None:
            results[path] = compiled
            lint_problems.extend(_lint_diagnostics(out_dir, findings))
            if compiled.link is not None:
                lint_problems.extend(d for d in compiled.link.diagnostics(strict) if d.severity == "error")
            stats.compiled += 1
            stats.templates_linted += len(lint_job(compiled))
            stats.lint_seconds += seconds
    if diagnostics:
        raise SpecError(diagnostics)
    if lint_problems:
        raise LintError(lint_problems)
    fresh = [results[p] for p in misses]
    if terraform_validate and fresh:
        terraform_validate_all(fresh, out_dir)
    if cache is not None:
        for item in fresh:
            cache.put(keys[item.spec_file], item.files)
    return [results[p] for p in spec_files]


def terraform_validate_all(compiled: list[Built], out_dir: Path) -> list[Diagnostic]:
    """Run `terraform validate` over every module at once; errors fail the build, warnings are returned."""
    from ..validate.terraform import validate_modules

    modules = {item.role_id: item.files[output_paths(item.role_id)[1]] for item in compiled}
    paths = {role_id: output_paths(role_id)[1] for role_id in modules}
    for item in compiled:
        ss_tf = stackset_paths(item.role_id)[1]
        if ss_tf in item.files:  # role ids have no "_", so these labels cannot clash with a role's
            modules[f"stackset_{item.role_id}"] = item.files[ss_tf]
            paths[f"stackset_{item.role_id}"] = ss_tf
    diagnostics = []
    for f in validate_modules(modules):
        where = display(out_dir / paths[f.module]) if f.module else display(out_dir / "terraform")
        diagnostics.append(Diagnostic(where, f.line, f.col, f"{f.message} (terraform validate)", f.severity))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise LintError(errors)
    return diagnostics
