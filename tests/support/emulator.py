"""Harness for integration tests: a local AWS emulator (moto) and terraform.

Compiled CloudFormation templates and Terraform modules are deployed against
a moto server on loopback, and the resulting IAM roles are read back through
the IAM API and normalised so the two targets can be compared for equivalence.
Nothing here talks to the network beyond 127.0.0.1.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rolec.iam.evaluate import as_list
from rolec.validate import terraform as terraform_validate

REGION = "us-east-1"
# moto's default account; CloudFormation's AWS::AccountId and STS resolve to it.
ACCOUNT_ID = "123456789012"
_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


# --------------------------------------------------------------------------- #
# Test requirements


def require(tool_available: bool, what: str) -> None:
    """Skip a test whose tooling is missing - but fail in CI.

    Locally a missing emulator or terraform should not block the unit suite;
    CI sets ROLEC_REQUIRE_INTEGRATION=1 so a broken image cannot silently turn
    the integration tests into skips.
    """
    if tool_available:
        return
    reason = f"integration requirement missing: {what}"
    if os.environ.get("ROLEC_REQUIRE_INTEGRATION") == "1":
        pytest.fail(reason + " (ROLEC_REQUIRE_INTEGRATION=1)", pytrace=False)
    pytest.skip(reason)


def moto_available() -> bool:
    """Whether moto's server and the IAM/CloudFormation backends can be imported."""
    try:
        import moto.cloudformation.models  # noqa: F401
        import moto.iam.models  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- #
# moto server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def moto_server(start_timeout: float = 30.0) -> Iterator[str]:
    """Run moto's server on a free loopback port and yield its endpoint URL.

    The server runs from the current interpreter so it matches the installed
    moto. AWS managed policies are loaded so that attaching e.g.
    AmazonECSTaskExecutionRolePolicy behaves as in AWS.
    """
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    # A file, not a pipe: werkzeug logs every request and would fill a pipe.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(proc, endpoint, log, start_timeout)
            yield endpoint
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(proc: subprocess.Popen, endpoint: str, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"moto server exited with {proc.returncode}:\n{_tail(log)}"
            )
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is serving
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"moto server did not answer on {endpoint} within {timeout}s:\n"
                f"{_tail(log)}"
            )
        time.sleep(0.1)


def _tail(log, limit: int = 8000) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-limit:]


def reset(endpoint: str) -> None:
    """Drop all emulator state, so tests sharing one server stay independent."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def client(service: str, endpoint: str):
    """A boto3 client for `service` talking to the emulator with dummy credentials."""
    import boto3

    return boto3.client(
        service, region_name=REGION, endpoint_url=endpoint, **_CREDENTIALS
    )


# --------------------------------------------------------------------------- #
# CloudFormation


def deploy_cloudformation(
    endpoint: str,
    template_body: str,
    stack_name: str,
    parameters: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> dict[str, str]:
    """Create a stack, wait for CREATE_COMPLETE and return its outputs.

    Raises with the stack events if the stack ends in any other state.
    """
    cfn = client("cloudformation", endpoint)
    cfn.create_stack(
        StackName=stack_name,
        TemplateBody=template_body,
        Parameters=[
            {"ParameterKey": k, "ParameterValue": v}
            for k, v in (parameters or {}).items()
        ],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    stack = _wait_for_stack(cfn, stack_name, timeout)
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(
            f"stack {stack_name} ended in {stack['StackStatus']}:\n"
            + _format_events(cfn, stack_name)
        )
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def delete_stack(endpoint: str, stack_name: str, timeout: float = 60.0) -> None:
    """Delete a stack and wait until it is gone."""
    cfn = client("cloudformation", endpoint)
    cfn.delete_stack(StackName=stack_name)
    stack = _wait_for_stack(cfn, stack_name, timeout)
    if stack is not None and stack["StackStatus"] != "DELETE_COMPLETE":
        raise RuntimeError(
            f"stack {stack_name} ended in {stack['StackStatus']}:\n"
            + _format_events(cfn, stack_name)
        )


def _wait_for_stack(cfn, stack_name: str, timeout: float) -> dict | None:
    """Poll until the stack leaves *_IN_PROGRESS; None if it no longer exists."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        except cfn.exceptions.ClientError as exc:
            if "does not exist" in str(exc):
                return None
            raise
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            return stack
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"stack {stack_name} still {stack['StackStatus']} after {timeout}s"
            )
        time.sleep(0.2)


def _format_events(cfn, stack_name: str) -> str:
    events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    return "\n".join(
        f"  {e['LogicalResourceId']} {e['ResourceStatus']} "
        f"{e.get('ResourceStatusReason', '')}"
        for e in reversed(events)
    )


# --------------------------------------------------------------------------- #
# Reading roles back


def read_role(endpoint: str, role_name: str) -> dict[str, Any]:
    """Read a role through the IAM API into a target-independent, comparable dict.

    Keys: name, arn, description, trust, path, tags, permissions_boundary,
    max_session_duration, managed_policies, inline. Policies are in `normalise_policy` form; `inline`
    is the union over all inline policies, because how statements are spread
    across inline policies does not change what the role may do.
    """
    iam = client("iam", endpoint)
    role = iam.get_role(RoleName=role_name)["Role"]
    tags = [
        tag
        for page in iam.get_paginator("list_role_tags").paginate(RoleName=role_name)
        for tag in page["Tags"]
    ]
    managed = [
        policy["PolicyArn"]
        for page in iam.get_paginator("list_attached_role_policies").paginate(
            RoleName=role_name
        )
        for policy in page["AttachedPolicies"]
    ]
    inline: set = set()
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role_name, PolicyName=name)
            inline |= normalise_policy(parse_policy_document(document["PolicyDocument"]))
    return {
        "name": role["RoleName"],
        "arn": role["Arn"],
        # An empty description and none at all are the same to IAM.
        "description": role.get("Description") or None,
        "trust": normalise_policy(parse_policy_document(role["AssumeRolePolicyDocument"])),
        "path": role["Path"],
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
        "permissions_boundary": role.get("PermissionsBoundary", {}).get(
            "PermissionsBoundaryArn"
        ),
        "max_session_duration": role.get("MaxSessionDuration"),
        "managed_policies": sorted(managed),
        "inline": frozenset(inline),
    }


def parse_policy_document(document: dict | str) -> dict:
    """Turn a policy document as returned by boto3 + moto into a dict.

    botocore URL-decodes and JSON-parses IAM policy documents, but only if the
    result is valid JSON; otherwise it hands back the raw string. moto stores
    documents created by CloudFormation (e.g. a Role's `Policies`) as Python
    dicts and serialises them with str(), so those arrive as a Python repr.
    """
    if isinstance(document, dict):
        return document
    candidates = (document, urllib.parse.unquote(document))
    for text in candidates:
        with contextlib.suppress(ValueError):
            return json.loads(text)
    for text in candidates:
        with contextlib.suppress(ValueError, SyntaxError):
            return ast.literal_eval(text)
    raise ValueError(f"unparseable policy document: {document!r}")


def _scalar(value: Any) -> str:
    """Policy values are strings in IAM; JSON booleans/numbers mean the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _principals(value: Any) -> frozenset[tuple[str, str]]:
    if value == "*":
        value = {"AWS": "*"}
    return frozenset(
        (kind, _scalar(ident)) for kind, ids in value.items() for ident in as_list(ids)
    )


def _condition(block: dict | None) -> frozenset:
    return frozenset(
        (operator, key.lower(), frozenset(_scalar(v) for v in as_list(values)))
        for operator, entries in (block or {}).items()
        for key, values in entries.items()
    )


def normalise_policy(doc: dict | str) -> frozenset[tuple]:
    """Normalise a policy document into a set of effective statement atoms.

    Two documents compare equal when they grant/deny the same things, however
    the statements are split, merged, ordered or labelled. Each atom is

        (effect, principal, action, resource, condition)

    where
      * effect is "Allow"/"Deny";
      * principal is ("Principal", type, id) - one atom per principal id - or
        ("NotPrincipal", frozenset of (type, id)), or None when absent; the
        bare "*" principal is read as {"AWS": "*"};
      * action is ("Action", name) - one atom per action, lower-cased because
        IAM action names are case-insensitive - or ("NotAction", frozenset);
      * resource is ("Resource", arn) - one atom per resource - or
        ("NotResource", frozenset), or None when absent (trust policies);
      * condition is a frozenset of (operator, key, frozenset(values)), keys
        lower-cased (case-insensitive in IAM), values as strings.

    Positive lists are split into atoms because a statement matches if any
    element matches, so splitting preserves meaning; Not* lists are kept whole
    because splitting them would widen the statement. Sid and Version are
    dropped. A JSON string document is accepted as well as a dict.
    """
    if isinstance(doc, str):
        doc = json.loads(doc)
    atoms = set()
    for statement in as_list(doc.get("Statement", [])):
        if "Principal" in statement:
            principals = [
                ("Principal", *p) for p in _principals(statement["Principal"])
            ]
        elif "NotPrincipal" in statement:
            principals = [("NotPrincipal", _principals(statement["NotPrincipal"]))]
        else:
            principals = [None]
        if "NotAction" in statement:
            actions = [
                ("NotAction", frozenset(a.lower() for a in as_list(statement["NotAction"])))
            ]
        else:
            actions = [("Action", a.lower()) for a in as_list(statement.get("Action", []))]
        if "NotResource" in statement:
            resources = [("NotResource", frozenset(as_list(statement["NotResource"])))]
        elif "Resource" in statement:
            resources = [("Resource", r) for r in as_list(statement["Resource"])]
        else:
            resources = [None]
        condition = _condition(statement.get("Condition"))
        atoms.update(
            (statement["Effect"], principal, action, resource, condition)
            for principal in principals
            for action in actions
            for resource in resources
        )
    return frozenset(atoms)


# --------------------------------------------------------------------------- #
# Terraform


def find_terraform() -> str | None:
    """Path of the terraform binary on PATH, or None (the compiler's lookup, as an optional)."""
    try:
        return terraform_validate.find_terraform()
    except terraform_validate.TerraformUnavailable:
        return None


def find_plugin_mirror() -> str | None:
    """Folder containing `registry.terraform.io` with the AWS provider, or None (the compiler's lookup)."""
    try:
        return str(terraform_validate.find_plugin_mirror())
    except terraform_validate.TerraformUnavailable:
        return None


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output."""


class TerraformWorkspace:
    """A terraform root module wrapping every module folder in `directory`.

    The root `main.tf.json` configures the AWS provider for the emulator and
    instantiates each sub-folder as `module.<folder>`, exposing its outputs as
    root output `<folder>`. `terraform init` runs once, from the local plugin
    mirror only, so nothing reaches for the network.
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        endpoint: str,
        terraform: str | None = None,
        plugin_mirror: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        # Absolute: terraform runs inside it and resolves TF_CLI_CONFIG_FILE from there.
        self.directory = Path(directory).resolve()
        self.endpoint = endpoint
        self.terraform = terraform or find_terraform()
        self.plugin_mirror = plugin_mirror or find_plugin_mirror()
        if not self.terraform or not self.plugin_mirror:
            raise TerraformError("terraform binary or AWS provider mirror not found")
        self.timeout = timeout
        self.modules = sorted(
            p.name
            for p in self.directory.iterdir()
            if p.is_dir() and not p.name.startswith(".")
        )
        self.last_plan = ""
        self._initialised = False
        self._write_root()
        self._env = self._environment()

    def _write_root(self) -> None:
        root = {
            "provider": {
                "aws": {
                    "region": REGION,
                    "access_key": "testing",
                    "secret_key": "testing",
                    "skip_credentials_validation": True,
                    "skip_requesting_account_id": True,
                    "skip_metadata_api_check": True,
                    "s3_use_path_style": True,
                    "endpoints": [
                        {
                            "iam": self.endpoint,
                            "sts": self.endpoint,
                            "cloudformation": self.endpoint,
                        }
                    ],
                }
            },
            "module": {name: {"source": f"./{name}"} for name in self.modules},
            "output": {name: {"value": f"${{module.{name}}}"} for name in self.modules},
        }
        (self.directory / "main.tf.json").write_text(json.dumps(root, indent=2))

    def _environment(self) -> dict[str, str]:
        """Dummy credentials, no telemetry, and a CLI config without network installs.

        AWS_ENDPOINT_URL (honoured by provider 5.x) sends every service the
        root's `endpoints` block does not name to the emulator too, so a module
        using another service fails against moto instead of reaching for AWS.
        """
        cli_config = self.directory / ".terraformrc"
        cli_config.write_text(
            "disable_checkpoint = true\n"
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path = {json.dumps(self.plugin_mirror)}\n  }}\n"
            "}\n"
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "TF_"))
        }
        env.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_ENDPOINT_URL=self.endpoint,
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
            TF_CLI_CONFIG_FILE=str(cli_config),
        )
        return env

    def _run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [self.terraform, *args],
            cwd=self.directory,
            env=self._env,
            capture_output=True,
            text=True,
            timeout=self.timeout,
        )
        if proc.returncode not in ok_codes:
            raise TerraformError(
                f"terraform {' '.join(args)} exited with {proc.returncode}\n"
                f"--- stderr ---\n{proc.stderr}\n--- stdout ---\n{proc.stdout}"
            )
        return proc

    def init(self) -> None:
        """Install providers from the local mirror; idempotent."""
        if not self._initialised:
            self._run(
                "init", "-backend=false", f"-plugin-dir={self.plugin_mirror}",
                "-input=false", "-no-color",
            )
            self._initialised = True

    def validate(self) -> None:
        self.init()
        self._run("validate", "-no-color")

    def apply(self) -> None:
        self.init()
        self._run("apply", "-auto-approve", "-input=false", "-no-color")

    def plan_is_empty(self) -> bool:
        """True if a fresh plan has no changes; the plan text is kept in last_plan."""
        self.init()
        proc = self._run(
            "plan", "-detailed-exitcode", "-input=false", "-no-color", ok_codes=(0, 2)
        )
        self.last_plan = proc.stdout
        return proc.returncode == 0

    def destroy(self) -> None:
        self.init()
        self._run("destroy", "-auto-approve", "-input=false", "-no-color")

    def outputs(self) -> dict[str, Any]:
        """Root outputs as {module_folder: {output_name: value}}."""
        self.init()
        raw = json.loads(self._run("output", "-json", "-no-color").stdout)
        return {name: entry["value"] for name, entry in raw.items()}
