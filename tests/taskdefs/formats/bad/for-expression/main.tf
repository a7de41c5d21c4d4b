resource "aws_ecs_task_definition" "x" {
  family = "x"
  container_definitions = jsonencode([for c in var.containers : c])
}
