resource "aws_cloudwatch_log_group" "orders" {
  name = "/ecs/overridden"
}

locals {
  group = "/ecs/overridden"
}
