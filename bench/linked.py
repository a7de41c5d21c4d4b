"""Synthetic task definitions, each with the spec `rolec infer` writes for it, linked back (`task_definitions:`)."""

from __future__ import annotations

import json
import random
from pathlib import Path


def task_definition(rng: random.Random, i: int) -> dict:
    containers = []
    for c in range(rng.randint(1, 3)):
        secrets = []
        for j in range(rng.randint(0, 12)):
            if rng.random() < 0.5:
                secrets.append({"name": f"S{j}", "valueFrom": f"/service-{i}/secret-{c}-{j}"})
            else:
                secrets.append({"name": f"S{j}", "valueFrom":
                                f"arn:aws:secretsmanager:us-east-1:111122223333:secret:service-{i}/s{c}-{j}-AbC{j:03d}"})
        containers.append({
            "name": f"c{c}",
            "image": f"111122223333.dkr.ecr.us-east-1.amazonaws.com/team{rng.randrange(40)}/service-{i}-{c}:{rng.randrange(99)}",
            "environment": [{"name": "MODE", "value": "prod"}],
            "secrets": secrets,
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/service-{i}",
                                                                     "awslogs-stream-prefix": f"c{c}"}},
        })
    return {"family": f"service-{i:04d}", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "executionRoleArn": f"arn:aws:iam::111122223333:role/service-{i}", "containerDefinitions": containers}


def write_linked(work: Path, count: int, seed: int = 7) -> list[Path]:
    """work/taskdefs/service-NNNN.json and work/specs/service-NNNN.yaml linking it; returns the task definitions."""
    from rolec.taskdefs import infer

    rng = random.Random(seed)
    (work / "taskdefs").mkdir(parents=True, exist_ok=True)
    (work / "specs").mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        td = work / "taskdefs" / f"service-{i:04d}.json"
        td.write_text(json.dumps(task_definition(rng, i), indent=2))
        text = infer([str(td)], {}).yaml() + f"task_definitions:\n  - path: ../taskdefs/{td.name}\n"
        (work / "specs" / f"service-{i:04d}.yaml").write_text(text)
        written.append(td)
    return written
