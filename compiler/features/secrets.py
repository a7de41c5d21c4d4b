"""Inject sensitive data from Parameter Store and Secrets Manager into containers."""

from __future__ import annotations

from ..ir import AccountCheck, Grant
from ._kms import KMS_KEYS, decrypt_grants
from ..spec.names import parameter, secret
from ..spec.types import Field, List, Obj, Str
from ..text import Pseudo
from . import Context, Feature

KEY = "features.secrets"


def _needs_a_source(block: dict, node, path: str, checker) -> None:
    if not block["ssm_parameters"] and not block["secrets_manager"]:
        checker.error(node, path, "expected ssm_parameters, secrets_manager or both")


SCHEMA = Obj(
    "a mapping with ssm_parameters and/or secrets_manager, and optionally kms_keys",
    {
        "ssm_parameters": Field(List(Str("an SSM parameter name or ARN", convert=parameter), max_items=500), default=(),
                                doc="Parameter Store parameters named in the task definition's secrets."),
        "secrets_manager": Field(List(Str("a Secrets Manager secret name or ARN", convert=secret), max_items=500), default=(),
                                 doc="Secrets Manager secrets named in the task definition's secrets (valueFrom ARNs are cut back to the secret)."),
        "kms_keys": Field(KMS_KEYS, default=(), doc="Customer managed keys that encrypt those parameters or secrets."),
    },
    validate=_needs_a_source,
    json_extra={"anyOf": [{"required": ["ssm_parameters"]}, {"required": ["secrets_manager"]}]},
)

PARAMETER_REASON = "the task definition injects this Parameter Store parameter, which ECS reads with ssm:GetParameters"
SECRET_REASON = "the task definition injects this Secrets Manager secret, which ECS reads with secretsmanager:GetSecretValue"
REFERENCE_REASON = (
    "this parameter references a Secrets Manager secret, so ECS also needs secretsmanager:GetSecretValue on the secret"
)


def grants(block: dict, ctx: Context):
    parameters = block["ssm_parameters"]
    if parameters:
        yield Grant("Secrets", "GetParameters", ("ssm:GetParameters",), tuple(p.arn for p in parameters),
                    tuple(ctx.source(f"{KEY}.ssm_parameters[{i}]", PARAMETER_REASON) for i in range(len(parameters))))
    secrets = block["secrets_manager"]
    if secrets:
        yield Grant("Secrets", "GetSecretValue", ("secretsmanager:GetSecretValue",), tuple(secrets),
                    tuple(ctx.source(f"{KEY}.secrets_manager[{i}]", SECRET_REASON) for i in range(len(secrets))))
    referenced = [(i, p.referenced_secret) for i, p in enumerate(parameters) if p.referenced_secret is not None]
    if referenced:
        yield Grant("Secrets", "GetSecretValue", ("secretsmanager:GetSecretValue",), tuple(s for _, s in referenced),
                    tuple(ctx.source(f"{KEY}.ssm_parameters[{i}]", REFERENCE_REASON) for i, _ in referenced))
    yield from decrypt_grants("Secrets", f"{KEY}.kms_keys", block["kms_keys"], ctx)
    for i, account in _parameter_accounts(parameters):
        key = f"{KEY}.ssm_parameters[{i}]"
        yield AccountCheck(account, f"{key} is a parameter in account {account}: ECS reads Parameter Store parameters "
                                    f"only in the task's own account, so deploy this role in account {account}",
                           ctx.source(key, PARAMETER_REASON))


def _parameter_accounts(parameters) -> list[tuple[int, str]]:
    """(index, account) of each parameter ARN that names its account literally."""
    return [(i, p.arn.key.split(":")[4]) for i, p in enumerate(parameters) if Pseudo.ACCOUNT not in p.arn.pseudos]


def conflicts(block: dict, document: dict):
    """A StackSet deploys to other accounts than a parameter's own, where ECS cannot read it."""
    stackset = document.get("stackset")
    if not stackset:
        return
    for i, account in _parameter_accounts(block["ssm_parameters"]):
        targets = set(stackset["accounts"] or ())
        if stackset["permission_model"] == "self_managed" and targets == {account}:
            continue
        yield (f"{KEY}.ssm_parameters[{i}]",
               f"a parameter in account {account}, but the StackSet deploys the role to other accounts, where ECS "
               "cannot read it (Parameter Store parameters are read only in the task's own account); give it as a "
               "name, or as arn:{partition}:ssm:<region>:{account}:parameter/<name> for another region")


FEATURE = Feature(
    name="secrets",
    sid="Secrets",
    order=40,
    summary="Inject secrets from SSM Parameter Store and Secrets Manager.",
    schema=SCHEMA,
    grants=grants,
    conflicts=conflicts,
)
