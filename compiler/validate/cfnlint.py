"""Validate rendered CloudFormation templates with cfn-lint, in process.

cfn-lint is imported and its rules are loaded once, on first use: importing it costs
about a second, so commands that lint nothing never pay for it.
"""

from __future__ import annotations

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
    def __init__(self, config_file: Path = CONFIG_FILE) -> None:
        from cfnlint.config import ConfigMixIn
        from cfnlint.decode.decode import decode_str
        from cfnlint.runner import Runner

        self._decode = decode_str
        self._runner = Runner(ConfigMixIn([], config_file=str(config_file)))

    def lint(self, template: str) -> list[Finding]:
        parsed, errors = self._decode(template)
        matches = errors if errors else self._runner.validate_template(parsed)
        findings = [
            Finding(m.linenumber, m.columnnumber, m.rule.severity.lower(), m.rule.id, m.message)
            for m in matches
        ]
        return sorted(findings, key=lambda f: (f.line, f.col, f.rule))
