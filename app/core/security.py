"""Security headers, safe redirects and the security log.

The security log (sign-ins and their failures, throttling, password resets, refused
requests...) is kept by Talka in the `security_event` table, so that its 12-month limit is
enforced by the retention job (app.privacy.retention) like every other kind of personal
data; each event also goes to the `talka.security` logger for live monitoring.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, TypeGuard
from urllib.parse import urljoin, urlsplit

from flask import Flask, g, request
from sqlalchemy import JSON, ForeignKey, String, insert
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from app.core.clock import now_utc
from app.core.stylesheet import csp_source, inline_css
from app.extensions import Model, db

log = logging.getLogger("talka.security")


class SecurityEvent(Model):
    """One security event: what, when, who (if known), from which address and browser."""

    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    event: Mapped[str] = mapped_column(String(60), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # The event's other fields (a path, a limit, a token's id): never a password or token.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<SecurityEvent {self.event} {self.at:%Y-%m-%d %H:%M}>"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {csp_source()}",  # the inlined stylesheet, by its hash
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def client_address() -> str:
    """The caller's address as the WSGI server saw it (ProxyFix adjusts it when configured)."""
    return request.remote_addr or "-"


def security_log(event: str, **fields) -> None:
    """Log a security event: who, what, when (the record's time) and from where.

    Never pass a password or a token here.
    """
    fields.setdefault("ip", client_address())
    fields.setdefault("user_agent", (request.user_agent.string or "-")[:200])
    text = " ".join(f"{key}={value!r}" for key, value in sorted(fields.items()))
    log.info("%s %s", event, text, extra={"event": event, "fields": fields})
    others = {k: v if isinstance(v, int | float | bool | type(None)) else str(v)[:200]
              for k, v in fields.items() if k not in ("user_id", "email", "ip", "user_agent")}
    user_id = fields.get("user_id")
    g.setdefault("security_events", []).append({
        "at": now_utc(), "event": event[:60],
        "user_id": user_id if isinstance(user_id, int) else None,
        "email": str(fields.get("email") or "")[:254], "ip": str(fields["ip"])[:64],
        "user_agent": str(fields["user_agent"])[:200], "details": others or None})


def store_security_events(_error: BaseException | None = None) -> None:
    """teardown_request: write the request's security events in a transaction of their own,
    after the request's own has ended. A refused request is rolled back, yet its refusal is
    exactly what the log must keep."""
    events = g.pop("security_events", None)
    if not events:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(SecurityEvent), events)
    except Exception:  # the log must never turn an answer into an error
        log.exception("security events not stored: %s", [e["event"] for e in events])


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """True when `target` is a path on this site (no scheme, host or backslash tricks)."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    base = urlsplit(request.host_url)
    joined = urlsplit(urljoin(request.host_url, target))
    return joined.scheme == base.scheme and joined.netloc == base.netloc


# The headers every response carries, unless its view set its own.
EVERY_RESPONSE = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    # No other site's window shares a browsing context with ours.
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def add_security_headers(response):
    """after_request: the headers every response carries (one pass over those the view
    set: every response pays for this)."""
    headers = response.headers
    present = {name.lower(): value for name, value in headers.items()}
    for name, value in EVERY_RESPONSE:
        if name.lower() not in present:
            headers.add(name, value)
    # None may embed what we answer; open data and the public API, offered to any origin
    # (CORS), excepted.
    if "cross-origin-resource-policy" not in present:
        shared = present.get("access-control-allow-origin") == "*"
        headers.add("Cross-Origin-Resource-Policy", "cross-origin" if shared else "same-origin")
    from flask_login import current_user

    if current_user and current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    from flask import current_app

    if (current_app.config.get("TALKA_ENV") == "production"
            and "strict-transport-security" not in present):
        headers.add(*HSTS)
    return response


def drop_nul_characters() -> None:
    """before_request, pages only: NUL characters are removed from the query, the form fields
    and the names of uploaded files. No one types one (it arrives from a pasted binary or a
    probe), PostgreSQL cannot store it in text, and refusing the request would lose what a
    team or a judge typed. The API refuses them instead, naming the field (app/api)."""
    if request.path.startswith("/api/") or request.method == "OPTIONS":
        return
    query = request.args
    if any("\x00" in k or "\x00" in v for k, v in query.items(multi=True)):
        request.args = _without_nul(query)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.form
        if any("\x00" in k or "\x00" in v for k, v in form.items(multi=True)):
            request.form = _without_nul(form)
        for upload in request.files.values():
            if upload.filename and "\x00" in upload.filename:
                upload.filename = upload.filename.replace("\x00", "")


def _without_nul(fields: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(k.replace("\x00", ""), v.replace("\x00", ""))
                               for k, v in fields.items(multi=True)])


def init_security(app: Flask) -> None:
    app.jinja_env.globals["inline_css"] = inline_css  # allowed by CSP above
    app.after_request(add_security_headers)
    app.before_request(drop_nul_characters)
    app.teardown_request(store_security_events)
