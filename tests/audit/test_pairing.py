"""Which role serves which task definitions when the sources hold several roles (compiler/audit/pairing.py)."""

from __future__ import annotations

from rolec.audit.needs import Needs
from rolec.audit.pairing import Wanted, pair
from rolec.roles.model import SourceRole, Where

HERE = Where("stack.yaml", 1, 1)
NONE = Needs("x", (), (), ())


def test_a_task_definition_names_its_role_of_the_same_template_by_getatt_or_ref():
    """One stack holding roles and task definitions is the commonest CloudFormation layout:
    `ExecutionRoleArn: !GetAtt Exec.Arn` (or `!Ref Exec`, the role's name) names the role with logical id Exec."""
    roles = [SourceRole("Exec", HERE), SourceRole("Exec2", HERE)]
    wanted = [Wanted(NONE, "${Fn::GetAtt Exec2.Arn}", "task2"), Wanted(NONE, "${Ref Exec}", "task")]
    pairs, lone_roles, lone_needs = pair(roles, wanted)
    assert [(r.name, w.label) for r, w in pairs] == [("Exec2", "task2"), ("Exec", "task")]
    assert lone_roles == [] and lone_needs == []


def test_a_role_with_a_role_name_is_still_found_by_its_logical_id():
    roles = [SourceRole("web-exec", HERE, logical_id="Exec"), SourceRole("batch-exec", HERE, logical_id="Batch")]
    pairs, _, lone_needs = pair(roles, [Wanted(NONE, "${Fn::GetAtt Exec.Arn}", "task")])
    assert [(r.name, w.label) for r, w in pairs] == [("web-exec", "task")] and lone_needs == []
