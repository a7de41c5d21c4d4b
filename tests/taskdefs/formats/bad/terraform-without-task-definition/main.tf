resource "aws_ecs_service" "x" {
  name = "x"
}
