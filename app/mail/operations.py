"""Queue e-mail in the request's transaction; a background job delivers it after commit.

The request never talks to SMTP. `queue_mail` writes the outbox row; when the transaction
commits, the ids written in it are handed to the job queue (app/jobs), whose worker calls
`send_message`. What the queue loses (it was down, or a worker died) the periodic sweep
(`deliver_due`) finds in the outbox and sends.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.core.clock import now_utc
from app.extensions import db
from app.mail.models import OutboxMessage

log = logging.getLogger("talka.mail")

QUEUED = "talka_queued_mail"
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4 ... minutes between tries, at most a day
BACKOFF_MAX = timedelta(days=1)


def queue_mail(recipient: str, template: str, *, locale: str = "lv", kind: str = "",
               **context: object) -> OutboxMessage:
    """Render `mail/<template>.txt` in the recipient's language and put it in the outbox.

    The template's first line is the subject. The message is part of the
    current transaction: if the request fails, no e-mail goes out.
    """
    with force_locale(locale or "lv"):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    message = OutboxMessage(recipient=recipient, subject=subject.strip()[:200],
                            body=body.strip() + "\n", kind=kind[:120])
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(QUEUED, []).append(message.id)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


# --- handing committed messages to the queue ------------------------------------------------

def _after_commit(session: Session) -> None:
    ids = session.info.pop(QUEUED, None)
    if not ids or not has_app_context() or not smtp_configured():
        return
    from app.jobs.tasks import enqueue_mail

    enqueue_mail(ids)


def _after_soft_rollback(session: Session, previous_transaction: object) -> None:
    if getattr(previous_transaction, "parent", None) is None:
        session.info.pop(QUEUED, None)


def install() -> None:
    """Hand the mail of each committed transaction to the queue (idempotent)."""
    for name, fn in (("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# --- sending ----------------------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _claim_seconds() -> int:
    return int(current_app.config.get("MAIL_CLAIM_SECONDS", 300))


def _claimable(now: datetime) -> ColumnElement[bool]:
    stale = now - timedelta(seconds=_claim_seconds())
    return and_(OutboxMessage.sent_at.is_(None),
                # An emptied body is one the retention rule removed: too old to send.
                OutboxMessage.body != "",
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(OutboxMessage.next_attempt_at.is_(None),
                    OutboxMessage.next_attempt_at <= now),
                or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale))


def _claim(message_id: int, token: str, now: datetime) -> OutboxMessage | None:
    """Take the message for this worker in a committed UPDATE; None when it is sent, not due,
    or held by another worker whose claim is still fresh."""
    taken: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(claimed_by=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if taken.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id)


def _email(message: OutboxMessage) -> EmailMessage:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # The same id on every try: a server that sees it twice knows it is one message.
    domain = cfg["MAIL_SENDER"].rpartition("@")[2].strip(" >") or "talka.lv"
    email["Message-ID"] = f"<outbox.{message.key}@{domain}>"
    email.set_content(message.body)
    return email


@contextmanager
def _smtp() -> Iterator[smtplib.SMTP]:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"],
                      timeout=cfg.get("MAIL_TIMEOUT", 15)) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        yield smtp


def _finish(message_id: int, token: str, **values: object) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token)
        .values(claimed_by="", claimed_at=None, **values)
        .execution_options(synchronize_session=False))
    db.session.commit()


def send_messages(ids: list[int], *, now: datetime | None = None) -> int:
    """Send each of these outbox messages that this worker can claim; return how many SMTP
    accepted. A failure is recorded on the row with the time of the next try."""
    if not smtp_configured() or not ids:
        return 0
    token = uuid.uuid4().hex
    sent = 0
    smtp_context = None
    smtp: smtplib.SMTP | None = None
    try:
        for message_id in ids:
            moment = now or now_utc()
            message = _claim(message_id, token, moment)
            if message is None:
                continue
            attempts, email = message.attempts, _email(message)
            try:
                if smtp is None:
                    smtp_context = _smtp()
                    smtp = smtp_context.__enter__()
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("SMTP delivery of outbox message %s failed: %s", message_id, exc)
                _finish(message_id, token, error=str(exc)[:300] or type(exc).__name__,
                        next_attempt_at=now_utc() + backoff(attempts))
                smtp = None
                if smtp_context is not None:
                    _close(smtp_context)
                    smtp_context = None
                continue
            _finish(message_id, token, sent_at=now_utc(), error="", next_attempt_at=None)
            sent += 1
    finally:
        if smtp_context is not None:
            _close(smtp_context)
    return sent


def _close(smtp_context: AbstractContextManager[smtplib.SMTP]) -> None:
    # A server that went away cannot be closed politely: the messages are recorded anyway.
    with suppress(OSError, smtplib.SMTPException):
        smtp_context.__exit__(None, None, None)


def due_ids(now: datetime, *, limit: int = 500) -> list[int]:
    """Unsent messages whose time has come and that no live worker holds, oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id)
        .limit(limit)))


def deliver_due(now: datetime | None = None) -> int:
    """Send every message that is due (the periodic sweep and `flask deliver-mail`)."""
    if not smtp_configured():
        return 0
    now = now or now_utc()
    total = 0
    while ids := due_ids(now):
        sent = send_messages(ids, now=now)
        total += sent
        if len(ids) < 500:
            break
    return total


def waiting_count() -> int:
    """How many messages wait unsent in the outbox (health checks)."""
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.sent_at.is_(None))) or 0
