"""How a request finds its user: a server-side session for pages, a bearer token for the API."""

from __future__ import annotations

from flask import Flask, g, request

from app.accounts import operations as ops
from app.core.access import is_api_request
from app.core.translation import lazy_gettext as _l
from app.extensions import db, login_manager


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@login_manager.user_loader
def load_user(token: str):
    # The API is token-only: a browser's session cookie never authorises it, which
    # keeps cross-site requests from riding on a signed-in browser.
    if is_api_request():
        return None
    return ops.load_session_user(token)


@login_manager.request_loader
def load_user_from_request(req):
    if not is_api_request():
        return None
    raw = bearer_token()
    if raw is None:
        if req.headers.get("Authorization"):
            g.bad_token = True
        return None
    user = ops.user_for_api_token(raw)
    if user is None:
        g.bad_token = True
    elif db.session.dirty:
        db.session.commit()  # the token's last_used_at (written at most hourly)
    return user


def reject_bad_token():
    """before_request: a bad or revoked token gets 401 even on public endpoints."""
    if is_api_request() and request.headers.get("Authorization"):
        from flask_login import current_user

        _ = current_user.is_authenticated  # triggers the loaders
        if g.get("bad_token"):
            from app.core.access import refuse

            refuse(401, reason="bad_token")


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # Registered before the access rule, so a bad token is refused before anything else.
    app.before_request(reject_bad_token)
