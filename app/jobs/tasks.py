"""The jobs. Each task runs its work in a fresh application context of the worker's app,
and calls the same function a command line or a test calls.

Periodic tasks replace the cron lines. Every periodic job is idempotent (mail claims, the
reminders' `kind`, kept export files), and holds a lock while it runs, so a second worker
that also schedules them (or a late run overlapping the next) does no work twice. Locks a
killed worker left are cleared when a worker starts (`flask worker`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import TypeVar

from flask import current_app, has_app_context
from huey import crontab

from app.jobs import current_app_for_jobs, huey

log = logging.getLogger("talka.jobs")
R = TypeVar("R")


def in_app(fn: Callable[..., R]) -> Callable[..., R]:
    """Run `fn` in its own application context (its own database session), with a request
    context bound to SITE_URL so that e-mailed links get the right host."""

    @wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> R:
        from app.extensions import db

        # In tests a task runs at once inside the caller's app; a worker has its own.
        app = (current_app._get_current_object()  # type: ignore[attr-defined]
               if has_app_context() else current_app_for_jobs())
        base_url = app.config.get("SITE_URL") or "http://localhost:5000"
        with app.app_context(), app.test_request_context(base_url=base_url):
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.rollback()
                db.session.remove()

    return wrapper


# --- mail ------------------------------------------------------------------------------------

@huey.task()
@in_app
def send_mail(ids: list[int]) -> int:
    """Send these committed outbox messages."""
    from app.mail.operations import send_messages

    return send_messages(ids)


def enqueue_mail(ids: list[int]) -> None:
    """Hand messages to the worker; if the queue is down they wait in the outbox for the
    sweep, and the request that wrote them goes on."""
    try:
        send_mail(list(ids))
    except Exception as exc:  # Redis, SQLite or a network error alike
        log.warning("mail %s stays in the outbox for the sweep: %s", ids, exc)


@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("deliver-due-mail")
@in_app
def deliver_due_mail() -> int:
    """Every minute: send what is due (retries after backoff, work the queue lost)."""
    from app.mail.operations import deliver_due

    return deliver_due()


# --- reminders and digests -----------------------------------------------------------------------

def _queued(job: Callable[..., int], now: datetime | None = None) -> int:
    from app.core.clock import now_utc
    from app.extensions import db

    queued = job(now=now or now_utc())
    db.session.commit()  # the commit hands the queued mail to send_mail
    return queued


queue_reminders = in_app(_queued)


@huey.periodic_task(crontab(minute="5"))
@huey.lock_task("idea-reminders")
@in_app
def idea_reminders() -> int:
    """Hourly: deadline reminders to teams with ideas not yet submitted."""
    from app.ideas.reminders import send_idea_reminders

    return _queued(send_idea_reminders)


@huey.periodic_task(crontab(minute="10"))
@huey.lock_task("judge-reminders")
@in_app
def judge_reminders() -> int:
    """Hourly: reminders to judges who are behind."""
    from app.judging.reminders import send_judging_reminders

    return _queued(send_judging_reminders)


@huey.periodic_task(crontab(minute="15"))
@huey.lock_task("pilot-reminders")
@in_app
def pilot_reminders() -> int:
    """Hourly: overdue milestones and missing progress reports."""
    from app.pilots.reminders import send_pilot_reminders

    return _queued(send_pilot_reminders)


@huey.periodic_task(crontab(minute="20"))
@huey.lock_task("follower-digest")
@in_app
def follower_digest() -> int:
    """Hourly check; each coordinator gets the digest of the pilots she follows once."""
    from app.pilots.reminders import send_coordinator_digests

    return _queued(send_coordinator_digests)


# --- upkeep ---------------------------------------------------------------------------------

@huey.task()
@huey.lock_task("rerender-markdown")
@in_app
def rerender_markdown() -> int:
    """Render every stored Markdown text again (after a sanitiser upgrade)."""
    from app.core.sanitize import rerender_all

    return rerender_all()


@huey.periodic_task(crontab(minute="*/10"))
@huey.lock_task("open-data-snapshot")
@in_app
def open_data_snapshot() -> int:
    """Every ten minutes: write the open-data files for the current state of the data, so
    that no reader waits for a build; nothing is written when the data did not change."""
    from app.opendata.snapshot import write_snapshot

    return write_snapshot()


def retention_job() -> Callable[[datetime], object] | None:
    """The data-retention rules (app/privacy/retention.py), run daily."""
    from app.privacy.retention import enforce_retention

    return enforce_retention


@huey.periodic_task(crontab(hour="2", minute="30"))
@huey.lock_task("retention")
@in_app
def retention() -> None:
    """Daily: delete or anonymise what is kept past its time."""
    from app.core.clock import now_utc
    from app.extensions import db

    enforce = retention_job()
    if enforce is None:
        return
    enforce(now_utc())
    db.session.commit()
