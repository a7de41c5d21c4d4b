# Terraform merges an override file into the blocks it names: the environment's default becomes "production".
variable "environment" {
  default = "production"
}
