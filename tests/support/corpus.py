"""The corpus of real task definitions and roles (tests/taskdefs/corpus/, a copy of shared/taskdefs), read where it is.

The corpus is one folder of files from 26 repositories, as users keep task definitions of different projects side by
side: four repositories' roles each declare `aws_iam_role.ecs_task_execution_role`. A Terraform file is read with what
it references from its folder (its pair's file, when it names a resource declared there), so those duplicates do not
matter to it; the folder itself is no Terraform module, and rolec refuses it as one.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "taskdefs" / "corpus"
