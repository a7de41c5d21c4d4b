"""R106: an ARN built from a name takes partition, region and account from the deployment.

A resource the spec gave as a name is built with pseudo parameters; an ARN the spec
gave is kept literally (no pseudo parameters at all). A mix - a pseudo parameter next
to a literal partition, region or 12-digit account - means a name was resolved with a
hard-coded location. Admitted on purpose, and nothing else:

* a literal region with the deploying partition and account: the spec wrote
  `arn:{partition}:SERVICE:REGION:{account}:...` (a log group or parameter in another region);
* the deploying region with an account looked up per region: an AWS-owned account such as
  the one hosting the GuardDuty agent image;
* S3, whose ARNs name neither region nor account, in the deploying partition, with a bucket name
  built from the deploying account and/or region (`cdk-hnb659fds-assets-{account}-{region}`, the
  AWS CDK's assets bucket): the name follows the deployment like the partition does. Nothing else
  of the deployment may stand in an S3 ARN's resource (not in the object key, no partition, no lookup);
* an ECR repository of the deploying region and account whose name is built from them (the AWS CDK's
  `cdk-hnb659fds-container-assets-{account}-{region}`): the resource of a regional service is not
  inspected, since its region and account fields already follow the deployment;
* in the role a home-region StackSet deploys (its deployment context), each StackSet region with
  the deploying account or the value a lookup holds there: that role grants every name in every
  StackSet region on purpose (passes/expand_regions.py).
"""

from __future__ import annotations

import re

from ..aws.arn import ACCOUNT_RE
from ..aws.regions import PARTITION_OF
from ..text import Pseudo, Text
from . import COMPILER_BUG, Rule, Violation

_MARK = {p: f"<{p.name}>" for p in Pseudo}
_LOOKUP = "<LOOKUP>"
_GLOBAL_SERVICES = {"iam"}
_GLOBAL_ACCOUNTS = {"", "aws"}
"""IAM ARNs have no region; AWS managed policies live in the account named `aws`."""
_UNLOCATED_SERVICES = {"s3"}
"""S3 bucket and object ARNs have neither region nor account."""


def problem(text: Text, baked_regions: tuple[str, ...] = ()) -> str | None:
    if not text.deployed or not text.key.startswith("arn:"):
        return None
    fields = text.render(lambda p: _MARK[p] if isinstance(p, Pseudo) else _LOOKUP).split(":", 5)
    if len(fields) < 6:
        return "it is not an ARN"
    _, partition, service, region, account, resource = fields
    if partition != _MARK[Pseudo.PARTITION]:
        return "its partition is not the deploying partition"
    if service in _GLOBAL_SERVICES:
        if region or (account != _MARK[Pseudo.ACCOUNT] and account not in _GLOBAL_ACCOUNTS):
            return "its account is neither the deploying account nor 'aws'"
        return None
    if service in _UNLOCATED_SERVICES:
        return "an S3 ARN has no region or account" if region or account else _s3_resource_problem(resource)
    if region == _MARK[Pseudo.REGION] and account in (_MARK[Pseudo.ACCOUNT], _LOOKUP):
        return None
    if region in PARTITION_OF and account == _MARK[Pseudo.ACCOUNT]:
        return None
    if region in baked_regions and re.fullmatch(ACCOUNT_RE, account):
        return None
    if account == _LOOKUP:
        return "an account looked up per region is used outside the deploying region"
    return "its region and account are not the deployment's"


def _s3_resource_problem(resource: str) -> str | None:
    bucket, _, key = resource.partition("/")
    if _MARK[Pseudo.PARTITION] in bucket or _LOOKUP in bucket:
        return "an S3 bucket name may be built from the deploying account and region only"
    if any(mark in key for mark in (*_MARK.values(), _LOOKUP)):
        return "the deployment stands in an S3 object key; only a bucket name may be built from it"
    return None


def check(role):
    baked = role.rollout.regions if role.home_region else ()
    for text, statement in role.texts():
        why = problem(text, baked)
        if why:
            where = f"statement {statement.sid}" if statement else "the role"
            yield Violation(f"{text.key} in {where}: {why}", statement)


RULE = Rule(
    id="R106",
    description="no hard-coded partition, region or account for a name",
    source="ARN format (partition, region, account): a name deploys in any partition, region and account, "
           "China and GovCloud included",
    blame=COMPILER_BUG,
    check=check,
)
