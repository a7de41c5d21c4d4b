locals {
  group = "/ecs/orders"
