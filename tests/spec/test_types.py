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
        assert len(stderr) < 600
        assert where in stderr


def test_finding_18_a_flood_of_unknown_keys_gives_100_problems_and_one_line_that_checking_stopped(tmp_path):
    text = "version: 1\nmanaged_policy: true\n" + "".join(f"unknown_{i}: x\n" for i in range(5000))
    code, stderr = build_text(text, tmp_path)
    assert code == 2
    lines = stderr.splitlines()
    assert len(lines) == 101
    assert lines[-1].endswith("more problems from here on; checking stopped after 100 (fix these and run rolec again)")
    assert ":103:1: error:" in lines[-1]


def test_finding_18_a_huge_bad_value_is_echoed_cut_to_a_readable_length(tmp_path):
    arn = "arn:aws:s3:::" + "x" * 900_000
    for text in (f"version: 1\nfeatures:\n  secrets:\n    secrets_manager: ['{arn}']\n",
                 f"version: 1\nmanaged_policy: true\nstackset:\n  regions: [{'x' * 900_000}]\n",
                 f"version: 1\n? {'k' * 500_000}\n: 1\nmanaged_policy: true\n"):
        code, stderr = build_text(text, tmp_path)
        assert code == 2
        assert len(stderr) < 800, stderr[:800]


def test_finding_19_a_prefix_of_a_feature_is_suggested_before_a_similar_name(tmp_path):
    code, stderr = build_text("version: 1\nfeatures:\n  ecr: {repositories: [app]}\n", tmp_path)
    assert code == 2
    assert "unknown key 'ecr'; did you mean 'ecr_pull'?" in stderr


def test_finding_19_a_quoted_version_is_named_as_a_string(tmp_path):
    code, stderr = build_text("version: '1'\nmanaged_policy: true\n", tmp_path)
    assert code == 2
    assert "version: expected the number 1, got the string '1'; write version: 1 without quotes" in stderr


def test_finding_19_a_description_names_the_character_iam_refuses_not_the_length(tmp_path):
    code, stderr = build_text("version: 1\ndescription: Zahlungsdienst ü €\nmanaged_policy: true\n", tmp_path)
    assert code == 2
    assert "the character '€' (U+20AC) at position 18 is not allowed in a role description" in stderr
    assert "at most 1000" not in stderr


def test_finding_19_a_missing_spec_folder_is_named_as_missing_without_a_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from rolec.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert result.stderr == "specs: error: no such file or folder, so not a .yaml spec file or a folder of them\n"
    assert not (tmp_path / "out").exists()


def test_finding_20_values_iam_refuses_are_refused(tmp_path, monkeypatch):
    from tests.support.bad import expected, refusal

    code, stderr = refusal("iam-refused-values", tmp_path, monkeypatch)
    assert code == 2
    assert stderr == expected("iam-refused-values")
    for needle in ("3:9: error: role.path:", "4:25: error: role.permissions_boundary:", "7:5: error: role.tags: key 'team' differs from 'Team' (line 6)",
                   "8:5: error: role.tags: expected a tag key", "9:5: error: role.tags: expected a tag key"):
        assert needle in stderr
