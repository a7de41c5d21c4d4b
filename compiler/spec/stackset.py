"""The `stackset:` section of a spec: roll the role out to many accounts and regions with a
CloudFormation StackSet.

IAM is global per account while a StackSet creates one stack per account *and region*, so
this module also decides whether the role's name can collide across regions (see
`check_with_role`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import Diagnostic
from .loader import position
from ..aws.regions import LONGEST_REGION, PARTITION_OF
from .types import Bool, Checker, Field, Int, Invalid, List, Obj, Str

REGION_PLACEHOLDER = "{region}"
OU_RE = r"ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}"
ACCOUNT_RE = r"\d{12}"
MAX_TEMPLATE_BODY_BYTES = 51_200
"""CloudFormation's limit on a StackSet's TemplateBody."""

SERVICE_MANAGED, SELF_MANAGED = "service_managed", "self_managed"
SERVICE_MANAGED_ONLY = ("organizational_units", "account_filter", "auto_deployment",
                        "retain_stacks_on_account_removal", "call_as")

REGION = Str("an AWS region name such as us-east-1", pattern=r"[a-z0-9-]{1,32}")


def _validate(block: dict, node, path: str, checker: Checker) -> None:
    """Rules between keys: which keys belong to which permission model, regions, home region."""

    def error(key: str, message: str) -> None:
        line, col = checker.positions.get(f"{path}.{key}", position(node))
        checker.diagnostics.append(Diagnostic(checker.display, line, col, f"{path}.{key}: {message}"))

    model = block["permission_model"]
    given = {key for key in block if f"{path}.{key}" in checker.positions}
    if model == SELF_MANAGED:
        for key in SERVICE_MANAGED_ONLY:
            if key in given:
                error(key, "applies only to permission_model: service_managed (AWS Organizations); "
                           "a self_managed StackSet targets the listed accounts")
        if block["accounts"] is None:
            checker.error(node, path, "missing required key 'accounts': a self_managed StackSet deploys to listed accounts")
    else:
        if block["organizational_units"] is None:
            checker.error(node, path, "missing required key 'organizational_units': a service_managed StackSet "
                                      "deploys to the accounts of organizational units (or the root, r-xxxx)")
        if block["organizational_units"] and block["accounts"] is not None and block["account_filter"] is None:
            error("accounts", "with organizational_units, say how these accounts combine with them: "
                              "account_filter: intersection, difference or union")
        if block["account_filter"] is not None and block["accounts"] is None:
            error("account_filter", "needs accounts to filter by")
        if "retain_stacks_on_account_removal" in given and not block["auto_deployment"]:
            error("retain_stacks_on_account_removal", "applies only with auto_deployment: true")
    for key in ("organizational_units", "accounts", "regions"):
        _unique(block[key] or [], f"{path}.{key}", checker)
    regions = block["regions"]
    partitions: dict[str, str] = {}
    for index, region in enumerate(regions):
        key = f"regions[{index}]"
        if region not in PARTITION_OF:
            close = difflib.get_close_matches(region, sorted(PARTITION_OF), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else " (see compiler/aws/regions.py)"
            error(key, f"unknown region '{region}'{hint}")
            continue
        partitions.setdefault(PARTITION_OF[region], region)
    if len(partitions) > 1:
        spread = ", ".join(f"{partition} ({region})" for partition, region in partitions.items())
        error("regions", f"a StackSet deploys within one partition, but these regions span {spread}; "
                         "use one StackSet (one spec) per partition")
    home = block["home_region"]
    if home is not None and home not in regions:
        error("home_region", f"'{home}' is not one of the regions ({', '.join(regions)})")


def _unique(values: list, path: str, checker: Checker) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            line, col = checker.positions.get(f"{path}[{index}]", (1, 1))
            checker.diagnostics.append(Diagnostic(
                checker.display, line, col, f"{path}[{index}]: '{value}' is listed twice (first at {path}[{seen[value]}])"))
        seen.setdefault(value, index)


SCHEMA = Obj(
    "a mapping with permission_model, regions and the deployment targets "
    "(organizational_units or accounts)",
    {
        "permission_model": Field(Str("service_managed or self_managed", pattern="service_managed|self_managed"),
                                  required=True,
                                  doc="service_managed: AWS Organizations targets (OUs); self_managed: listed accounts."),
        "organizational_units": Field(List(Str("an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)",
                                               pattern=OU_RE), max_items=1000),
                                      doc="service_managed: the OUs (or the root) whose accounts get the role."),
        "accounts": Field(List(Str("a 12-digit AWS account id", pattern=ACCOUNT_RE, allow_number=True),
                               max_items=1000),
                          doc="self_managed: the target accounts; service_managed: accounts for account_filter."),
        "account_filter": Field(Str("intersection, difference or union", pattern="intersection|difference|union"),
                                doc="service_managed with accounts: only those accounts of the OUs (intersection), "
                                    "the OUs without them (difference), or the OUs plus them (union)."),
        "regions": Field(List(REGION, max_items=len(PARTITION_OF)), required=True,
                         doc="Regions that get a stack instance, in rollout order."),
        "home_region": Field(REGION, doc="The one region where the (global) IAM role is created."),
        "auto_deployment": Field(Bool(), default=False,
                                 doc="service_managed: deploy to accounts that join the OUs later."),
        "retain_stacks_on_account_removal": Field(Bool(), default=False,
                                                  doc="With auto_deployment: keep the role when an account leaves."),
        "max_concurrent_percentage": Field(Int(1, 100), doc="Percentage of accounts deployed at once, per region."),
        "failure_tolerance_percentage": Field(Int(0, 100), doc="Percentage of accounts that may fail, per region."),
        "region_concurrency": Field(Str("parallel or sequential", pattern="parallel|sequential"),
                                    default="sequential", doc="Deploy the regions one at a time or in parallel."),
        "call_as": Field(Str("self or delegated_admin", pattern="self|delegated_admin"),
                         doc="service_managed: act from the management account or as a delegated administrator."),
    },
    validate=_validate,
)


def role_name(value: str) -> str:
    """Refuse a `{region}` name that IAM's 64-character limit cannot hold in every region."""
    if REGION_PLACEHOLDER in value:
        rendered = value.replace(REGION_PLACEHOLDER, LONGEST_REGION)
        if len(rendered) > 64:
            raise Invalid(f"with {REGION_PLACEHOLDER} replaced by the longest region name ('{LONGEST_REGION}', "
                          f"{len(LONGEST_REGION)} characters) the role name has {len(rendered)} characters; "
                          "IAM allows at most 64")
    return value


def check_with_role(document: dict, checker: Checker) -> None:
    """What the role section allows in a StackSet: not an existing role, and no fixed name that collides
    across regions (IAM is global per account)."""
    stackset, role = document.get("stackset"), document.get("role") or {}
    if not stackset:
        return
    if role.get("existing") is not None:
        line, col = checker.positions.get("stackset", (1, 1))
        checker.diagnostics.append(Diagnostic(
            checker.display, line, col,
            "stackset: cannot be combined with role.existing: the stackset section rolls out a role that rolec "
            "creates; to add permissions to an existing role in many accounts, deploy the role's CloudFormation "
            "output through a StackSet of your own (see docs/existing-roles.md)"))
        return
    _boundary_in_every_account(stackset, role, checker)
    name = role.get("name")
    if not name or REGION_PLACEHOLDER in name:
        return
    regions = stackset["regions"]
    if len(regions) > 1 and stackset["home_region"] is None:
        line, col = checker.positions.get("role.name", (1, 1))
        checker.diagnostics.append(Diagnostic(
            checker.display, line, col,
            f"role.name: the fixed name '{name}' collides when the StackSet deploys to {len(regions)} regions "
            f"({', '.join(regions)}): IAM roles are global per account, so the second region's stack instance fails "
            f"with EntityAlreadyExists. Set stackset.home_region to create the role in one region only, put "
            f"{REGION_PLACEHOLDER} in the name (e.g. '{name}-{REGION_PLACEHOLDER}'), or leave out role.name to get "
            "one generated name per region"))


def _boundary_in_every_account(stackset: dict, role: dict, checker: Checker) -> None:
    """A permissions boundary must be a policy of the role's own account (or AWS managed): an ARN pinned to one
    account works only where the StackSet deploys to that account alone."""
    boundary = role.get("permissions_boundary")
    if boundary is None or boundary.pseudos:
        return
    account = boundary.key.split(":")[4]
    targets = set(stackset["accounts"] or ())
    if account == "aws" or (stackset["permission_model"] == SELF_MANAGED and targets == {account}):
        return
    line, col = checker.positions.get("role.permissions_boundary", (1, 1))
    deployed = ("the accounts of its organizational units" if stackset["permission_model"] == SERVICE_MANAGED
                else ", ".join(sorted(targets)))
    name = boundary.key.rsplit("/", 1)[-1]
    checker.diagnostics.append(Diagnostic(checker.display, line, col, (
        f"role.permissions_boundary: the boundary is pinned to account {account}, but the StackSet deploys to "
        f"{deployed}; a permissions boundary must be a policy of the role's own account, so CreateRole fails in "
        f"every other one. Write the policy's name ({name}) to use each account's own policy of that name")))


@dataclass(frozen=True)
class StackSet:
    """A validated `stackset:` section."""

    permission_model: str
    organizational_units: tuple[str, ...]
    accounts: tuple[str, ...]
    account_filter: str | None
    regions: tuple[str, ...]
    home_region: str | None
    auto_deployment: bool
    retain_stacks_on_account_removal: bool
    max_concurrent_percentage: int | None
    failure_tolerance_percentage: int | None
    region_concurrency: str
    call_as: str | None

    @property
    def service_managed(self) -> bool:
        return self.permission_model == SERVICE_MANAGED

    @classmethod
    def of(cls, block: dict) -> "StackSet":
        return cls(**{**block,
                      "organizational_units": tuple(block["organizational_units"] or ()),
                      "accounts": tuple(block["accounts"] or ()),
                      "regions": tuple(block["regions"])})
