# Example module: ask the recommender where an LLM workload should run, then use the answer.
#
# Terraform runs the program on every plan (hashicorp/external: stdin = the query as a
# JSON object of strings; stdout = one flat JSON object of strings). Run a recommender
# (`finops-recommender serve`) and point `recommender_address` at it, or leave it empty
# to solve inside the program (slower; needs the finops-recommender package).

terraform {
  required_providers {
    external = {
      source  = "hashicorp/external"
      version = "~> 2.3"
    }
  }
}

variable "recommender_address" {
  description = "host:port of a finops-recommender gRPC server (empty = solve locally)"
  type        = string
  default     = "127.0.0.1:50051"
}

variable "allowed_countries" {
  description = "Data residency: ISO 3166-1 alpha-2 codes the workload may run in"
  type        = list(string)
  default     = ["IN"]
}

variable "compute_offers" {
  description = "Compute offers in the RouteWorkloads proto3 JSON mapping (empty = server defaults)"
  type        = any
  default     = []
}

data "external" "placement" {
  # Or: program = ["finops-placement"] with the package's console script on PATH.
  program = ["python3", "${path.module}/../placement.py"]

  query = {
    server                       = var.recommender_address
    timeout_seconds              = "60"
    workload_id                  = "support-bot"
    kind                         = "llm_inference"
    model                        = "llama-3.1-8b"
    requests_per_second          = "4"
    input_tokens                 = "600"
    output_tokens                = "250"
    max_time_per_output_token_ms = "80"
    allowed_countries            = jsonencode(var.allowed_countries)
    never_run_on                 = "runpod"
    carbon_price_per_tonne       = "80"
    compute_offers               = jsonencode(var.compute_offers)
  }
}

locals {
  placement     = data.external.placement.result
  self_hosted   = local.placement.api == "false"
  instance_type = local.placement.instance_type
  replicas      = tonumber(local.placement.count)
}

output "where" {
  description = "Provider, region and country chosen"
  value       = "${local.placement.provider}/${local.placement.region} (${local.placement.country})"
}

output "instances" {
  description = "Instance type and count to provision (0 when a model API is cheaper)"
  value = {
    instance_type = local.instance_type
    count         = local.self_hosted ? local.replicas : 0
    spot          = local.placement.spot
    accelerator   = local.placement.accelerator
  }
}

output "economics" {
  description = "Hourly and monthly cost, cost per million tokens, carbon and the make-vs-buy break-even"
  value = {
    hourly_cost               = tonumber(local.placement.hourly_cost)
    monthly_cost              = tonumber(local.placement.monthly_cost)
    currency                  = local.placement.currency
    cost_per_million_tokens   = local.placement.cost_per_million_tokens
    carbon_kg_per_hour        = tonumber(local.placement.carbon_kg_per_hour)
    break_even_tokens_per_day = local.placement.break_even_tokens_per_day
    parts                     = jsondecode(local.placement.items)
  }
}

output "explanation" {
  description = "Why this placement"
  value       = local.placement.explanation
}
