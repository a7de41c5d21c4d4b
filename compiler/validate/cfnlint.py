"""Validate rendered CloudFormation templates with cfn-lint, in process.

cfn-lint is imported and its rules are loaded once, on first use: importing it costs
about a second, so commands that lint nothing never pay for it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = Path(__file__).with_name("cfnlintrc.yaml")
STACKSET_MEMBER_CONFIG = CONFIG_FILE.with_name("cfnlintrc-stackset-member.yaml")
STACKSET_HOME_REGION_CONFIG = CONFIG_FILE.with_name("cfnlintrc-stackset-home-region.yaml")


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    severity: str
    rule: str
    message: str


class CfnLint:
    """cfn-lint in process with one configuration. Configurations share one rule set (see
    `with_config`): loading cfn-lint's rules costs about 0.2 s and 60 MB each time."""

    def __init__(self, config_file: Path = CONFIG_FILE) -> None:
        from cfnlint.config import ConfigMixIn
        from cfnlint.decode.decode import decode_str
        from cfnlint.runner import Runner
        from cfnlint.runner.template import run_template_by_data

        self._decode = decode_str
        self._run = run_template_by_data
        self._config = ConfigMixIn([], config_file=str(config_file))
        self._rules = Runner(self._config).rules

    def with_config(self, config_file: Path) -> CfnLint:
        """The same rule set under another configuration: cfn-lint configures every rule from the
        configuration it is given at the start of each run, so nothing carries over between them."""
        from cfnlint.config import ConfigMixIn

        other = copy.copy(self)
        other._config = ConfigMixIn([], config_file=str(config_file))
        return other

    def lint(self, template: str) -> list[Finding]:
        parsed, errors = self._decode(template)
        matches = errors if errors else self._run(parsed, self._config, self._rules)
        findings = [
            Finding(m.linenumber, m.columnnumber, m.rule.severity.lower(), m.rule.id, m.message)
            for m in matches
        ]
        return sorted(findings, key=lambda f: (f.line, f.col, f.rule))
