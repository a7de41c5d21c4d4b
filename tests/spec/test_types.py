"""The spec schema's checks over located YAML nodes (review findings 13, 18, 19 and 20)."""

from __future__ import annotations

from tests.support.bad import build_text

AWSLOGS = "features:\n  awslogs:\n    log_groups: [/ecs/app]\n"


def test_finding_13_an_integer_of_5000_digits_is_a_located_error(tmp_path):
    for text, where in ((f"version: {'9' * 5000}\nmanaged_policy: true\n", "role.yaml:1:10: error: version:"),
                        (f"version: 1\nrole:\n  max_session_duration: {'9' * 5000}\n{AWSLOGS}",
                         "role.yaml:3:25: error: role.max_session_duration:")):
        code, stderr = build_text(text, tmp_path)
        assert code == 2, stderr
        assert "internal error" not in stderr
        assert len(stderr) < 400
        assert where in stderr
