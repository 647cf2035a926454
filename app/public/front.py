"""The front cache: public pages answered before Flask is reached, for anonymous readers.

A news story sends thousands of readers to one page at once, none of them signed in and
most of them with no cookie of ours. What each of them gets is the same page, so the first
answer is kept (whole: status, headers, body) and the next ones are answered here, in the
WSGI layer, without a request context, the locale selector, the access check or a
template: one look at the public state (app/public/cache.py) decides whether the kept
answer is still current.

Which answers are kept is decided by the views, not here: `public_page` and
`unchanging_page` put the marker header below on an answer that is the same for every
reader of that address and language (`shareable()`), together with the state it was made
in. This layer only keeps answers that carry the marker, removes it, and never keeps an
answer that sets a cookie.

Anonymous readers are those with no cookie, and those whose only cookie is a session that
holds nothing but the language they prefer (and perhaps a CSRF token): the session's
signature is checked here as Flask checks it. The key is the host, scheme, root, path (with
its language prefix: /en/… is English), query string and that preference (and, for the
API, the Accept-Language header, which chooses the API's language), and the encodings the
reader accepts. Any other cookie (a signed-in
member, a pending message) or an Authorization header goes to the application, which
answers it in full."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from itsdangerous import BadSignature
from werkzeug.http import is_resource_modified, parse_cookie, parse_date, unquote_etag

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


# What a reader's session may hold for the reader to count as anonymous here: the language
# they prefer and whether they were sent to it once (app.core.language), a CSRF token a form
# page once gave them (anonymous public pages carry none) and Flask-Login's freshness flag,
# which it leaves after a sign-out.
SHAREABLE_SESSION_KEYS = frozenset({"lang", "lang_redirected", "csrf_token", "_fresh"})


def shareable() -> bool:
    """In a request: is the answer to this reader the answer to every reader of the same
    address and language? True with no cookie at all, or with only the session cookie
    holding nothing but a chosen language (see SHAREABLE_SESSION_KEYS)."""
    from flask import current_app, request, session

    cookies = request.cookies
    if not cookies:
        return True
    return (set(cookies) == {current_app.config["SESSION_COOKIE_NAME"]}
            and set(session.keys()) <= SHAREABLE_SESSION_KEYS)


def _key(environ, chosen: str) -> tuple:
    path = environ.get("PATH_INFO", "")
    language = environ.get("HTTP_ACCEPT_LANGUAGE", "") if path.startswith("/api/") else ""
    # The answer is kept as it was sent, compressed or not (Flask-Compress): the encodings
    # the reader accepts are part of the key, so nobody gets an encoding they did not ask for.
    encodings = environ.get("HTTP_ACCEPT_ENCODING", "").replace(" ", "").lower()
    # The root the site is served under too: the links in a page start with it.
    return ("front", environ.get("HTTP_HOST", ""), environ.get("wsgi.url_scheme", ""),
            environ.get("SCRIPT_NAME", ""), path, environ.get("QUERY_STRING", ""), language,
            chosen, encodings)


class FrontCache:
    """WSGI middleware in front of the Flask application (see the module's docstring)."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None
        self._serializer = None

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        chosen = None
        if (method in ("GET", "HEAD") and "HTTP_AUTHORIZATION" not in environ
                and self.app.config.get("PUBLIC_CACHE", True)):
            chosen = self._chosen_language(environ)
        if chosen is None:  # personal, or not a read: the application answers, nothing kept
            return self._pass_and_keep(None, environ, start_response, keep=False)
        key = _key(environ, chosen)
        entry = page_cache.get(key)
        if isinstance(entry, FrontEntry) and self._current(entry):
            return self._answer(entry, environ, start_response, head=method == "HEAD")
        return self._pass_and_keep(key, environ, start_response, keep=method == "GET")

    def _chosen_language(self, environ) -> str | None:
        """"" for a reader with no cookie; the preferred language ("lv"/"en", or "-" for
        none, and "+" once the reader was sent to it) when the only cookie is a valid
        session holding nothing personal; None otherwise. The page's language is in its
        path; the preference only decides whether a Latvian address redirects (once)."""
        header = environ.get("HTTP_COOKIE")
        if not header:
            return ""
        cookies = parse_cookie(header)
        name = self.app.config["SESSION_COOKIE_NAME"]
        if set(cookies) != {name}:
            return None
        try:
            data = self._session_serializer().loads(
                cookies[name], max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None
        if not isinstance(data, dict) or not set(data) <= SHAREABLE_SESSION_KEYS:
            return None
        return str(data.get("lang") or "-") + ("+" if data.get("lang_redirected") else "")

    def _session_serializer(self):
        if self._serializer is None:
            self._serializer = self.app.session_interface.get_signing_serializer(self.app)
        return self._serializer

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
        # Most readers ask no condition: not parsing one is a tenth of a kept answer.
        if ((entry.etag or entry.last_modified)
                and ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
                and not is_resource_modified(environ, etag=entry.etag,
                                             last_modified=entry.last_modified)):
            headers = [(n, v) for n, v in entry.headers
                       if n.lower() not in _NOT_MODIFIED_DROPS]
            start_response("304 NOT MODIFIED", headers)
            return []
        start_response(entry.status, list(entry.headers))
        return [] if head else [entry.body]

    # --- a new answer -------------------------------------------------------------------------
    def _pass_and_keep(self, key: tuple | None, environ, start_response, *,
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
        if not seen or key is None:  # nothing seen unless asked to keep, with a key
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
    # Flask's documented way to wrap the WSGI app; mypy takes it for replacing a method.
    app.wsgi_app = FrontCache(app, app.wsgi_app)  # type: ignore[method-assign]
