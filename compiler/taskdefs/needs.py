"""What a task definition needs from its execution role, as spec feature entries, and the mistakes it holds.

Each need is traced to the field that asks for it (`Origin`). Values the file leaves open
(holes) are errors at their own location when they change the permissions (an image's
repository, a secret, a log group), and ignored when they do not (an image tag, a container
name, an environment value, the task role). The ARN forms follow
shared/aws/EXECUTION_ROLE_FEATURES.md (§2-§4): a value in the deploying partition, region and
account becomes a name; a literal region with the deploying partition and account becomes
`arn:{partition}:SERVICE:REGION:{account}:...`; a literal ARN stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from functools import cache

from ..aws.arn import PARTITIONS
from ..aws.ecr import parse_image, split_reference
from ..aws.regions import PARTITION_OF
from ..errors import Diagnostic
from ..features import catalog
from ..sources import Bindings, Hole, Node, Span
from ..spec.names import SECRET_SUFFIX_MARKER, environment_file, s3_object
from ..spec.types import Invalid, Str
from ..text import Pseudo
from . import Origin
from .model import TaskDefinition, field, items, mapping

PLACEHOLDER = {Pseudo.PARTITION: "{partition}", Pseudo.REGION: "{region}", Pseudo.ACCOUNT: "{account}"}
_ARN = re.compile(r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.+)", re.S)
_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
FARGATE_ONLY_PLATFORMS = {"FARGATE", "EXTERNAL", "MANAGED_INSTANCES"}
DEPLOYING_REGISTRY = "{account}.dkr.ecr.{region}.amazonaws.com"
_DEPLOYING_ACCOUNT_HOST = re.compile(r"\{account\}\.dkr\.ecr\.(?P<region>\{region\}|[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?")
"""An ECR host of the deploying account (aws/aws-us-gov, or China's), in the deploying region or a written one."""
URL_SUFFIX = "AWS::URLSuffix"
"""CloudFormation's domain of the deploying partition (amazonaws.com, amazonaws.com.cn, …): in an ECR host of the
deploying account and region, it names DEPLOYING_REGISTRY."""
PULL_THROUGH_CACHE_PREFIXES = ("docker-hub", "ecr-public", "quay", "kubernetes", "github")
"""The prefixes the ECR console proposes for pull through cache rules (shared/aws/EXECUTION_ROLE_FEATURES.md §3)."""


@dataclass(frozen=True)
class Need:
    """One spec list entry (`feature`, `key`) with where it comes from."""

    feature: str
    key: str
    entry: str
    origin: Origin


@dataclass
class Needs:
    needs: list[Need] = dataclass_field(default_factory=list)
    create_group: Origin | None = None
    errors: list[Diagnostic] = dataclass_field(default_factory=list)
    warnings: list[Diagnostic] = dataclass_field(default_factory=list)


class _Mapper:
    def __init__(self, task: TaskDefinition, bindings: Bindings, result: Needs, *, instance_role: bool):
        self.task, self.bindings, self.result = task, bindings, result
        self.account = _task_account(task)
        self.instance_role = instance_role
        """EC2 without an execution role: the container instance role pulls from ECR and sends awslogs."""

    # -- reporting ----------------------------------------------------------------------------
    def error(self, at: Span, message: str) -> None:
        self.result.errors.append(at.error(message))

    def warning(self, at: Span, message: str) -> None:
        self.result.warnings.append(at.error(message, "warning"))

    def unresolved(self, node: Node, what: str) -> bool:
        """Report every hole of a value that changes the permissions; True when there was one."""
        holes = list(node.holes())
        for hole in holes:
            self.error(hole.at, hole.message(what))
        return bool(holes)

    def add(self, feature: str, key: str, entry: str, node: Node, container: str | None, path: str):
        """The entry, if the spec takes it as written: infer never writes a spec that `rolec validate` refuses."""
        try:
            entry_type(feature, key).parse(entry)
        except Invalid as exc:
            self.error(node.at, f"{path} {entry!r}: {exc}")
            return
        origin = Origin(node.at.path, node.at.line, node.at.col, container, path)
        self.result.needs.append(Need(feature, key, entry, origin))

    def text(self, node: Node, what: str) -> str | None:
        """The string with pseudo parameters as {partition}/{region}/{account}; None (reported) when open."""
        if not node.is_string:
            if not isinstance(node.value, Hole):
                self.error(node.at, f"{what}: expected a string, got {node.plain()!r}")
                return None
        if self.unresolved(node, what):
            return None
        return "".join(PLACEHOLDER[p] if isinstance(p, Pseudo) else p for p in node.value)

    def typed(self, node: Node | None, what: str, *, boolean: bool = False) -> bool:
        """A field the ECS API types as a string (or a boolean, when `boolean`): False, reported, for any other
        value; an open value (a hole) is the caller's to judge."""
        if node is None or node.is_string or isinstance(node.value, Hole) or (boolean and isinstance(node.value, bool)):
            return True
        self.error(node.at, f"{what}: expected a string, got {node.plain()!r}")
        return False

    # -- task level ---------------------------------------------------------------------------
    def task_level(self) -> None:
        for name in ("family", "executionRoleArn", "taskRoleArn", "networkMode", "taskDefinitionArn"):
            self.typed(field(self.task.root, name), name)
        compatibilities = field(self.task.root, "requiresCompatibilities")
        if compatibilities is not None and not isinstance(compatibilities.value, Hole):
            listed = compatibilities.value if isinstance(compatibilities.value, list) else None
            if listed is None:
                self.error(compatibilities.at, f"requiresCompatibilities: expected a list of strings such as "
                                               f"[FARGATE], got {compatibilities.plain()!r}")
            for item in listed or ():
                self.typed(item, "requiresCompatibilities[]")
        for name, node in (("executionRoleArn", self.task.execution_role), ("taskRoleArn", self.task.task_role)):
            literal = node.literal if node is not None else None
            if literal is None:
                continue
            match = re.fullmatch(r"arn:[^:]+:iam::(?P<account>[^:]*):role/.+", literal)
            if match and not re.fullmatch(r"\d{12}", match["account"]):
                self.warning(node.at, f"{name} {literal!r} names account {match['account']!r}, which is not a 12-digit "
                                      "account id (ECS rejects it; rolec does not need it)")

    # -- containers ---------------------------------------------------------------------------
    def container(self, node: Node) -> None:
        name_node = field(node, "name")
        name = name_node.plain() if name_node is not None and self.typed(name_node, "name") else None
        self.image(field(node, "image"), name)
        credentials = mapping(field(node, "repositoryCredentials"), "repositoryCredentials")
        parameter = field(credentials, "credentialsParameter")
        if parameter is not None:
            self.secret_manager_secret(parameter, name, "repositoryCredentials.credentialsParameter",
                                       "private_registry_auth", "secrets")
        for index, secret in enumerate(items(field(node, "secrets"), "secrets")):
            self.secret(mapping(secret, f"secrets[{index}]"), name, f"secrets[{index}].valueFrom")
        log = mapping(field(node, "logConfiguration"), "logConfiguration")
        for index, secret in enumerate(items(field(log, "secretOptions"), "logConfiguration.secretOptions")):
            self.secret(mapping(secret, f"secretOptions[{index}]"), name, f"logConfiguration.secretOptions[{index}].valueFrom")
        driver = field(log, "logDriver")
        if driver is not None and self.typed(driver, "logConfiguration.logDriver") and driver.literal == "awslogs" \
                and not self.instance_role:
            self.awslogs(mapping(field(log, "options"), "logConfiguration.options"), log, name)
        for index, env in enumerate(items(field(node, "environment"), "environment")):
            value_from = field(mapping(env, f"environment[{index}]"), "valueFrom")
            if value_from is not None:
                self.warning(value_from.at, f"environment[{index}].valueFrom {value_from.plain()!r}: ECS ignores valueFrom "
                                            "in environment, so this value is never injected; move the entry to secrets")
        for index, item in enumerate(items(field(node, "environmentFiles"), "environmentFiles")):
            self.environment_file(mapping(item, f"environmentFiles[{index}]"), name, index)
        for index, item in enumerate(items(field(node, "credentialSpecs"), "credentialSpecs")):
            self.credential_spec(item, name, f"credentialSpecs[{index}]")
        self.firelens(mapping(field(node, "firelensConfiguration"), "firelensConfiguration"), name)

    def image(self, node: Node | None, container: str | None) -> None:
        if node is None or self.instance_role:
            return
        if not node.is_string and not isinstance(node.value, Hole):
            self.error(node.at, f"image: expected a string, got {node.plain()!r}")
            return
        parts = node.value if node.is_string else (node.value,)
        marks = {f"\x00{i}\x00": p for i, p in enumerate(parts) if isinstance(p, Hole)}
        rendered = "".join(next(k for k, v in marks.items() if v is p) if isinstance(p, Hole)
                           else PLACEHOLDER[p] if isinstance(p, Pseudo) else p for p in parts)
        host, path, _tag, _digest = split_reference(rendered)
        if host in {DEPLOYING_REGISTRY.replace(".amazonaws.com", f".{mark}") for mark, hole in marks.items()
                    if hole.written == URL_SUFFIX}:
            host = DEPLOYING_REGISTRY  # the deploying partition's domain: this registry in every partition
        repository = f"{host}/{path}" if host else path
        open_parts = [hole for mark, hole in marks.items() if mark in repository]
        for hole in open_parts:
            self.error(hole.at, hole.message("the image's registry and repository"))
        if open_parts:
            return
        if host is not None and "{" in host:
            registry = _DEPLOYING_ACCOUNT_HOST.fullmatch(host)
            if registry and registry["region"] == "{region}":
                self.add("ecr_pull", "repositories", path, node, container, "image")
            elif registry and registry["region"] in PARTITION_OF \
                    and (PARTITION_OF[registry["region"]] == "aws-cn") == host.endswith(".cn"):
                # R106's form: a written region of the deploying partition and account
                self.add("ecr_pull", "repositories", f"arn:{{partition}}:ecr:{registry['region']}:{{account}}:repository/"
                         f"{path}", node, container, "image")
            else:
                self.error(node.at, f"image {rendered!r}: an ECR registry of the deploying account is written "
                                    "{account}.dkr.ecr.REGION.amazonaws.com, REGION a region or the deploying one; "
                                    "rolec cannot express this host")
            return
        repository = self.bind_host(repository)
        try:
            image = parse_image(repository)
        except Invalid as exc:
            labels = repository.split("/", 1)[0].split(".")
            hint = ""
            if "exactly 12 digits" in str(exc):
                hint = self.placeholder_hint(labels[0], "ACCOUNT")
            elif "not an AWS region" in str(exc):
                hint = self.placeholder_hint(labels[3 if labels[1] == "dkr" else 2], "REGION")
            self.error(node.at, f"image {rendered!r}: {exc}{hint}")
            return
        if image is not None:
            host_only = repository.split("/", 1)[0]
            self.add("ecr_pull", "repositories", f"{host_only}/{image.repository}", node, container, "image")
            self.pull_through_cache(node, image.repository)

    def pull_through_cache(self, node: Node, repository: str) -> None:
        """A repository under a prefix the ECR console proposes for pull through cache rules may be one; only the
        registry's rules say so, so rolec says what the first pull would need instead of guessing."""
        prefix = repository.split("/", 1)[0]
        if "/" in repository and prefix in PULL_THROUGH_CACHE_PREFIXES:
            self.warning(node.at, f"image {node.plain()!r} is under '{prefix}/', a default prefix of ECR pull through "
                                  "cache rules; if it is one, the first pull of a new image needs "
                                  "ecr:BatchImportUpstreamImage: add features.pull_through_cache.prefixes: "
                                  f"[{prefix}]")

    def bind_host(self, reference: str) -> str:
        """A documentation placeholder as an ECR host's account or region label, bound by `--set LABEL=VALUE`."""
        host, sep, rest = reference.partition("/")
        labels = host.split(".")
        if sep and len(labels) > 4 and labels[1].startswith("dkr"):
            for index in (0, 3 if labels[1] == "dkr" else 2):
                bound = self.bindings.get(labels[index])
                if bound is not None:
                    labels[index] = bound
            return ".".join(labels) + sep + rest
        return reference

    @staticmethod
    def placeholder_hint(placeholder: str, meaning: str) -> str:
        return f"; if {placeholder!r} is a documentation placeholder, bind it with --set {placeholder}={meaning}"

    # -- secrets ------------------------------------------------------------------------------
    def secret(self, secret: Node, container: str | None, path: str) -> None:
        value_from = field(secret, "valueFrom")
        if value_from is None:
            self.error(secret.at, f"{path}: missing (ECS requires valueFrom)")
            return
        text = self.text(value_from, path)
        if text is None:
            return
        if text.startswith("arn:"):
            service = text.split(":")[2] if text.count(":") >= 2 else ""
            if service == "secretsmanager":
                self.secret_manager_secret(value_from, container, path, "secrets", "secrets_manager", text=text)
            elif service == "ssm":
                self.ssm_parameter(value_from, text, container, path)
            else:
                self.error(value_from.at, f"{path} {text!r}: expected a Secrets Manager secret ARN, an SSM parameter "
                                          "ARN or an SSM parameter name")
            return
        self.add("secrets", "ssm_parameters", text, value_from, container, path)

    def secret_manager_secret(self, node: Node, container, path, feature, key, *, text=None) -> None:
        text = text if text is not None else self.text(node, path)
        if text is None:
            return
        if not text.startswith("arn:"):
            self.add(feature, key, text, node, container, path)
            return
        parts = self.arn(node, text, path, "secretsmanager")
        if parts is None:
            return
        name = parts["resource"].removeprefix("secret:").split(":")[0]
        if not parts["resource"].startswith("secret:") or not name:
            self.error(node.at, f"{path} {text!r}: expected arn:<partition>:secretsmanager:<region>:<account>:secret:<name>")
            return
        if name.endswith(SECRET_SUFFIX_MARKER):  # a secret of the same template or module: its name, suffix unknown
            name = name.removesuffix(SECRET_SUFFIX_MARKER)
            self.add_arn(feature, key, parts, f"secret:{name}{SECRET_SUFFIX_MARKER}", name, node, container, path)
            return
        if _SUFFIX.search(name) and not re.search(r"[A-Z0-9]", name[-6:]):
            self.error(node.at, f"{path} {text!r}: rolec cannot tell whether '{name[-7:]}' is Secrets Manager's "
                                f"six-character suffix or the end of the name '{name}' (a partial ARN); the grant differs, "
                                "so write the secret's full ARN (with its suffix, e.g. -AbC123)")
            return
        suffix = _SUFFIX.search(name)  # as a name (deploying region and account), the secret is what precedes it
        self.add_arn(feature, key, parts, f"secret:{name}", name[: suffix.start()] if suffix else name, node,
                     container, path)

    def ssm_parameter(self, node: Node, text: str, container, path) -> None:
        parts = self.arn(node, text, path, "ssm")
        if parts is None:
            return
        if not parts["resource"].startswith("parameter"):
            self.error(node.at, f"{path} {text!r}: expected arn:<partition>:ssm:<region>:<account>:parameter/<name>")
            return
        if self.account and parts["account"] not in ("{account}", self.account):
            self.error(node.at, f"{path} {text!r}: the parameter is in account {parts['account']}, but the task runs in "
                                f"account {self.account}; ECS does not read SSM parameters of another account")
            return
        name = parts["resource"].removeprefix("parameter")
        self.add_arn("secrets", "ssm_parameters", parts, parts["resource"], name, node, container, path)

    def arn(self, node: Node, text: str, path: str, service: str) -> dict | None:
        """The ARN's fields with documentation placeholders bound; a located error for a bad partition, region or account."""
        match = _ARN.fullmatch(text)
        if not match or match["service"] != service:
            self.error(node.at, f"{path} {text!r}: expected an {service} ARN")
            return None
        parts = match.groupdict()
        for key in ("region", "account"):
            bound = self.bindings.get(parts[key])
            if bound is not None:
                parts[key] = bound
        if parts["account"] != "{account}" and not re.fullmatch(r"\d{12}", parts["account"]):
            self.error(node.at, f"{path} {text!r} names account {parts['account']!r}, which is not a 12-digit account id"
                                + self.placeholder_hint(parts["account"], "ACCOUNT"))
            return None
        if parts["region"] != "{region}" and parts["region"] not in PARTITION_OF:
            self.error(node.at, f"{path} {text!r} names region {parts['region']!r}, which is not an AWS region"
                                + self.placeholder_hint(parts["region"], "REGION"))
            return None
        if parts["partition"] != "{partition}" and parts["region"] != "{region}" \
                and PARTITION_OF[parts["region"]] != parts["partition"]:
            self.error(node.at, f"{path} {text!r}: region {parts['region']} is in partition "
                                f"{PARTITION_OF[parts['region']]}, not {parts['partition']}")
            return None
        return parts

    def add_arn(self, feature, key, parts: dict, resource: str, name: str, node: Node, container, path) -> None:
        """A name when the ARN is in the deploying partition, region and account; else the ARN, in which the
        deploying partition and account may stay placeholders but the region must be literal."""
        located = (parts["partition"], parts["region"], parts["account"])
        if located == ("{partition}", "{region}", "{account}"):
            self.add(feature, key, name, node, container, path)
        elif located[1:] == ("{region}", "{account}") and located[0] in PARTITIONS:
            # `!Sub arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:…`: the name's ARN wherever the ARN can be right
            self.warning(node.at, f"{path}: the ARN writes partition '{located[0]}' with the deploying region and "
                                  f"account; rolec grants the name in the deploying partition, which is this ARN in "
                                  f"{located[0]} (in another partition the task definition names nothing that exists)")
            self.add(feature, key, name, node, container, path)
        elif parts["region"] == "{region}":
            self.error(node.at, f"{path}: an ARN in the deploying region but a fixed partition or account "
                                f"({parts['partition']}, {parts['account']}) cannot be written in a spec; "
                                "write the region, or use the deploying account too")
        else:
            self.add(feature, key, f"arn:{parts['partition']}:{parts['service']}:{parts['region']}:{parts['account']}:{resource}",
                     node, container, path)

    # -- logs, files --------------------------------------------------------------------------
    def awslogs(self, options: Node | None, log: Node, container: str | None) -> None:
        group = field(options, "awslogs-group")
        if group is None:
            self.error(log.at, "logConfiguration: the awslogs driver needs the awslogs-group option")
            return
        name = self.text(group, "logConfiguration.options.awslogs-group")
        region_node = field(options, "awslogs-region")
        region = "{region}" if region_node is None else self.text(region_node, "logConfiguration.options.awslogs-region")
        if name is None or region is None:
            return
        if region != "{region}":
            region = self.bindings.get(region) or region
            if region not in PARTITION_OF:
                self.error(region_node.at, f"awslogs-region {region!r} is not an AWS region"
                           + self.placeholder_hint(region, "REGION"))
                return
        entry = name if region == "{region}" else f"arn:{{partition}}:logs:{region}:{{account}}:log-group:{name}"
        self.add("awslogs", "log_groups", entry, group, container, "logConfiguration.options.awslogs-group")
        create = field(options, "awslogs-create-group")
        if create is not None and self.typed(create, "logConfiguration.options.awslogs-create-group", boolean=True) \
                and str(create.plain()).lower() == "true" and self.result.create_group is None:
            self.result.create_group = Origin(create.at.path, create.at.line, create.at.col, container,
                                              "logConfiguration.options.awslogs-create-group")

    def environment_file(self, item: Node, container: str | None, index: int) -> None:
        path = f"environmentFiles[{index}].value"
        kind = field(item, "type")
        if kind is not None and (not self.typed(kind, f"environmentFiles[{index}].type") or kind.literal != "s3"):
            return
        value = field(item, "value")
        text = self.text(value, path) if value is not None else None
        if text is not None and self.s3_file(value, text, path, environment_file):
            self.add("s3_files", "environment_files", text, value, container, path)

    def credential_spec(self, node: Node, container: str | None, path: str) -> None:
        """A gMSA CredSpec, `credentialspec:ARN` or `credentialspecdomainless:ARN`, read by the agent with the execution
        role from Parameter Store or S3 (ContainerDefinition.credentialSpecs; FEATURES G1)."""
        text = self.text(node, path)
        if text is None:
            return
        kind, _, arn = text.partition(":")
        if kind not in ("credentialspec", "credentialspecdomainless") or not arn.startswith("arn:"):
            self.error(node.at, f"{path} {text!r}: expected credentialspec:ARN or credentialspecdomainless:ARN, the ARN "
                                "of an SSM parameter or S3 object")
            return
        if arn.split(":")[2:3] != ["ssm"]:
            self.error(node.at, f"{path} {text!r}: rolec has no feature for a credential spec in S3 (the execution role "
                                "reads it with s3:GetObject); store it in Parameter Store, or write the role by hand")
            return
        self.ssm_parameter(node, arn, container, path)
        if kind == "credentialspecdomainless":
            self.warning(node.at, f"{path}: a domainless CredSpec names a Secrets Manager secret inside the file "
                                  "(HostAccountConfig.PluginInput.CredentialArn), which the execution role reads too; the "
                                  "task definition cannot show it: add it under features.secrets.secrets_manager")

    def firelens(self, config: Node | None, container: str | None) -> None:
        options = mapping(field(config, "options"), "firelensConfiguration.options")
        kind = field(options, "config-file-type")
        if kind is None or not self.typed(kind, "firelensConfiguration.options.config-file-type") or kind.literal != "s3":
            return
        path = "firelensConfiguration.options.config-file-value"
        value = field(options, "config-file-value")
        if self.task.compatibilities is not None and not set(self.task.compatibilities) - FARGATE_ONLY_PLATFORMS:
            self.warning(kind.at, "firelensConfiguration config-file-type 's3' is not supported on Fargate "
                                  "(RegisterTaskDefinition fails); use 'file' with the config in the image, or run on EC2")
        text = self.text(value, path) if value is not None else None
        if text is not None and self.s3_file(value, text, path):
            self.add("s3_files", "firelens_config", text, value, container, path)

    def s3_file(self, node: Node, text: str, path: str, convert=s3_object) -> bool:
        """An object ARN as the spec takes it (`convert`: spec/names.s3_object or environment_file); a bucket
        named after the deploying account and region (the AWS CDK's assets bucket) keeps {account}/{region}."""
        if text.startswith("s3://"):
            self.error(node.at, f"{path} {text!r}: expected an S3 object ARN arn:<partition>:s3:::<bucket>/<key> "
                                "(an S3 URL; ECS wants the object ARN arn:aws:s3:::BUCKET/KEY)")
            return False
        try:
            convert(text)
        except Invalid as exc:
            self.error(node.at, f"{path} {text!r}: {exc}")
            return False
        return True


@cache
def entry_type(feature: str, key: str) -> Str:
    """The type of one item of the spec list `features.FEATURE.KEY` (its schema in the feature catalog)."""
    return next(f for f in catalog() if f.name == feature).schema.fields[key].type.item


def _task_account(task: TaskDefinition) -> str | None:
    for node in (task.task_arn, task.execution_role):
        literal = node.literal if node is not None else None
        match = re.fullmatch(r"arn:[^:]+:(?:iam|ecs):[^:]*:(\d{12}):.+", literal or "")
        if match:
            return match[1]
    return None


def needs_of(task: TaskDefinition, bindings: Bindings, result: Needs) -> None:
    """On EC2 without an execution role, the instance role's duties (ECR pulls, awslogs) are left out; but a task
    that needs anything more must name an execution role, and the agent then pulls and logs with it as on
    Fargate, so its needs are mapped again with those duties."""
    instance_role = task.has_task_level and task.execution_role is None and set(task.compatibilities or ()) <= {"EC2"}
    _map(task, bindings, result, instance_role)
    if instance_role and result.needs and not result.errors:
        fresh = Needs()
        _map(task, bindings, fresh, False)
        result.needs[:], result.create_group = fresh.needs, fresh.create_group
        result.errors[:], result.warnings[:] = fresh.errors, fresh.warnings


def _map(task: TaskDefinition, bindings: Bindings, result: Needs, instance_role: bool) -> None:
    mapper = _Mapper(task, bindings, result, instance_role=instance_role)
    mapper.task_level()
    for container in task.containers:
        mapper.container(container)
