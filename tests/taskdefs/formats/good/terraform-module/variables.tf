variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "tag" {
  type    = string
  default = "latest"
}

variable "environment" {
  type    = string
  default = "staging"
}
