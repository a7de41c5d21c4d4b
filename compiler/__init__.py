"""rolec: compile ECS task execution role specs to CloudFormation and Terraform."""

__version__ = "0.1.0"
