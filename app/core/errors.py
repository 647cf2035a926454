"""Errors: domain exceptions raised by operations, and HTML / problem+json answers."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from app.core.translation import lazy_gettext as _l

log = logging.getLogger("talka")

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Sign-in required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("The file or request is too large"),
    415: _l("Unsupported content type"),
    422: _l("Some fields need correcting"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("Service temporarily unavailable"),
}

DETAILS = {
    400: _l("The request was malformed or the form has expired. Go back, reload the page "
            "and try again; your text is still in the form."),
    401: _l("Sign in, or send a valid API token."),
    403: _l("You do not have permission to do this."),
    404: _l("The page you asked for does not exist or is not available to you."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is larger than allowed."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    500: _l("The error has been recorded. Please try again later."),
    503: _l("Please try again in a few minutes."),
}


class DomainError(Exception):
    """A rule of the service layer said no. Views and the API turn it into an answer."""

    status = 400

    def __init__(self, detail: str | None = None, *, errors: dict | None = None):
        super().__init__(str(detail) if detail else type(self).__name__)
        self.detail = detail
        self.errors = errors or {}


class MalformedBody(DomainError):
    """The request's body is not what its type says (JSON that does not parse): 400."""

    status = 400


class Invalid(DomainError):
    """Fields are invalid (422); `errors` maps a field name to messages."""

    status = 422


class WrongState(DomainError):
    """The object's state or phase does not allow this now (409)."""

    status = 409


class StaleVersion(WrongState):
    """Someone saved a newer version first (409); `current` is what is stored now."""

    def __init__(self, detail=None, *, current=None):
        super().__init__(detail or _l("Someone else saved a newer version in the meantime."))
        self.current = current


class NotAllowed(DomainError):
    """The actor may not do this (403)."""

    status = 403


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def problem(status: int, detail=None, *, errors: dict | None = None, **extra) -> Response:
    """An application/problem+json answer (RFC 9457)."""
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, "Error")),
        "status": status,
        "detail": str(detail) if detail else str(DETAILS.get(status, TITLES.get(status, ""))),
    }
    if errors:
        body["errors"] = {key: [str(m) for m in msgs] for key, msgs in errors.items()}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="Talka API"'
    return response


def _flatten_webargs(messages) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {"field": [...]}}); flatten and localise."""
    from app.core.schema import flatten

    if not isinstance(messages, dict):
        return flatten(messages)
    flat: dict[str, list[str]] = {}
    for location, fields in messages.items():
        for field, texts in (flatten(fields) if isinstance(fields, dict)
                             else {location: flatten(fields)["_"]}).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def render_error_page(status: int, detail=None, *, back: str | None = None):
    title = TITLES.get(status, TITLES[500])
    text = detail or DETAILS.get(status, "")
    return render_template("errors/error.html", status=status, title=title, detail=text,
                           back=back), status


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if wants_json():
        data = getattr(error, "data", None) or {}
        if status == 422 and "messages" in data:
            return problem(422, errors=_flatten_webargs(data["messages"]))
        detail = data.get("message") if isinstance(data, dict) else None
        response = problem(status, detail)
        valid_methods = getattr(error, "valid_methods", None)  # 405 (MethodNotAllowed) only
        if valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response
    from flask_wtf.csrf import CSRFError

    if isinstance(error, CSRFError):
        return render_error_page(
            400,
            _l("The form's security token is missing or has expired. Go back, reload the "
               "page and send the form again; copy your text first if it is long."),
        )
    if status == 429:
        return _too_many()
    return render_error_page(status)


def _too_many():
    """429 that says how long to wait (and Retry-After for programs)."""
    import math
    import time

    from app.core.translation import ngettext
    from app.extensions import limiter

    current = limiter.current_limit
    seconds = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    minutes = max(1, math.ceil(seconds / 60))
    detail = ngettext("Too many attempts in a short time. Try again in %(num)d minute.",
                      "Too many attempts in a short time. Try again in %(num)d minutes.",
                      minutes)
    response = problem(429, detail) if wants_json() else render_error_page(429, detail)
    if isinstance(response, tuple):
        response = make_response(response)
    response.headers["Retry-After"] = str(seconds)
    return response


def handle_domain_error(error: DomainError):
    if wants_json():
        extra = {}
        current = getattr(error, "current", None)
        if current is not None:
            from app.core.schema import dump

            extra["current"] = dump(current)
        return problem(error.status, error.detail, errors=error.errors, **extra)
    return render_error_page(error.status, error.detail)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    # A failed statement leaves PostgreSQL's transaction aborted; the error page
    # (which loads the signed-in user) needs a usable session.
    from app.extensions import db

    db.session.rollback()
    if wants_json():
        return problem(500)
    return render_error_page(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
