variable "env" {
  default = "prod"
}

variable "image_tag" {}

data "aws_region" "current" {}

resource "aws_cloudwatch_log_group" "search" {
  name = "/ecs/search-${var.env}"
}

resource "aws_ecs_task_definition" "search" {
  family                   = "search-${var.env}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name  = "search"
    image = "ghcr.io/example/search:${var.image_tag}"
    repositoryCredentials = {
      credentialsParameter = "search/ghcr-token"
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.search.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "search"
      }
    }
  }])
}
