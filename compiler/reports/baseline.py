"""What `rolec diff` compares against: the permissions records of a build (in a folder, or committed
in git), or the specs at a git ref, compiled by this rolec."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..errors import EnvironmentFailure, SpecError
from ..ir import Role
from ..build.layout import MANIFEST
from ..targets.record import FOLDER
from .effective import Permissions, UnreadableRecord, from_json, from_role

Baseline = dict[tuple[str, str], Permissions]
"""Permissions by (role id, deployment)."""


class BaselineError(EnvironmentFailure):
    """The baseline cannot be read (not a git repository, unknown ref, git missing, no out folder)."""


def _git(*args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError as exc:
        raise BaselineError(f"cannot run git: {exc.strerror}") from None
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise BaselineError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return result.stdout


def in_git_work_tree() -> bool:
    try:
        return _git("rev-parse", "--is-inside-work-tree").strip() == b"true"
    except BaselineError:
        return False


def _tracked_specs(ref: str, item: Path) -> list[str]:
    """`*.yaml` files directly in the folder `item`, or `item` itself, at `ref` (paths relative to the current directory)."""
    path = item.as_posix() + ("/" if item.is_dir() else "")
    out = _git("ls-tree", "--name-only", ref, "--", path)
    return [line for line in out.decode().splitlines() if line.endswith(".yaml")]


def _by_key(records: list[Permissions]) -> Baseline:
    return {p.key: p for p in records}


UPGRADE = ("has outputs but no permissions records ({folder}/, written by `rolec build` since rolec compares "
           "effective permissions from them); compare with the specs instead (--base REF), or build and commit out/ first")


def records_in_folder(out_dir: Path) -> Baseline:
    """The records in `out_dir`; a folder that does not exist is no baseline at all (comparing with it would
    report every role as new)."""
    if not out_dir.is_dir():
        raise BaselineError(f"no baseline to compare with: {out_dir.as_posix()}/ does not exist (run rolec diff where "
                            "it is, name it with --out or --against, or compare with the specs at a git ref: --base REF)")
    folder = out_dir / FOLDER
    records = sorted(folder.glob("*.json"))
    if not records and (out_dir / MANIFEST).is_file():
        raise UnreadableRecord(f"{out_dir.as_posix()}/ " + UPGRADE.format(folder=FOLDER))
    return _by_key([from_json(path.read_text(encoding="utf-8"), str(path)) for path in records])


def records_in_git(out_dir: Path, ref: str) -> Baseline | None:
    """The records under `out_dir` as committed at `ref`; None outside git, before the first commit,
    or when git tracks nothing there (an `out_dir` committed without records is refused)."""
    if not in_git_work_tree():
        return None
    try:
        _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except BaselineError:
        return None
    listed = _git("ls-tree", "--name-only", ref, "--", (out_dir / FOLDER).as_posix() + "/")
    records = [from_json(_git("show", f"{ref}:./{line}").decode("utf-8"), f"{ref}:{line}")
               for line in listed.decode().splitlines() if PurePosixPath(line).suffix == ".json"]
    if not records and _git("ls-tree", "--name-only", ref, "--", (out_dir / MANIFEST).as_posix()).strip():
        raise UnreadableRecord(f"{out_dir.as_posix()}/ at {ref} " + UPGRADE.format(folder=FOLDER))
    return _by_key(records) or None


def permissions(roles: Iterable[Role]) -> Baseline:
    """The permissions of deployed roles (each spec's stand-alone role and its StackSet's)."""
    return _by_key([from_role(role) for role in roles])


def specs_in_git(inputs: list[Path], ref: str) -> Baseline:
    """Compile the specs that `inputs` name as they were at `ref`, with this rolec."""
    from ..lower import lower
    from ..passes import deployments
    from ..spec.v1 import load_spec

    if not in_git_work_tree():
        raise BaselineError("--base needs a git work tree")
    _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    roles: list[Role] = []
    diagnostics = []
    with tempfile.TemporaryDirectory(prefix="rolec-base-") as scratch:
        for index, item in enumerate(inputs):
            for name in _tracked_specs(ref, item):
                copy = Path(scratch, str(index), PurePosixPath(name).name)
                copy.parent.mkdir(exist_ok=True)
                copy.write_bytes(_git("show", f"{ref}:./{name}"))
                try:
                    roles.extend(deployments(lower(load_spec(copy, f"{ref}:{name}"))))
                except SpecError as exc:
                    diagnostics.extend(exc.diagnostics)
    if diagnostics:
        raise SpecError(diagnostics)
    return permissions(roles)
