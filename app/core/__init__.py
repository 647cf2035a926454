"""Shared building blocks: base model, clock, access rules, errors, sanitising."""
