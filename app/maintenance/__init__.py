"""Operators' maintenance commands: `flask --app wsgi backup PATH` and `restore PATH`."""

from app.maintenance.backup import register_commands

__all__ = ["register_commands"]
