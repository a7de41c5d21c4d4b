"""Limits of CloudFormation itself."""

MAX_TEMPLATE_BODY_BYTES = 51_200
"""The largest template CloudFormation takes inline (CreateStack's and a StackSet's TemplateBody,
`aws cloudformation deploy --template-file` without --s3-bucket)."""
