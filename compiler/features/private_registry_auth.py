"""Pull images from a private registry with credentials kept in Secrets Manager."""

from __future__ import annotations

from ..ir import Grant
from ._kms import KMS_KEYS, decrypt_grants
from ..spec.names import secret
from ..spec.types import Field, List, Obj, Str
from . import Context, Feature

KEY = "features.private_registry_auth"

SCHEMA = Obj(
    "a mapping with secrets and optionally kms_keys",
    {
        "secrets": Field(List(Str("a Secrets Manager secret name or ARN", convert=secret), max_items=100), required=True,
                         doc="Secrets holding the registry credentials (repositoryCredentials.credentialsParameter)."),
        "kms_keys": Field(KMS_KEYS, default=(), doc="Customer managed keys that encrypt those secrets (not needed for the default key)."),
    },
)

SECRET_REASON = "private registry authentication reads the registry credentials from this secret"


def grants(block: dict, ctx: Context):
    secrets = block["secrets"]
    yield Grant("PrivateRegistryAuth", "GetSecretValue", ("secretsmanager:GetSecretValue",), tuple(secrets),
                tuple(ctx.source(f"{KEY}.secrets[{i}]", SECRET_REASON) for i in range(len(secrets))))
    yield from decrypt_grants("PrivateRegistryAuth", f"{KEY}.kms_keys", block["kms_keys"], ctx)


FEATURE = Feature(
    name="private_registry_auth",
    sid="PrivateRegistryAuth",
    order=30,
    summary="Authenticate to a private registry with credentials from Secrets Manager.",
    schema=SCHEMA,
    grants=grants,
)
