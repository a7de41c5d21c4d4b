resource "aws_ecr_repository" "orders" {
  name = "orders"
}

resource "aws_cloudwatch_log_group" "orders" {
  name              = "/ecs/${local.prefix}"
  retention_in_days = 30
}

resource "aws_iam_role" "execution" {
  name               = "${local.prefix}-execution"
  assume_role_policy = "{}"
}
