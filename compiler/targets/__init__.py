"""The output targets. Each module owns its files: their paths, their text, and how they are checked.

A target module defines `files(role) -> list[File]` for one deployed form of a role (the
stand-alone role, or the role a StackSet rolls out: `role.rollout`). `outputs` asks every
target in `TARGETS` order; the build, the writer's manifest, the summary and `terraform
validate` all take paths from the `File`s, so nothing re-derives a role id from a path.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..ir import Role

TARGETS = ("cloudformation", "terraform", "stackset", "record", "owners")
"""Target modules, in the order their files are listed."""


@dataclass(frozen=True)
class File:
    path: str
    """Relative to the out directory, POSIX form."""
    text: str
    cfn_lint: str | None = None
    """The cfn-lint configuration (file name in compiler/validate) that checks this CloudFormation template."""
    embedded: tuple[tuple[str, str], ...] = field(default=())
    """(cfn-lint configuration, template) for each CloudFormation template inside this file (a StackSet's TemplateBody)."""
    terraform_module: bool = False
    """A Terraform module folder's main file, for `--terraform-validate`."""


def outputs(deployments: tuple[Role, ...]) -> list[File]:
    """Every file one spec produces, from each of its deployed roles."""
    modules = [importlib.import_module(f"{__name__}.{name}") for name in TARGETS]
    return [file for role in deployments for module in modules for file in module.files(role)]
