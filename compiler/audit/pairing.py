"""Which role serves which needs: one role source with task definitions (or a spec) means that role
serves them; role names and ARNs decide only when the sources hold several roles (an account export)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..roles.model import SourceRole
from .needs import Needs


@dataclass(frozen=True)
class Wanted:
    needs: Needs
    role_hint: str | None
    """The execution role the task definitions (or the spec) name: an ARN or a role name; None if unnamed."""
    label: str
    """How reports name these needs when no role serves them (the spec or task definition files)."""
    stackset_needs: Needs | None = None
    """For a spec with a StackSet: the needs of the role its template deploys (which, created in the home
    region, serves every StackSet region); a role deployed by a StackSet is judged against these."""

    def for_role(self, role: SourceRole) -> Needs:
        return self.stackset_needs if role.deployed_by and self.stackset_needs is not None else self.needs


_SAME_TEMPLATE = re.compile(r"\$\{(?:Fn::GetAtt (?P<arn>[A-Za-z0-9]+)\.Arn|Ref (?P<name>[A-Za-z0-9]+))\}")
"""How a task definition names a role of its own template whose name CloudFormation generates (the value as the
CloudFormation reader writes it): `!GetAtt Exec.Arn` or `!Ref Exec` is the role with logical id Exec."""


def role_name(hint: str) -> str:
    """`arn:aws:iam::123456789012:role/path/name` -> `name`; `${Fn::GetAtt Exec.Arn}` -> `Exec` (a role of the
    same template, whose logical id names it); a plain name stays."""
    same_template = _SAME_TEMPLATE.fullmatch(hint)
    if same_template:
        return same_template["arn"] or same_template["name"]
    return hint.rsplit("/", 1)[-1] if hint.startswith("arn:") else hint


def pair(roles: list[SourceRole], wanted: list[Wanted]) -> tuple[list[tuple[SourceRole, Wanted]], list[SourceRole], list[Wanted]]:
    """(pairs, roles nobody needs, needs no role serves)."""
    if len(roles) == 1:
        return [(roles[0], w) for w in wanted], [], []
    pairs, left = [], []
    used = set()
    for w in wanted:
        name = role_name(w.role_hint) if w.role_hint else None
        match = next((r for r in roles if name and (name in (r.name, r.logical_id) or (r.arn and r.arn == w.role_hint))),
                     None)
        if match is None:
            left.append(w)
        else:
            pairs.append((match, w))
            used.add(id(match))
    return pairs, [r for r in roles if id(r) not in used], left
