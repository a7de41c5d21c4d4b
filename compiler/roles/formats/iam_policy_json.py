"""An IAM policy document (`{"Version": …, "Statement": […]}`): the permissions of one role whose
trust policy the file does not show."""

from __future__ import annotations

from .. import jsonlines
from ..documents import inline
from ..model import INLINE, SourceRole

NAME = "iam-policy-json"
DESCRIPTION = "an IAM policy document (JSON)"
SUFFIXES = (".json",)


def claims(data) -> bool:
    return isinstance(data, dict) and "Statement" in data


def read(source, bindings) -> list[SourceRole]:
    data = source.data
    where = source.where(data)
    return [SourceRole(None, where, policies=(inline(source, source.path.rsplit("/", 1)[-1], data, where, INLINE),))]
