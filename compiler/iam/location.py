"""Deploy-time parts of an ARN: the partition, region and account the role is deployed in.

Roles and needs write them as CloudFormation pseudo parameters (`${AWS::Partition}`,
`${AWS::Region}`, `${AWS::AccountId}`, `${AWS::URLSuffix}`); the evaluator needs plain strings, so
both sides are rendered with the same `Location`, chosen by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..aws.lookups import LOOKUPS
from ..aws.regions import PARTITION_OF
from ..text import Lookup, Pseudo, Text

PARTITION = "${AWS::Partition}"
_WRITTEN_REGION = re.compile(re.escape(f"arn:{PARTITION}:") + r"[^:]*:(?P<region>[^:$]*):")
PSEUDO_NAMES = {Pseudo.PARTITION: "AWS::Partition", Pseudo.REGION: "AWS::Region", Pseudo.ACCOUNT: "AWS::AccountId"}


@dataclass(frozen=True)
class Location:
    partition: str = "aws"
    region: str = "us-east-1"
    account: str = "123456789012"
    account_known: bool = False
    """Whether the caller named the account (else `account` is a stand-in, which a trust condition on
    aws:SourceAccount must not be judged against)."""

    @property
    def url_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def render(self, value: str) -> str:
        """A string with `${AWS::…}` pseudo parameters, rendered for this deployment. In an ARN whose region is
        written, the deploying partition is that region's: a region belongs to one partition."""
        written = _WRITTEN_REGION.match(value)
        if written and written["region"] in PARTITION_OF:
            value = f"arn:{PARTITION_OF[written['region']]}:{value[len('arn:' + PARTITION + ':'):]}"
        for name, literal in (("AWS::Partition", self.partition), ("AWS::Region", self.region),
                              ("AWS::AccountId", self.account), ("AWS::URLSuffix", self.url_suffix)):
            value = value.replace("${" + name + "}", literal)
        for name, lookup in LOOKUPS.items():  # rolec's per-region lookups, e.g. ${GuardDutyAgentAccount}
            value = value.replace("${" + name + "}", lookup.get(self.region) or f"<no {name} in {self.region}>")
        return value


def pseudo_form(text: Text) -> str:
    """A rolec `Text` written with CloudFormation's pseudo parameter names (`${AWS::Partition}`)."""
    return text.render(lambda p: "${" + (p.name if isinstance(p, Lookup) else PSEUDO_NAMES[p]) + "}")
