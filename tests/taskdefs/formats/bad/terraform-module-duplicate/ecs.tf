resource "aws_ecs_task_definition" "orders" {
  family = "orders"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx"
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.orders.name, awslogs-region = var.region }
    }
  }])
}

variable "region" {
  default = "eu-west-1"
}
