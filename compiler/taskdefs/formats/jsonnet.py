"""Jsonnet templates (ecspresso's task definitions): recognised and refused, naming how to get JSON from them."""

from __future__ import annotations

from ...sources import Span, fail
from . import Format, Input


def claims(source: Input) -> bool:
    return source.path.suffix in (".jsonnet", ".libsonnet")


def read(source: Input):
    raise fail(Span(source.display, 1, 1),
               "this is a Jsonnet template (e.g. ecspresso's ecs-task-def.jsonnet), which rolec does not evaluate: "
               "its values come from Jsonnet code, std.extVar and template functions. Render it to JSON first "
               "(`ecspresso render taskdef > taskdef.json`, or `jsonnet FILE > taskdef.json`) and pass that file")


FORMAT = Format("jsonnet", 0, "Jsonnet templates (refused: render them to JSON first)", claims, read)
