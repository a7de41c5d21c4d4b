"""kms:Decrypt grants for customer managed keys, shared by every feature that lists `kms_keys`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir import Condition, Grant
from ..spec.names import KmsKey, kms_key
from ..spec.types import List, Str
from ..text import Text

if TYPE_CHECKING:
    from . import Context

KMS_KEYS = List(Str("a KMS key id, key ARN, alias/NAME or alias ARN", convert=kms_key), max_items=100)

_KEY_REASON = "ECS decrypts {what} with this customer managed key, so the role needs kms:Decrypt on it"
_ALIAS_REASON = (
    "an alias ARN in Resource grants nothing for kms:Decrypt, so the grant is key/* narrowed by "
    "kms:ResourceAliases to the keys that carry this alias"
)


def decrypt_grants(feature_sid: str, key: str, keys: list[KmsKey], ctx: "Context", what: str = "the secret") -> list[Grant]:
    """One grant for the listed key ARNs, and one per account/region scope for aliases; `what` the key encrypts."""
    grants = []
    by_arn = [(i, k) for i, k in enumerate(keys) if k.alias is None]
    if by_arn:
        grants.append(Grant(
            feature_sid, "KmsDecrypt", ("kms:Decrypt",), tuple(k.arn for _, k in by_arn),
            tuple(ctx.source(f"{key}[{i}]", _KEY_REASON.format(what=what)) for i, _ in by_arn),
        ))
    scopes: dict[str, list[tuple[int, KmsKey]]] = {}
    for i, k in enumerate(keys):
        if k.alias is not None:
            scopes.setdefault(k.arn.key, []).append((i, k))
    for members in scopes.values():
        aliases = tuple(dict.fromkeys(k.alias for _, k in members))
        grants.append(Grant(
            feature_sid, "KmsDecryptViaAlias", ("kms:Decrypt",), (members[0][1].arn,),
            tuple(ctx.source(f"{key}[{i}]", _ALIAS_REASON) for i, _ in members),
            (Condition("ForAnyValue:StringEquals", "kms:ResourceAliases", tuple(Text.of(a) for a in aliases)),),
        ))
    return grants

