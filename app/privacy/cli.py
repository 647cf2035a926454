"""Operator commands: enforce the retention table, and write the record of processing."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("enforce-retention")
    def enforce_retention_command():
        """Delete or empty personal data past its retention limit (run daily)."""
        from app.core.clock import now_utc
        from app.privacy.retention import enforce_retention

        done = enforce_retention(now_utc())
        db.session.commit()
        for key, count in done.items():
            click.echo(f"{key}: {count}")

    @app.cli.command("records-of-processing")
    @click.option("--check", is_flag=True, help="Only say whether the file is up to date.")
    def records_of_processing_command(check):
        """Write docs/records-of-processing.md from the retention table."""
        import sys

        from app.privacy.records import DOCUMENT, records_of_processing

        text = records_of_processing()
        if check:
            current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
            if current != text:
                click.echo(f"{DOCUMENT} is out of date.", err=True)
                sys.exit(1)
            click.echo(f"{DOCUMENT} is up to date.")
            return
        DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
        DOCUMENT.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {DOCUMENT}.")
