"""The commented starter spec that `rolec new` writes: valid as is, every other option shown commented out."""

from __future__ import annotations

from ..features import catalog
from .v1 import ROLE, SCHEMA_ID

SCHEMA_PATH = f"../schema/{SCHEMA_ID}"
DEFAULT_FEATURES = ("ecr_pull", "awslogs")
ROLE_EXAMPLES = {
    "existing": "ecsTaskExecutionRole",
    "name": "{name}-execution",
    "path": "/ecs/",
    "permissions_boundary": "Boundary",
    "max_session_duration": "3600",
    "tags": "{{team: my-team}}",
}
"""An example value for every `role:` key (a test checks every key has one)."""

EXAMPLES: dict[str, str] = {
    "ecr_pull": """\
  ecr_pull:
    repositories: [{name}]  # repository names (this account and region) or ARNs
    # vpc_endpoint:  # Fargate pulling through interface VPC endpoints
    #   source_vpce: [vpce-0a1b2c3d4e5f60789]
    #   source_vpc: [vpc-0a1b2c3d]
""",
    "awslogs": """\
  awslogs:
    log_groups: [/ecs/{name}]  # the task definition's awslogs-group
    create_group: false  # true when it sets awslogs-create-group
""",
    "private_registry_auth": """\
  private_registry_auth:
    secrets: [{name}/registry-credentials]  # repositoryCredentials.credentialsParameter
    # kms_keys: [alias/{name}]  # only for a customer managed key
""",
    "secrets": """\
  secrets:  # logConfiguration.secretOptions go here too
    ssm_parameters: [/{name}/db-password]
    # secrets_manager: [{name}/api-key]
    # kms_keys: [alias/{name}]  # only for a customer managed key
""",
    "pull_through_cache": """\
  pull_through_cache:
    prefixes: [docker-hub]  # rule prefixes: images ACCOUNT.dkr.ecr.REGION.amazonaws.com/docker-hub/...
    create_repository: false  # true lets the first pull create the cache repository
""",
    "runtime_monitoring": """\
  runtime_monitoring:
    guardduty_agent: true  # GuardDuty Runtime Monitoring adds its agent sidecar to Fargate tasks
""",
    "s3_files": """\
  s3_files:
    environment_files: [arn:aws:s3:::{name}-config/{name}.env]  # environmentFiles (type s3); keys end in .env
    # firelens_config: [arn:aws:s3:::{name}-config/fluent-bit.conf]  # config-file-type s3 (EC2 only)
    # prefixes: [arn:aws:s3:::{name}-config/envs/]  # every object under the folder (explicit opt-in)
    # bucket_owner: "111122223333"  # aws:ResourceAccount; default: this account; any: no condition
    # kms_keys: [alias/{name}]  # only for SSE-KMS with a customer managed key
""",
}
"""One block per catalog feature, with NAME standing in for the role id (a test checks every feature has one)."""


def starter(name: str, features: tuple[str, ...], schema_path: str = SCHEMA_PATH) -> str:
    chosen = [f for f in catalog() if f.name in (features or DEFAULT_FEATURES)]
    lines = [
        f"# yaml-language-server: $schema={schema_path}",
        f"# ECS task execution role '{name}'. Build with `rolec build`; see why each permission",
        "# exists with `rolec explain`. Replace the example names with your own.",
        "version: 1",
        f"description: Execution role for {name}",
        "# role:",
    ]
    for key, field in ROLE.fields.items():
        if key == "existing":
            continue
        setting = f"{key}: {ROLE_EXAMPLES[key].format(name=name)}"
        lines.append(f"#   {setting:<34}# {field.doc}")
    lines.append("# or, to add the permissions to a role that exists already (then drop description and trust):")
    lines.append(f"# role: {{existing: {ROLE_EXAMPLES['existing']}}}")
    lines += [
        "managed_policy: false  # true attaches AmazonECSTaskExecutionRolePolicy",
        "trust:",
        "  # true adds aws:SourceAccount/aws:SourceArn against the confused deputy; AWS documents them for",
        "  # task roles, not for the execution role: turn it on once a deployed task proves it works.",
        "  source_account: false",
        "features:",
    ]
    body = "\n".join(lines) + "\n"
    for feature in chosen:
        body += f"  # {feature.summary}\n" + EXAMPLES[feature.name].format(name=name)
    return body
