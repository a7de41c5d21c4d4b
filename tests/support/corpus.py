"""The corpus of real task definitions and roles (tests/taskdefs/corpus/, a copy of shared/taskdefs), as rolec reads them.

The corpus is one folder of files from 26 repositories. Terraform reads a folder as one module, and this folder is
not one: four repositories' roles each declare `aws_iam_role.ecs_task_execution_role`, which Terraform (and rolec)
refuses as a resource declared twice. So a Terraform file is read in the module its repository has: a folder
holding the `.tf` files of its pair (the task definition and the role its repository ships next to it; each of
the four Terraform task definitions names that role by address, `aws_iam_role.NAME.arn`, so they are one module).
Any other file is read where it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "taskdefs" / "corpus"


class Corpus:
    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        """Where rolec reads the corpus file `name`."""
        if not name.endswith((".tf", ".tf.json")):
            return CORPUS / name
        pair = name.split(".")[0]
        module = self.root / pair
        if not module.exists():
            module.mkdir(parents=True)
            for member in CORPUS.glob(f"{pair}.*"):
                if member.name.endswith((".tf", ".tf.json")):
                    shutil.copyfile(member, module / member.name)
        return module / name
