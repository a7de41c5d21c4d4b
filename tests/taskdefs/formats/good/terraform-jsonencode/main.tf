variable "app" {
  default = "orders"
}
variable "tag" {}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  repository = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.name}.amazonaws.com/${var.app}"
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/ecs/${var.app}"
}

resource "aws_ssm_parameter" "db" {
  name  = "/${var.app}/db-password"
  type  = "SecureString"
  value = "x"
}

resource "aws_ecs_task_definition" "app" {
  family                   = var.app
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name  = "app"
    image = "${local.repository}:${var.tag}"
    secrets = [{ name = "DB", valueFrom = aws_ssm_parameter.db.arn }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"  = aws_cloudwatch_log_group.app.name
        "awslogs-region" = data.aws_region.current.name
      }
    }
  }])
}
