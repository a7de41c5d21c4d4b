locals {
  prefix = "orders-${var.environment}"
}
