"""Schemathesis fuzzing of the whole OpenAPI document."""
