"""What `rolec diff` compares against: generated outputs in a folder or in git, or specs at a git ref."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from .effective import Permissions, from_role, from_terraform
from ..errors import EnvironmentFailure, SpecError
from ..lower import lower
from ..spec.v1 import load_spec

MODULE = "main.tf.json"


class BaselineError(EnvironmentFailure):
    """The baseline cannot be read (not a git repository, unknown ref, unreadable output, no out folder)."""


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


def outputs_in_folder(out_dir: Path) -> dict[str, Permissions]:
    """The Terraform modules in `out_dir`; a folder that does not exist is no baseline at all (comparing
    with it would report every role as new)."""
    if not out_dir.is_dir():
        raise BaselineError(f"no baseline to compare with: {out_dir.as_posix()}/ does not exist (run rolec diff where "
                            "it is, name it with --out or --against, or compare with the specs at a git ref: --base REF)")
    roles = {}
    for module in sorted((out_dir / "terraform").glob(f"*/{MODULE}")):
        role_id = module.parent.name
        roles[role_id] = from_terraform(role_id, module.read_text(encoding="utf-8"), str(module))
    return roles


def outputs_in_git(out_dir: Path, ref: str) -> dict[str, Permissions] | None:
    """The Terraform modules under `out_dir` as committed at `ref`; None outside git, before the
    first commit, or when git tracks none there."""
    if not in_git_work_tree():
        return None
    try:
        _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except BaselineError:
        return None
    modules = _git("ls-tree", "-r", "--name-only", ref, "--", (out_dir / "terraform").as_posix() + "/")
    roles = {}
    for line in modules.decode().splitlines():
        path = PurePosixPath(line)
        if path.name == MODULE and path.parent.parent.name == "terraform":
            role_id = path.parent.name
            text = _git("show", f"{ref}:./{line}").decode("utf-8")
            roles[role_id] = from_terraform(role_id, text, f"{ref}:{line}")
    return roles or None


def specs_in_git(inputs: list[Path], ref: str) -> dict[str, Permissions]:
    """Compile the specs that `inputs` name as they were at `ref`, with this rolec."""
    if not in_git_work_tree():
        raise BaselineError("--base needs a git work tree")
    _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    roles: dict[str, Permissions] = {}
    diagnostics = []
    with tempfile.TemporaryDirectory(prefix="rolec-base-") as scratch:
        for index, item in enumerate(inputs):
            for name in _tracked_specs(ref, item):
                copy = Path(scratch, str(index), PurePosixPath(name).name)
                copy.parent.mkdir(exist_ok=True)
                copy.write_bytes(_git("show", f"{ref}:./{name}"))
                try:
                    role = lower(load_spec(copy, f"{ref}:{name}"))
                except SpecError as exc:
                    diagnostics.extend(exc.diagnostics)
                    continue
                roles[role.id] = from_role(role)
    if diagnostics:
        raise SpecError(diagnostics)
    return roles
