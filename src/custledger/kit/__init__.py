"""Shared machinery with no business rules."""
