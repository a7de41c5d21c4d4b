resource "aws_ecs_task_definition" "app" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::111122223333:role/orders-execution"
  container_definitions    = <<EOF
[
  {
    "name": "app",
    "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:1",
    "secrets": [{"name": "DB", "valueFrom": "/orders/db-password"}]
  }
]
EOF
}
