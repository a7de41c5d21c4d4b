"""Findings: what the role lacks (missing), what it grants beyond the needs (excess), and what its
trust policy allows (trust). Every need is asked of the IAM evaluator; every granted action ×
resource is checked against the needs.

A need written as a pattern (a log group's streams `…:*`, a secret's `-??????` suffix) is granted
when the role's pattern matches the need's text, a `*` in the grant standing for any run, the
need's own wildcards included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..iam.actions import Action, dataset as actions_dataset
from ..iam.conditions import RequestContext
from ..iam.evaluate import Decision, as_list, evaluate, evaluate_trust, statements
from ..iam.location import Location
from ..iam.managed import dataset as managed_dataset
from ..iam.wildcards import UnknownVariable, action_matches, resource_matches
from ..aws.iam import ECS_TASKS_PRINCIPAL as TRUST_PRINCIPAL
from ..roles.model import AWS_MANAGED, Policy, SourceRole, Where
from ..spec.names import SECRET_SUFFIX_MARKER
from .needs import Need, Needs, Origin

EXECUTION_ROLE_SERVICES = frozenset({"ecr", "logs", "ssm", "secretsmanager", "kms", "s3"})
"""Services an execution role is ever documented to call (EXECUTION_ROLE_FEATURES.md §2); other
services' actions belong on the task role (ECS Exec's ssmmessages, app permissions)."""
CONFUSED_DEPUTY_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn"})


@dataclass(frozen=True)
class Missing:
    action: str
    resource: str
    origins: tuple[Origin, ...]
    decision: str
    """"implicit deny", "explicit deny" or "undecided"."""
    reasons: tuple[str, ...] = ()
    where: tuple[Where, ...] = ()
    """Statements that deny it (explicit deny) or might grant it (undecided)."""


@dataclass(frozen=True)
class Excess:
    """What one statement grants on one resource pattern beyond the needs."""

    actions: tuple[str, ...]
    """The action patterns as the statement grants them."""
    resource: str
    """The resource pattern as the role grants it."""
    where: Where
    policy: str
    actions_granted: int
    """How many actions the pattern grants (from the actions dataset)."""
    unneeded: tuple[str, ...]
    """Granted actions that no need asks for (on this resource)."""
    risky: tuple[str, ...]
    """Unneeded write and permissions-management actions."""
    needed: tuple[Need, ...]
    """The needs this grant covers, which the rolec role grants exactly."""
    wider: tuple[str, ...]
    """Granted actions that are needed, but on narrower resources than this one."""
    risk: int
    risks: tuple[str, ...]
    conditions: bool = False

    @property
    def action(self) -> str:
        return ", ".join(self.actions)


@dataclass(frozen=True)
class TrustFinding:
    action: str
    resource: str
    """The principal (or condition key) the finding is about."""
    message: str
    where: Where | None
    note: bool = False
    """A note does not change the exit code."""


@dataclass(frozen=True)
class RoleAudit:
    name: str
    source: SourceRole
    needs: Needs
    missing: tuple[Missing, ...]
    excess: tuple[Excess, ...]
    trust: tuple[TrustFinding, ...]
    unknown_policies: tuple[Policy, ...] = ()
    granted_pairs: int = 0
    granted_write_pairs: int = 0
    granted_star_pairs: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def exact(self) -> bool:
        return not self.missing and not self.excess and not any(not t.note for t in self.trust) \
            and not self.unknown_policies


def rendered(value, location: Location):
    """A policy document with its pseudo parameters rendered for the deployment (they would otherwise
    read as policy variables)."""
    if isinstance(value, str):
        return location.render(value)
    if isinstance(value, list):
        return [rendered(v, location) for v in value]
    if isinstance(value, dict):
        return {k: rendered(v, location) for k, v in value.items()}
    return value


def effective_policies(role: SourceRole, location: Location) -> tuple[list[tuple[Policy, dict]], list[Policy]]:
    """(policy, rendered document, document as written) for every policy whose document is known; and the
    policies that are not."""
    known, unknown = [], []
    for policy in role.policies:
        document = policy.document
        if document is None and policy.kind == AWS_MANAGED:
            managed = managed_dataset().lookup(policy.arn or "")
            document = managed.document if managed else None
        if document is None:
            unknown.append(policy)
        else:
            known.append((policy, rendered(document, location), document))
    return known, unknown


def _context(need: Need, location: Location) -> RequestContext:
    """The request the task makes carries the values rolec's conditions on this need require, the owner of a
    resource whose ARN names its account (aws:ResourceAccount, "the AWS account ID of the resource owner"), and
    aws:SecureTransport: the agents call AWS's HTTPS endpoints."""
    values = {"aws:SecureTransport": "true"}
    owner = location.render(need.resource).split(":")
    if len(owner) > 5 and owner[0] == "arn" and re.fullmatch(r"\d{12}", owner[4]):
        values["aws:ResourceAccount"] = owner[4]
    for operator, key, wanted in need.conditions:
        rendered_values = [location.render(v) for v in wanted]
        if rendered_values:
            values[key] = rendered_values if operator.startswith("ForAnyValue:") else rendered_values[0]
    return RequestContext(values)


def _statement_where(policy: Policy, index: int) -> Where:
    return policy.statement_where[index] if index < len(policy.statement_where) else policy.where


def boundary_of(role: SourceRole, location: Location) -> tuple[Policy, dict] | None:
    """The permissions boundary with its document rendered for the deployment, when rolec has the document: from
    the source, or the managed-policy dataset for an AWS managed policy; None otherwise (or without a boundary)."""
    policy = role.boundary_policy
    if policy is None and role.boundary:
        managed = managed_dataset().lookup(role.boundary)
        policy = Policy(managed.name, AWS_MANAGED, role.where, managed.document, arn=role.boundary) if managed else None
    return (policy, rendered(policy.document, location)) if policy is not None and policy.document is not None else None


def find_missing(needs: Needs, known, unknown, location: Location, boundary=None) -> list[Missing]:
    """Each need the role's policies do not allow, or (IAM: the effective permissions are the intersection of the
    identity-based policies and the permissions boundary) its boundary does not."""
    documents = [document for _, document, _ in known]
    found = []
    for need in needs.needs:
        if need.optional:
            continue
        verdict = evaluate(documents, need.action, location.render(need.resource), _context(need, location))
        if verdict.allowed and boundary is not None:
            limit, document = boundary
            bounded = evaluate([document], need.action, location.render(need.resource), _context(need, location))
            if not bounded.allowed:
                found.append(Missing(need.action, need.resource, need.origins, bounded.decision.value,
                                     (f"the permissions boundary {limit.arn or limit.name} does not allow it",
                                      *bounded.reasons), (limit.where,)))
            continue
        if verdict.allowed:
            continue
        decision = verdict.decision
        reasons = verdict.reasons
        suffixed = _granted_with_a_suffix(need, documents, location) if decision is Decision.IMPLICIT_DENY else None
        if suffixed is not None:
            decision, reasons = Decision.UNDECIDED, (
                f"the role grants the secret only with the suffix -{suffixed}, and the task names it without its "
                "suffix: it works only if Secrets Manager gave the secret that suffix",)
        if decision is Decision.IMPLICIT_DENY and unknown:
            decision = Decision.UNDECIDED
            reasons = tuple(f"policy {p.arn or p.name} is attached but its document is not in the source or the "
                            "managed-policy dataset" for p in unknown)
        cited = verdict.denied_by if decision is Decision.EXPLICIT_DENY else verdict.allowed_by
        where = tuple(_statement_where(known[p][0], s) for p, s in cited)
        found.append(Missing(need.action, need.resource, need.origins, decision.value, reasons, where))
    return found


def _granted_with_a_suffix(need: Need, documents: list[dict], location: Location) -> str | None:
    """For a secret the task names without its six-character suffix (`NAME-??????`): a suffix with which the role
    grants it (`NAME-AbC123`), or None."""
    if not need.resource.endswith(SECRET_SUFFIX_MARKER):
        return None
    prefix = location.render(need.resource[: -len(SECRET_SUFFIX_MARKER) + 1])
    for document in documents:
        for statement in statements(document):
            for pattern in as_list(statement.get("Resource")) if statement["Effect"] == "Allow" else ():
                suffix = str(pattern)[len(prefix):] if str(pattern).startswith(prefix) else ""
                if len(suffix) == 6 and suffix.isalnum() and evaluate(
                        documents, need.action, prefix + suffix, _context(need, location)).allowed:
                    return suffix
    return None


def _expand(pattern: str) -> tuple[Action, ...] | None:
    """The actions a pattern grants; None for a literal action the dataset does not know."""
    found = actions_dataset().expand(pattern)
    return found if found or any(c in pattern for c in "*?") else None


def _covers(pattern: str, need: Need, location: Location) -> bool:
    try:
        return resource_matches(location.render(pattern), location.render(need.resource))
    except UnknownVariable:
        return False


def _names(need: Need, rendered_resource: str, location: Location) -> bool:
    """The role names exactly the need's resource, in the need's own form or an equivalent one."""
    return any(location.render(r) == rendered_resource for r in (need.resource, *need.equivalents))


def _risk(unneeded: list[Action], resource: str, unknown_literal: bool, task_role: list[str]) -> tuple[int, list[str]]:
    score, risks = 0, []
    manages = [a.name for a in unneeded if a.manages_permissions]
    writes = [a.name for a in unneeded if a.writes and not a.manages_permissions]
    if manages:
        score += 40
        risks.append(f"{len(manages)} permissions-management action{'s' if len(manages) != 1 else ''}")
    if writes:
        score += 30
        risks.append(f"{len(writes)} write action{'s' if len(writes) != 1 else ''}")
    if resource == "*":
        score += 20
        risks.append("every resource (*)")
    elif "*" in resource:
        score += 5
    if task_role:
        score += 25
        risks.append("task-role permissions on the execution role (" + ", ".join(sorted(task_role)[:3]) + ")")
    if unknown_literal:
        score += 1
    return score, risks


def _other_service(action: str, resource: str) -> bool:
    """An action of one execution-role service on an ARN of another (GetSecretValue on a key ARN, in a statement
    that lists both, as AWS's own examples do): never requested, so it grants nothing. These services' actions are
    authorised only on their own resources."""
    fields = resource.split(":", 3)
    if len(fields) < 4 or fields[0] != "arn" or any(c in fields[2] for c in "*?$"):
        return False
    acting, owning = action.split(":", 1)[0].lower(), fields[2].lower()
    return acting != owning and {acting, owning} <= EXECUTION_ROLE_SERVICES


def _exec_services(action: str) -> bool:
    return action.split(":", 1)[0].lower() in EXECUTION_ROLE_SERVICES


ENCRYPTED_READS = frozenset({"secretsmanager:getsecretvalue", "ssm:getparameters", "s3:getobject"})
KEY_DECRYPT = "kms:decrypt"


def _key_the_tasks_may_need(item: Excess, needs: Needs) -> bool:
    """kms:Decrypt alone on named keys, when the tasks read what a customer managed key may encrypt and the needs
    cannot say which key does (Needs.keys_unknown)."""
    return needs.keys_unknown and item.resource != "*" and not item.wider \
        and [a.lower() for a in item.unneeded] == [KEY_DECRYPT] \
        and any(n.action.lower() in ENCRYPTED_READS for n in needs.needs)


def find_excess(needs: Needs, known, location: Location) -> tuple[list[Excess], int, int, int, list[str]]:
    """Excess per statement × action pattern × resource pattern; counts of the granted pairs; and notes on the
    grants rolec cannot judge."""
    found, notes = [], []
    pairs = writes = stars = 0
    for policy, _, document in known:  # as written: items show ${AWS::Region}, not the deployment judged in
        for index, statement in enumerate(statements(document)):
            if statement["Effect"] != "Allow":
                continue
            where = _statement_where(policy, index)
            if "Action" in statement:
                patterns = [(str(p), _expand(str(p))) for p in as_list(statement["Action"])]
            else:
                excluded = [str(p) for p in as_list(statement["NotAction"])]
                granted = tuple(a for a in actions_dataset().all if not any(action_matches(x, a.name) for x in excluded))
                patterns = [("NotAction " + ",".join(excluded), granted)]
            resources = [str(r) for r in as_list(statement.get("Resource", "*"))] if "Resource" in statement else ["*"]
            conditions = bool(statement.get("Condition"))
            granted = {}
            for action_pattern, expanded in patterns:
                for action in expanded if expanded is not None else (Action(action_pattern, (), False),):
                    granted.setdefault(action.name.lower(), action)
            literal = any(expanded is None for _, expanded in patterns)
            for resource in resources:
                applying = [a for a in granted.values() if not _other_service(a.name, resource)]
                if not applying:
                    continue
                item = _excess_item(needs, policy, where, tuple(p for p, _ in patterns), applying,
                                    literal, resource, location, conditions)
                pairs += len(applying)
                writes += sum(1 for a in applying if a.writes)
                stars += len(applying) if resource == "*" else 0
                if item is not None and _key_the_tasks_may_need(item, needs):
                    notes.append(f"kms:Decrypt on {resource} ({where.path}:{where.line}:{where.col}): the tasks read "
                                 "secrets, parameters or S3 files, which need it if this customer managed key encrypts "
                                 "them; a task definition does not say which key does (a spec lists it under kms_keys)")
                elif item is not None:
                    found.append(item)
    found.sort(key=lambda e: (-e.risk, e.where, e.actions, e.resource))
    return found, pairs, writes, stars, notes


def _excess_item(needs: Needs, policy: Policy, where: Where, action_patterns: tuple[str, ...], granted: list[Action],
                 literal: bool, resource: str, location: Location, conditions: bool) -> Excess | None:
    rendered_resource = location.render(resource)
    covered = [n for n in needs.needs if any(action_matches(a.name, n.action) for a in granted)
               and (_covers(resource, n, location) or _names(n, rendered_resource, location))]
    needed_names = {n.action.lower() for n in covered}
    unneeded = [a for a in granted if a.name.lower() not in needed_names]
    exact = {n.action.lower() for n in covered if _names(n, rendered_resource, location)}
    wider = sorted(a.name for a in granted if a.name.lower() in needed_names and a.name.lower() not in exact)
    if not unneeded and not wider:
        return None  # every action granted here is needed on exactly this resource (it may cover narrower needs too)
    task_role = [a.name for a in unneeded if not _exec_services(a.name)]
    score, risks = _risk(unneeded, resource, literal, task_role)
    if wider:
        narrower = sorted({n.resource for n in covered if n.action.lower() in {w.lower() for w in wider}})
        risks.append(f"{', '.join(w.split(':', 1)[-1] for w in wider)} wider than needed ({len(narrower)} "
                     f"resource{'s' if len(narrower) != 1 else ''} needed)")
        score += 10 if resource == "*" else 3
    return Excess(action_patterns, resource, where, policy.arn or policy.name, len(granted),
                  tuple(a.name for a in unneeded), tuple(a.name for a in unneeded if a.writes),
                  tuple(covered), tuple(wider), score, tuple(risks), conditions)


def find_trust(role: SourceRole, needs: Needs, location: Location) -> list[TrustFinding]:
    if role.trust is None:
        return [TrustFinding("sts:AssumeRole", TRUST_PRINCIPAL, "the source does not show the trust policy; "
                             "rolec cannot check who may assume the role", role.where, note=True)]
    found = []
    where = role.trust_where
    present_keys = set()
    for statement in statements(role.trust):
        principal = statement.get("Principal", {})
        named = principal if isinstance(principal, dict) else {"AWS": principal}
        for kind, ids in named.items():
            for identifier in as_list(ids):
                # as deployed: `ecs-tasks.${AWS::URLSuffix}` is the ECS tasks principal where the suffix is amazonaws.com
                if statement["Effect"] == "Allow" and not (kind == "Service"
                                                           and location.render(str(identifier)) == TRUST_PRINCIPAL):
                    found.append(TrustFinding(",".join(str(a) for a in as_list(statement.get("Action"))), f"{kind}:{identifier}",
                                              f"{kind} principal {identifier} may assume the execution role; only "
                                              f"{TRUST_PRINCIPAL} needs to", where))
        for operator, keys in (statement.get("Condition") or {}).items():
            for key in keys:
                present_keys.add(key.lower())
                if key.lower() not in CONFUSED_DEPUTY_KEYS:
                    found.append(TrustFinding("sts:AssumeRole", key, f"unusual trust condition {operator} on {key}", where))
    context = {"aws:SourceAccount": location.account,
               "aws:SourceArn": f"arn:{location.partition}:ecs:{location.region}:{location.account}:task/cluster/0"}
    verdict = evaluate_trust(rendered(role.trust, location), "Service", TRUST_PRINCIPAL,
                             RequestContext(context if location.account_known else {}))
    if verdict.decision is Decision.UNDECIDED:
        found.append(TrustFinding("sts:AssumeRole", f"Service:{TRUST_PRINCIPAL}",
                                  f"whether {TRUST_PRINCIPAL} may assume the role depends on the request: "
                                  + "; ".join(verdict.reasons) + " (--set AWS::AccountId=… judges it for that account)",
                                  where, note=not location.account_known))
    elif not verdict.allowed:
        found.append(TrustFinding("sts:AssumeRole", f"Service:{TRUST_PRINCIPAL}",
                                  f"{TRUST_PRINCIPAL} cannot assume the role ({verdict.decision.value})", where))
    wanted = {key.lower() for _, key, _ in needs.trust_conditions}
    for operator, key, values in needs.trust_conditions:
        if key.lower() not in present_keys:
            found.append(TrustFinding("sts:AssumeRole", key, f"the spec requires the trust condition {operator} {key} "
                                      f"= {', '.join(values)}, which the role does not have", where))
    if not wanted and not present_keys & CONFUSED_DEPUTY_KEYS:
        found.append(TrustFinding("sts:AssumeRole", "aws:SourceAccount", "no aws:SourceAccount / aws:SourceArn "
                                  "condition (optional confused-deputy protection)", where, note=True))
    if role.boundary and boundary_of(role, location) is None:
        found.append(TrustFinding("*", role.boundary, f"permissions boundary {role.boundary} can only narrow the role; "
                                  "rolec cannot see its document", role.where, note=True))
    return found


def audit_role(role: SourceRole, needs: Needs, location: Location) -> RoleAudit:
    known, unknown = effective_policies(role, location)
    missing = find_missing(needs, known, unknown, location, boundary_of(role, location))
    excess, pairs, writes, stars, key_notes = find_excess(needs, known, location)
    trust = find_trust(role, needs, location)
    notes = (*key_notes,
             "service control policies and resource policies can deny what the role allows; rolec cannot see them")
    return RoleAudit(role.name or needs.role_id, role, needs, tuple(missing), tuple(excess), tuple(trust),
                     tuple(unknown), pairs, writes, stars, notes)
