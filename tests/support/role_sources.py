"""Role sources read by `rolec.roles.load` in the tests of the readers: the one located error a bad source gives, and
how a source's role audits against needs written out (action, ARN)."""

from __future__ import annotations

import pytest

from rolec.audit.compare import audit_role
from rolec.audit.needs import Need, Needs, Origin
from rolec.iam.location import Location
from rolec.roles import RoleSourceError, load


def located_error(path):
    """The one diagnostic that loading `path` raises."""
    with pytest.raises(RoleSourceError) as caught:
        load([path])
    [diagnostic] = caught.value.diagnostics
    return diagnostic


def audited(path, *needs: tuple[str, str]):
    """The one role of `path` and its audit against needs (action, ARN) that a task definition's secrets[0] asks for."""
    [role] = load([path])
    asked = Needs("app", tuple(Need(action, arn, (), (Origin("t.json", 1, 1, "secrets[0]"),)) for action, arn in needs),
                  (), ())
    return role, audit_role(role, asked, Location())
