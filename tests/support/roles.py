"""A compiled role as AWS sees it after deployment, with the question AWS asks: is this request allowed?

`build` writes a spec, compiles it, and resolves one target's outputs for one deployment
(`support.outputs`); `Role.allows` asks the IAM evaluator (`support.iam_eval`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rolec.build.pipeline import compile_spec
from rolec.iam.evaluate import as_list

from .iam_eval import action_matches, is_allowed, trust_allows
from .outputs import AWS, Deployment, Policies, policies

ECS_TASKS = "ecs-tasks.amazonaws.com"


class Role:
    """One target's resolved policies for one deployment, with the question AWS asks."""

    def __init__(self, resolved: Policies, deployment: Deployment):
        self.p = resolved
        self.d = deployment

    def allows(self, action: str, resource: str, context: dict | None = None) -> bool:
        return is_allowed(self.p.permissions, action, resource, context or {})

    def trusts(self, service: str = ECS_TASKS, context: dict | None = None) -> bool:
        return trust_allows(self.p.trust, service, context or {})

    def arn(self, service: str, resource: str, **kw) -> str:
        return self.d.arn(service, resource, **kw)

    def statements_for(self, action: str) -> list[dict]:
        return [s for s in self.p.permissions["Statement"]
                if any(action_matches(a, action) for a in as_list(s.get("Action", [])))]


def write_spec(directory: Path, spec: dict, name: str = "role") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"version": 1, **spec}, sort_keys=False))
    return path


def build(directory: Path, spec: dict, target: str, deployment: Deployment = AWS) -> Role:
    compiled = compile_spec(write_spec(directory, spec))
    return Role(policies(compiled, target, deployment), deployment)
