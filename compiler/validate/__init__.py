"""Validators of rendered outputs, one module per tool: cfn-lint and terraform."""
