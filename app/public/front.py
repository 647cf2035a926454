"""The front cache: public pages answered before Flask is reached, for visitors who send no
cookie and no token.

A news story sends thousands of readers to one page at once, none of them signed in and
most of them with no cookie of ours. What each of them gets is the same page, so the first
answer is kept (whole: status, headers, body) and the next ones are answered here, in the
WSGI layer, without a request context, a session, the locale selector, the access check or
a template: one look at the public state (app/public/cache.py) decides whether the kept
answer is still current.

Which answers are kept is decided by the views, not here: `public_page` and
`unchanging_page` put the marker header below on an answer that is the same for every
visitor without a cookie, together with the state it was made in. This layer only keeps
answers that carry the marker, removes it, and never keeps an answer that sets a cookie.

The key is the host, path and query string (and, for the API, the Accept-Language header,
which chooses the API's language). A request with a cookie (a signed-in member, or a
visitor who chose English) or an Authorization header always goes to the application,
where `public_page` serves the anonymous ones from the same cache of rendered pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from werkzeug.http import is_resource_modified, parse_date, unquote_etag

from app.extensions import db
from app.public.cache import STATE_TTL_SECONDS, current_state, page_cache, public_state

MARKER = "X-Talka-Front-Cache"
STATIC = "static"  # the page shows no data: it never goes out of date
STATE = "state"  # current while the public state is the same
MINUTE = "minute"  # the same, and only within the minute (pages that count down)

_NOT_MODIFIED_DROPS = frozenset({"content-length", "content-type"})


@dataclass(frozen=True)
class FrontEntry:
    mode: str
    state_key: str
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    last_modified: datetime | None


def marker(mode: str, state_key: str = "-") -> str:
    """The value of the marker header for an answer kept in `mode` under `state_key`."""
    return f"{mode} {state_key}"


def _key(environ) -> tuple:
    path = environ.get("PATH_INFO", "")
    language = environ.get("HTTP_ACCEPT_LANGUAGE", "") if path.startswith("/api/") else ""
    return ("front", environ.get("HTTP_HOST", ""), environ.get("wsgi.url_scheme", ""),
            path, environ.get("QUERY_STRING", ""), language)


class FrontCache:
    """WSGI middleware in front of the Flask application (see the module's docstring)."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (method not in ("GET", "HEAD") or "HTTP_COOKIE" in environ
                or "HTTP_AUTHORIZATION" in environ
                or not self.app.config.get("PUBLIC_CACHE", True)):
            return self.wsgi_app(environ, start_response)
        key = _key(environ)
        entry = page_cache.get(key)
        if entry is not None and self._current(entry):
            return self._answer(entry, environ, start_response, head=method == "HEAD")
        return self._pass_and_keep(key, environ, start_response, keep=method == "GET")

    # --- a kept answer ------------------------------------------------------------------------
    def _current(self, entry: FrontEntry) -> bool:
        if entry.mode == STATIC:
            return True
        ttl = self.app.config.get("PUBLIC_STATE_TTL_SECONDS", STATE_TTL_SECONDS)
        state = current_state(per_minute=entry.mode == MINUTE, ttl=ttl, read=self._read_state)
        return state.key == entry.state_key

    def _read_state(self):
        """The state, read on the engine rather than in a session: no application context
        and no session to set up and tear down (most of the cost of a kept answer)."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        with self._engine.connect() as connection:
            return public_state(connection=connection)

    @staticmethod
    def _answer(entry: FrontEntry, environ, start_response, *, head: bool) -> Iterable[bytes]:
        if (entry.etag or entry.last_modified) and not is_resource_modified(
                environ, etag=entry.etag, last_modified=entry.last_modified):
            headers = [(n, v) for n, v in entry.headers
                       if n.lower() not in _NOT_MODIFIED_DROPS]
            start_response("304 NOT MODIFIED", headers)
            return []
        start_response(entry.status, list(entry.headers))
        return [] if head else [entry.body]

    # --- a new answer -------------------------------------------------------------------------
    def _pass_and_keep(self, key: tuple, environ, start_response, *,
                       keep: bool) -> Iterable[bytes]:
        seen: dict = {}

        def keep_start_response(status, headers, exc_info=None):
            mark = next((v for n, v in headers if n == MARKER), None)
            headers = [(n, v) for n, v in headers if n != MARKER]
            if (keep and mark and exc_info is None and status.startswith("200 ")
                    and not any(n.lower() == "set-cookie" for n, _v in headers)):
                seen.update(mark=mark, status=status, headers=tuple(headers))
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, keep_start_response)
        if not seen:
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        mode, _, state_key = seen["mark"].partition(" ")
        headers = seen["headers"]
        etag = next((unquote_etag(v)[0] for n, v in headers if n.lower() == "etag"), None)
        modified = next((parse_date(v) for n, v in headers if n.lower() == "last-modified"),
                        None)
        page_cache.put(key, FrontEntry(mode=mode, state_key=state_key, status=seen["status"],
                                       headers=headers, body=body, etag=etag,
                                       last_modified=modified))
        return [body]


def install(app: Flask) -> None:
    """Put the front cache in front of the application (inside ProxyFix, if any)."""
    app.wsgi_app = FrontCache(app, app.wsgi_app)
