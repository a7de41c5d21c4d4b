variable "region" {
  default = "us-east-1"
}

resource "aws_cloudwatch_log_group" "orders" {
  name = "/ecs/orders"
}

locals {
  group = "/ecs/orders"
}
