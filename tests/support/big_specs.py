"""Specs large enough to exceed IAM's inline policy limit (and one too large for any role)."""

from __future__ import annotations


def secret_names(count: int, width: int = 0) -> list[str]:
    """Distinct secret names; `width` pads each name to make the role's policies larger."""
    return [f"team{i:04d}/service/secret{'-x' * (width // 2)}" for i in range(count)]


def secrets_spec(names: list[str], *, managed_policy: bool = False, parameters: list[str] = ()) -> str:
    lines = ["version: 1"]
    if managed_policy:
        lines.append("managed_policy: true")
    lines += ["features:", "  ecr_pull:", "    repositories: [app]", "  secrets:", "    secrets_manager:"]
    lines += [f"      - {name}" for name in names]
    if parameters:
        lines.append("    ssm_parameters:")
        lines += [f"      - {name}" for name in parameters]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    # The 400-secret spec whose role spills into customer managed policies; .ci/scan scans its template too.
    print(secrets_spec(secret_names(400)), end="")
