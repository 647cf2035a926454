"""Command-line contract for operators and scripts: `flask --app wsgi <command>`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate import upgrade

from app.extensions import db


def _fail(error) -> None:
    from flask_babel import force_locale

    from app.core.errors import DomainError

    with force_locale("en"):  # the commands speak English, like the rest of their output
        if isinstance(error, DomainError) and error.errors:
            for field, messages in error.errors.items():
                for message in messages:
                    click.echo(f"{field}: {message}", err=True)
        else:
            click.echo(str(getattr(error, "detail", None) or error), err=True)
    db.session.rollback()
    sys.exit(1)


def reminder_jobs() -> list:
    """The jobs of `send-reminders`; each is `job(now=...) -> number of e-mails queued`.
    The worker runs each of them hourly (app/jobs/tasks.py)."""
    from app.ideas.reminders import send_idea_reminders
    from app.judging.reminders import send_judging_reminders
    from app.pilots.reminders import send_coordinator_digests, send_pilot_reminders

    return [send_idea_reminders, send_judging_reminders, send_pilot_reminders,
            send_coordinator_digests]


def _check_latvian_collation() -> None:
    """Lists are ordered by ICU's Latvian collation (app.core.collation): a PostgreSQL built
    without ICU would fail on the first list of places, so it is refused here, at deploy."""
    from sqlalchemy import text

    from app.core.collation import POSTGRESQL_COLLATION

    if db.engine.dialect.name != "postgresql":
        return  # SQLite's is registered on each connection
    found = db.session.scalar(text("SELECT count(*) FROM pg_collation WHERE collname = :name"),
                              {"name": POSTGRESQL_COLLATION})
    if not found:
        raise click.ClickException(
            f'This PostgreSQL has no collation "{POSTGRESQL_COLLATION}": Talka needs one '
            "built with ICU (as Debian's and the official images are).")


def register_cli(app: Flask) -> None:
    from app.maintenance import register_commands as register_maintenance  # backup, restore
    register_maintenance(app)
    from app.privacy.cli import register_commands as register_privacy  # retention, records
    register_privacy(app)

    @app.cli.command("init-db")
    def init_db():
        """Migrate to the newest schema and load reference data (idempotent)."""
        from app.places.operations import load_reference_data

        upgrade()
        _check_latvian_collation()
        added = load_reference_data()
        db.session.commit()
        click.echo(f"Database is at the newest schema; added {added['regions']} regions and "
                   f"{added['municipalities']} municipalities.")

    @app.cli.command("public-data-changed")
    def public_data_changed():
        """Tell every instance that public data changed past the application (an SQL script
        applied by hand, `flask db upgrade --sql` among them): kept pages, values, open-data
        files and ETags are made anew."""
        from app.public.cache import bump_public_version

        bump_public_version()  # what was written cannot be told: everything is worked out
        db.session.commit()
        click.echo("Public data version raised: every page and file is made anew.")

    @app.cli.command("rerender-markdown")
    def rerender_markdown():
        """Render every stored Markdown text to HTML again (after a sanitiser upgrade)."""
        from app.jobs.tasks import rerender_markdown as job

        click.echo(f"Rendered {job.call_local()} rows again.")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(["admin", "coordinator"]))
    @click.option("--region", type=click.Choice(["riga", "kurzeme", "latgale", "vidzeme",
                                                 "zemgale"]),
                  help="For a regional coordinator; without it a coordinator is national.")
    @click.option("--municipality", help="The municipality's official name, e.g. 'Dobeles novads'.")
    @click.option("--password-stdin", is_flag=True, required=True,
                  help="Read the password from standard input.")
    def create_user(email, name, role, region, municipality, password_stdin):
        """Create a confirmed, active user."""
        from app.accounts.operations import create_user as create
        from app.core.errors import DomainError

        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = create(email, name, password, role=role, region_code=region,
                          municipality_name=municipality)
        except DomainError as error:
            _fail(error)
        db.session.commit()
        click.echo(f"Created user {user.id} <{user.email}>.")

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--name", default="command line")
    def create_token(email, name):
        """Print a new API token for EMAIL as the last line."""
        from app.accounts.operations import create_api_token, find_user_by_email

        user = find_user_by_email(email)
        if user is None or not user.is_active:
            click.echo("No active user has this e-mail address.", err=True)
            sys.exit(1)
        _token, raw = create_api_token(user, name)
        db.session.commit()
        click.echo(f"API token for {user.email} (shown once):")
        click.echo(raw)

    @app.cli.command("seed-demo")
    @click.option("--ideas", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Also add a batch of N ideas across about N/50 hackathons, with "
                       "reviews, results and pilots (each run adds another batch).")
    def seed_demo_command(ideas):
        """Load realistic demo data (idempotent) and print the demo sign-ins."""
        import time

        from flask import current_app

        from app.demo import DEMO_PASSWORD, seed_demo
        from app.places.operations import load_reference_data

        if current_app.config["TALKA_ENV"] == "production":
            click.echo("seed-demo does not run in production: its accounts share one "
                       "published password.", err=True)
            sys.exit(1)
        # The demo goes through the operations, and some of them e-mail links: url_for needs
        # a host (SITE_URL when set), as in send-reminders. Nothing is served.
        base_url = current_app.config.get("SITE_URL") or "http://localhost:5000"
        with current_app.test_request_context(base_url=base_url):
            load_reference_data()
            users = seed_demo()
            db.session.commit()
            if ideas:
                from app.demo.volume import VolumeError, seed_volume

                started = time.perf_counter()
                try:
                    report = seed_volume(ideas)
                except VolumeError as error:
                    _fail(error)
                db.session.commit()
                rows = ", ".join(f"{n} {table}" for table, n in report.counts.items())
                click.echo(f"Volume batch {report.batch}: {rows} "
                           f"in {time.perf_counter() - started:.1f} s.")
        click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            click.echo(f"  {demo.email:<32} {demo.what}")

    @app.cli.command("send-reminders")
    def send_reminders():
        """Queue the reminders and digests that are due now (the worker does this hourly;
        none is sent twice)."""
        from app.jobs.tasks import queue_reminders

        for job in reminder_jobs():
            click.echo(f"{job.__module__}.{job.__name__}: {queue_reminders(job)} e-mails "
                       "queued.")

    @app.cli.command("deliver-mail")
    def deliver_mail():
        """Send the outbox messages that are due now, here rather than in the worker."""
        from app.mail.operations import deliver_due, smtp_configured

        if not smtp_configured():
            click.echo("MAIL_SERVER is not set: messages stay in the outbox.")
            return
        click.echo(f"Sent {deliver_due()} messages.")

    from app.jobs.cli import register_worker
    register_worker(app)
