"""Queue e-mail in the request's transaction; deliver through SMTP after commit."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, g, render_template
from flask_babel import force_locale
from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db
from app.mail.models import OutboxMessage

log = logging.getLogger("talka.mail")


def queue_mail(recipient: str, template: str, *, locale: str = "lv", kind: str = "",
               **context) -> OutboxMessage:
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
    g.setdefault("queued_mail", []).append(message.id)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def deliver_pending(ids: list[int] | None = None) -> int:
    """Send unsent outbox messages through SMTP (all, or the given ids); return how many."""
    if not smtp_configured():
        return 0
    # An emptied body is one the retention rule removed: too old to send.
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                        OutboxMessage.body != "")
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    messages = db.session.scalars(query).all()
    if not messages:
        return 0
    cfg = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            for message in messages:
                email = EmailMessage()
                email["From"] = cfg["MAIL_SENDER"]
                email["To"] = message.recipient
                email["Subject"] = message.subject
                email.set_content(message.body)
                smtp.send_message(email)
                message.sent_at = now_utc()
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery failed: %s", exc)
        for message in messages:
            if message.sent_at is None:
                message.error = str(exc)[:300]
    db.session.commit()
    return sent


def deliver_after_request(response):
    """after_request: deliver what this request queued (its transaction is committed)."""
    ids = g.pop("queued_mail", None)
    if ids and smtp_configured() and response.status_code < 400:
        deliver_pending(ids)
    return response
