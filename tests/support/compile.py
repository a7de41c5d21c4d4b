"""Spec text or a spec file to what rolec makes of it: the whole compile, or only the permission IR."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rolec.build.discover import display
from rolec.build.pipeline import Compiled, check_invariants, compile_spec
from rolec.ir import Role


def compile_text(text: str, name: str = "generated") -> Compiled:
    """Write `text` to a temporary NAME.yaml and compile it with every target (imports troposphere)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        path.write_text(text)
        return compile_spec(path)


def role_of(path: Path) -> Role:
    """The permission IR of one spec, after rolec's invariants, without rendering a target (no troposphere, no cfn-lint)."""
    from rolec.lower import lower
    from rolec.spec.v1 import load_spec

    role = lower(load_spec(path, display(path)))
    check_invariants(role)
    return role
