"""Terraform integration: a program for the hashicorp/external data source."""
