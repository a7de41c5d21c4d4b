"""The build: discover specs, load and lower each, render every target, lint, and hand files to the writer.

Heavy modules (troposphere, cfn-lint) are imported only when a spec has to be compiled,
so a build whose specs are all cached never pays for them.
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..errors import Diagnostic, LintError, SpecError
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


@dataclass(frozen=True)
class Compiled:
    roles: tuple[Role, ...]
    """Every deployed form of the role: the stand-alone one, then the StackSet's (passes.deployments)."""
    spec_file: Path
    files: dict[str, str]
    """Output path relative to the out directory (POSIX form) -> file text."""
    embedded: dict[str, str] = field(default_factory=dict)
    """CloudFormation templates inside an output (a StackSet's TemplateBody), by that output's path: linted, not written."""
    lint: tuple[tuple[str, str], ...] = ()
    """(cfn-lint configuration, output path) for each CloudFormation template among `files`."""
    embedded_lint: tuple[tuple[str, str], ...] = ()
    """(cfn-lint configuration, output path) for each template in `embedded`."""
    modules: tuple[str, ...] = ()
    """Paths of the Terraform modules among `files`."""
    link: Link | None = None
    """The spec's linked task definitions against its grants (None when it links none)."""

    @property
    def role(self) -> Role:
        """The stand-alone role, as it deploys."""
        return self.roles[0]

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


def compile_spec(path: Path) -> Compiled:
    """Front end, passes, targets: one spec to the text of its files."""
    from ..lower import lower
    from ..passes import deployments
    from ..spec.v1 import load_spec
    from ..targets import outputs

    spec = load_spec(path, display(path))
    link = None
    if spec.task_definitions:
        from ..taskdefs.link import check

        link = check(spec, path)
    roles = deployments(lower(spec))
    produced = outputs(roles)
    return Compiled(
        roles=roles, spec_file=path, files={f.path: f.text for f in produced},
        embedded={f.path: body for f in produced for _, body in f.embedded},
        lint=tuple((f.cfn_lint, f.path) for f in produced if f.cfn_lint),
        embedded_lint=tuple((config, f.path) for f in produced for config, _ in f.embedded),
        modules=tuple(f.path for f in produced if f.terraform_module), link=link)


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
    job = [(config, path, "", compiled.files[path]) for config, path in compiled.lint]
    return job + [(config, path, "TemplateBody: ", compiled.embedded[path]) for config, path in compiled.embedded_lint]


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
    from .. import lower, passes  # noqa: F401
    from ..spec import v1  # noqa: F401
    from ..targets import cloudformation, record, stackset, terraform  # noqa: F401

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


def linked_bytes(spec_file: Path, spec_bytes: bytes, memo: dict | None = None) -> bytes:
    """The bytes of the task definitions a spec links (`task_definitions:`), for its cache key: editing one
    invalidates exactly the specs that link it. A Terraform file reads what it references from its folder, and any
    file of it may hold (or, added, duplicate) a declaration it looks up, so every `.tf` and `.tf.json` file of its
    folder counts (editing, adding or removing a sibling is drift), as for a linked module folder. Read without validating the spec; the compile validates it. `memo` (one build's) keeps what was read
    for the next spec that links the same files."""
    if b"task_definitions" not in spec_bytes:
        return b""
    folder = os.path.dirname(spec_file)
    linked = b""
    for path in _linked_paths(spec_bytes):
        target = os.path.join(folder, path)
        if path.endswith((".tf", ".tf.json")) or _is_folder(target):
            from ..sources.tfmodule import folder_of, module_files

            module = str(folder_of(Path(target)))
            listed = memo.get(module) if memo is not None else None
            if listed is None:
                listed = [str(p) for p in module_files(Path(target))]
                if memo is not None:
                    memo[module] = listed
            linked += _contents(listed or [target], memo)
        else:
            linked += _contents([target])
    return linked


def _is_folder(path: str) -> bool:
    """Whether a linked path names a folder (a Terraform module); a path ending like a task-definition file is
    taken for a file without asking the file system (a no-op build reads 1000 of them)."""
    return not path.endswith((".json", ".yaml", ".yml", ".template", ".jsonnet")) and os.path.isdir(path)


def _contents(paths: list[str], memo: dict | None = None) -> bytes:
    """Each file's name, length and bytes (a missing file as such), for a cache key."""
    joined = b""
    for path in paths:
        chunk = memo.get(("file", path)) if memo is not None else None
        if chunk is None:
            try:
                with open(path, "rb") as handle:
                    content = handle.read()
            except OSError:
                content = b"\0missing"
            chunk = b"\0" + path.encode() + b"\0" + str(len(content)).encode() + b"\0" + content
            if memo is not None:
                memo[("file", path)] = chunk
        joined += chunk
    return joined


READS = "\0reads"
"""A cache entry holding only this key points on: the spec's link read the files it lists besides the linked ones
(`file()`/`templatefile()`), and its outputs are kept under a second key that adds their bytes."""


def _cached(cache: BuildCache, role_id: str, key: str) -> dict[str, str] | None:
    files = cache.get(key)
    if files is not None and READS in files:
        files = cache.get(_reads_key(cache, role_id, key, json.loads(files[READS])))
    return files


def _cache(cache: BuildCache, role_id: str, key: str, compiled: Compiled) -> None:
    reads = compiled.link.reads if compiled.link is not None else ()
    if reads:
        cache.put(key, {READS: json.dumps(reads)})
        key = _reads_key(cache, role_id, key, reads)
    cache.put(key, compiled.files)


def _reads_key(cache: BuildCache, role_id: str, key: str, reads) -> str:
    return cache.key(role_id, key.encode() + _contents(list(reads)))


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
    linked: dict = {}
    for path in spec_files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(Diagnostic(display(path), 1, 1, f"cannot read spec: {exc.strerror}"))
            continue
        files = None
        if cache is not None:
            keys[path] = cache.key(ids[path], data + linked_bytes(path, data, linked))
            files = _cached(cache, ids[path], keys[path])
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
            lint_problems.extend(link_errors(compiled, strict))
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
            _cache(cache, ids[item.spec_file], keys[item.spec_file], item)
    return [results[p] for p in spec_files]


def link_errors(compiled: Compiled, strict: bool) -> list[Diagnostic]:
    """The findings of a spec's link that fail a build (exit 1): needs of its task definitions it does not grant,
    and with `strict` grants none of them needs. The rest of the link's diagnostics are warnings."""
    if compiled.link is None:
        return []
    return [d for d in compiled.link.diagnostics(strict) if d.severity == "error"]


def terraform_validate_all(compiled: list[Compiled], out_dir: Path) -> list[Diagnostic]:
    """Run `terraform validate` over every module at once; errors fail the build, warnings are returned."""
    from ..validate.terraform import validate_modules

    paths, modules = {}, {}
    for item in compiled:
        for path in item.modules:
            label = f"module_{len(paths)}"
            paths[label], modules[label] = path, item.files[path]
    diagnostics = []
    for f in validate_modules(modules):
        where = display(out_dir / paths[f.module]) if f.module else display(out_dir)
        diagnostics.append(Diagnostic(where, f.line, f.col, f"{f.message} (terraform validate)", f.severity))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise LintError(errors)
    return diagnostics
