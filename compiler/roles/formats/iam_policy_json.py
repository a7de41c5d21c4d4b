"""An IAM policy document (`{"Version": …, "Statement": […]}`): the permissions of one role whose
trust policy the file does not show."""

from __future__ import annotations

from ..documents import inline, where
from ..model import INLINE, SourceRole

NAME = "iam-policy-json"
DESCRIPTION = "an IAM policy document (JSON)"
SUFFIXES = (".json",)


def claims(root) -> bool:
    return isinstance(root.value, dict) and "Statement" in root.value


def read(root, bindings) -> list[SourceRole]:
    name = root.at.path.rsplit("/", 1)[-1]
    return [SourceRole(None, where(root.at), policies=(inline(name, root, INLINE),))]
