"""compiler/build/pipeline.py: a linked Terraform file is read with its module, so the cache key covers every
.tf and .tf.json file of its folder (a linked folder: the same files)."""

from __future__ import annotations

import pytest

from rolec.build.pipeline import linked_bytes


@pytest.mark.parametrize("linked", ["../infra/ecs.tf", "../infra"])
def test_every_file_of_the_module_is_in_the_key(tmp_path, linked):
    spec = tmp_path / "specs" / "a.yaml"
    spec.parent.mkdir()
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "ecs.tf").write_text('resource "aws_ecs_task_definition" "a" {}\n')
    (infra / "vars.tf").write_text('variable "region" {\n  default = "eu-west-1"\n}\n')
    text = f"version: 1\ntask_definitions:\n  - path: {linked}\n".encode()
    keys = [linked_bytes(spec, text)]
    (infra / "vars.tf").write_text('variable "region" {\n  default = "us-east-1"\n}\n')  # a sibling edited
    keys.append(linked_bytes(spec, text))
    (infra / "logs.tf.json").write_text("{}")  # a file added
    keys.append(linked_bytes(spec, text))
    (infra / "logs_override.tf").write_text("")  # an override file added
    keys.append(linked_bytes(spec, text))
    (infra / "vars.tf").unlink()  # a file removed
    keys.append(linked_bytes(spec, text))
    assert len(set(keys)) == len(keys)
    for ignored in ("terraform.tfvars", ".draft.tf", "ecs.tf~", "README.md"):  # Terraform does not read these
        (infra / ignored).write_text("x")
    assert linked_bytes(spec, text) == keys[-1]


def test_a_missing_module_is_a_key_too(tmp_path):
    spec = tmp_path / "a.yaml"
    text = b"task_definitions:\n  - path: infra/ecs.tf\n"
    missing = linked_bytes(spec, text)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "ecs.tf").write_text("")
    assert linked_bytes(spec, text) != missing
