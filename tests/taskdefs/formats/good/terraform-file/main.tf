resource "aws_ecs_task_definition" "app" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::111122223333:role/orders-execution"
  container_definitions    = templatefile("${path.module}/containers.json", {
    log_group = "/ecs/orders"
  })
}
