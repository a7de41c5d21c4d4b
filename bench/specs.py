"""Synthetic specs with a realistic mix of features, reproducible from a seed."""

from __future__ import annotations

import random
from pathlib import Path

import yaml


def _repository(rng: random.Random, i: int) -> str:
    name = f"team{rng.randrange(40)}/service-{i}-{rng.randrange(5)}"
    if rng.random() < 0.3:
        return f"arn:aws:ecr:eu-west-1:{rng.randrange(10**11, 10**12)}:repository/{name}"
    return name


def _secret(rng: random.Random, i: int, j: int) -> str:
    name = f"prod/service-{i}/secret-{j}"
    if rng.random() < 0.2:
        return f"arn:aws:secretsmanager:us-east-1:{rng.randrange(10**11, 10**12)}:secret:{name}-AbC{j:03d}"
    return name


def spec(rng: random.Random, i: int) -> dict:
    features: dict = {
        "ecr_pull": {"repositories": [_repository(rng, i) for _ in range(rng.randint(1, 5))]},
        "awslogs": {"log_groups": [f"/ecs/service-{i}"], "create_group": rng.random() < 0.5},
    }
    endpoint = rng.random() < 0.25
    if endpoint:
        features["ecr_pull"]["vpc_endpoint"] = {"source_vpce": [f"vpce-{rng.randrange(16**17):017x}"]}
    secrets = [_secret(rng, i, j) for j in range(rng.randint(1, 20))]
    parameters = [s for s in secrets if rng.random() < 0.5 and not s.startswith("arn:")]
    managers = [s for s in secrets if s not in parameters]
    block: dict = {}
    if parameters:
        block["ssm_parameters"] = [f"/{p}" for p in parameters]
    if managers:
        block["secrets_manager"] = managers
    if rng.random() < 0.5:
        block["kms_keys"] = rng.choice([[f"alias/service-{i}"], [f"{rng.randrange(16**8):08x}-1234-4abc-8def-1234567890ab"]])
    features["secrets"] = block
    if rng.random() < 0.2:
        features["private_registry_auth"] = {"secrets": [f"dockerhub/service-{i}"]}
    document: dict = {"version": 1, "description": f"Synthetic service {i}"}
    if rng.random() < 0.5:
        document["role"] = {"path": "/ecs/", "tags": {"team": f"team{i % 40}", "service": f"service-{i}"}}
    if not endpoint and rng.random() < 0.3:
        document["managed_policy"] = True
    document["features"] = features
    if rng.random() < 0.1:
        document["stackset"] = _stackset(rng)
    return document


def _stackset(rng: random.Random) -> dict:
    regions = rng.sample(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"], rng.randint(1, 3))
    if rng.random() < 0.5:
        return {"permission_model": "service_managed", "organizational_units": [f"ou-ab12-{rng.randrange(16**8):08x}"],
                "regions": regions, "home_region": regions[0]}
    return {"permission_model": "self_managed", "regions": regions,
            "accounts": [str(rng.randrange(10**11, 10**12)) for _ in range(rng.randint(1, 3))]}


def write_specs(folder: Path, count: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = folder / f"service-{i:04d}.yaml"
        path.write_text(yaml.safe_dump(spec(rng, i), sort_keys=False))
        paths.append(path)
    return paths
