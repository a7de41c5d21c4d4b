resource "aws_ecs_task_definition" "orders" {
  family = "orders"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx"
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = "/ecs/orders", awslogs-region = "eu-west-1" }
    }
  }])
}
