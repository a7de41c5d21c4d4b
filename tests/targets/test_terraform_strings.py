"""Every string rolec writes into Terraform JSON is literal unless rolec wrote an interpolation on purpose."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from rolec.build.pipeline import compile_spec
from rolec.cli import main
from rolec.targets import terraform

from ..conftest import SPECS
from ..support.big_specs import secret_names, secrets_spec
from ..support.strategies import dump, specs


def build(tmp_path, monkeypatch, name: str, text: str) -> dict:
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / f"{name}.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "out" / "terraform" / name / "main.tf.json").read_text())


def test_finding_1_description_and_path_reach_terraform_literally(tmp_path, monkeypatch):
    module = build(tmp_path, monkeypatch, "t2", (
        "version: 1\n"
        "description: 'Runs %{ if true }x%{ endif } - costs $5 and 100%'\n"
        "role: {path: '/%{x}/'}\n"
        "features: {awslogs: {log_groups: [/ecs/a]}}\n"))
    role = module["resource"]["aws_iam_role"]["this"]
    assert role["description"] == "Runs %%{ if true }x%%{ endif } - costs $5 and 100%"
    assert role["path"] == "/%%{x}/"


def test_finding_1_spilled_policies_path_reaches_terraform_literally(tmp_path):
    """cfn-lint refuses `%{` in a managed policy's path, so the spec cannot build; the target alone must still
    write it literally."""
    (tmp_path / "big.yaml").write_text(secrets_spec(secret_names(400)))
    role = replace(compile_spec(tmp_path / "big.yaml").role, path="/%{x}/${y}/")
    policies = json.loads(terraform.render(role))["resource"]["aws_iam_policy"]
    assert policies and all(p["path"] == "/%%{x}/$${y}/" for p in policies.values())


def test_finding_4_existing_role_path_is_an_hcl_string_literal(tmp_path, monkeypatch):
    module = build(tmp_path, monkeypatch, "inj", (
        "version: 1\n"
        "role:\n"
        "  existing: 'arn:aws:iam::123456789012:role/\"||\"/\"==\"/%x\\/ecsTaskExecutionRole'\n"
        "features: {secrets: {ssm_parameters: [/prod/db/password]}}\n"))
    lifecycle = module["data"]["aws_iam_role"]["this"]["lifecycle"][0]
    assert lifecycle["postcondition"][0]["condition"] == '${self.path == "/\\"||\\"/\\"==\\"/%x\\\\/"}'


# --- every string of every generated module ----------------------------------------------------

HCL_STRING = r'"(?:[^"\\]|\\.)*"'
INTERPOLATIONS = re.compile("|".join([
    r"data\.(?:aws_partition\.current\.partition|aws_region\.current\.name|aws_caller_identity\.current\.account_id)",
    r"data\.aws_iam_policy_document\.\w+\.json",
    r"(?:data\.)?aws_iam_role\.this\.(?:id|name|arn)",
    r"aws_iam_policy\.\w+\.arn",
    r"var\.(?:extra_tags|name_prefix)",
    r"merge\(var\.extra_tags, local\.tags\)",
    rf"self\.path == {HCL_STRING}",
    rf"data\.aws_caller_identity\.current\.account_id == {HCL_STRING} && data\.aws_partition\.current\.partition == {HCL_STRING}",
    rf"data\.aws_caller_identity\.current\.account_id == {HCL_STRING}",
    r"local\.\w+\[data\.aws_region\.current\.name\]",
    r"contains\(keys\(local\.\w+\), data\.aws_region\.current\.name\)",
    r"aws_cloudformation_stack_set\.this\.(?:name|stack_set_id)",
    r"each\.value",
    r'toset\(\[(?:"\d{12}",?)*\]\)',
]))
"""Every interpolation rolec writes on purpose; anything else in a module came from a spec unescaped."""
TEMPLATE = re.compile(rf"\$\{{((?:{HCL_STRING}|[^}}\"])*)\}}")


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def unexpected_templates(text: str) -> list[str]:
    """The template sequences in one Terraform JSON string that rolec did not write on purpose."""
    plain = text.replace("$${", "").replace("%%{", "")
    found = [m.group(0) for m in TEMPLATE.finditer(plain)
             if not INTERPOLATIONS.fullmatch(m.group(1)) or "${" in m.group(1) or "%{" in m.group(1)]
    rest = TEMPLATE.sub("", plain)
    return found + [marker for marker in ("${", "%{") if marker in rest]


def unexpected_in_modules(compiled) -> list[tuple[str, str]]:
    return [(path, s) for path in compiled.modules for s in strings(json.loads(compiled.files[path]))
            for _ in unexpected_templates(s)]


def compile_text(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(text)
        return compile_spec(path)


def test_the_checker_finds_an_unescaped_sequence():
    assert unexpected_templates('${file("/etc/hostname")}') == ['${file("/etc/hostname")}']
    assert unexpected_templates("a %{ if true }x%{ endif }") == ["%{"]
    assert unexpected_templates('${self.path == "/a\\"${x}/"}') == ['${self.path == "/a\\"${x}/"}']
    assert unexpected_templates("$${x} %%{y} ${data.aws_region.current.name}") == []


@pytest.mark.parametrize("spec", sorted(p.name for p in SPECS.glob("*.yaml")))
def test_example_modules_hold_no_unescaped_template(spec):
    compiled = compile_spec(SPECS / spec)
    assert compiled.modules
    assert unexpected_in_modules(compiled) == []


@pytest.mark.parametrize("text", [
    "description: 'a %{ if true }x%{ endif } $5 100%'\nrole: {path: '/%{x}/', tags: {team: 'a'}}\n",
    "role: {existing: 'arn:aws:iam::123456789012:role/\"||\"/%x$/\\\\/r'}\n",
    "role: {name: 'app-{region}'}\nstackset: {permission_model: self_managed, accounts: ['111122223333'], "
    "regions: [us-east-1, eu-west-1]}\n",
])
def test_hostile_spec_values_stay_literal(text):
    compiled = compile_text("version: 1\n" + text + "features: {awslogs: {log_groups: [/ecs/app]}}\n")
    assert unexpected_in_modules(compiled) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_generated_modules_hold_no_unescaped_template(spec):
    assert unexpected_in_modules(compile_text(dump(spec))) == []
