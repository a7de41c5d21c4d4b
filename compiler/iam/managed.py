"""AWS managed policy documents (package data, see datagen.py), looked up by ARN in any partition."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*|\$\{AWS::Partition\}):iam::aws:policy(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)")


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    path: str
    version: str
    updated: str
    document: dict


@dataclass(frozen=True)
class Dataset:
    source: str
    version: str
    updated: str
    policies: dict[str, ManagedPolicy]

    def lookup(self, arn: str) -> ManagedPolicy | None:
        """The AWS managed policy an ARN names (None for a customer managed or unknown policy).
        The path must match too: AWS names are unique, but a wrong path is a policy that does not exist."""
        match = _ARN.fullmatch(arn)
        if not match:
            return None
        policy = self.policies.get(match["name"])
        return policy if policy and policy.path == match["path"] else None


def is_aws_managed(arn: str) -> bool:
    return _ARN.fullmatch(arn) is not None


@lru_cache(maxsize=1)
def dataset() -> Dataset:
    raw = json.loads(gzip.decompress(resources.files(__package__).joinpath("data/managed_policies.json.gz").read_bytes()))
    policies = {name: ManagedPolicy(name, p["path"], p["version"], p["updated"], p["document"])
                for name, p in raw["policies"].items()}
    return Dataset(raw["source"], raw["version"], raw["updated"], policies)
