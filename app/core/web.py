"""The one door every request passes, for pages and the API alike.

A request's way, written once here so that a view only names its parts:

1. **load** the object by id or slug (`load`): missing, or hidden from this user → 404;
2. **check** what the user may do with it (`load(..., may=...)`): visible but refused → 403;
3. **validate** the input with the feature's marshmallow schema (`core.schema.load`; the
   API's `json_body` reads a body with the same schema on its first read, so after steps
   1 and 2 on both doors);
4. run **one operation** (`submit` / `act` for pages; the API view calls it directly);
5. **commit** at the edge (`Talka.dispatch_request`): a request that ends without an
   exception commits what it wrote (one that only read just closes its transaction), one
   that raises rolls back; views and operations never commit;
6. **answer**: a redirect with a message, the re-rendered form with what the user typed
   (422 invalid, 409 wrong state or stale version), or problem+json from `core.errors`.

Indico's request handlers (`RH._process_args`, `_check_access`, `_process`) are the model;
here the steps are functions rather than a class, since Flask views are functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect
from flask.globals import _cv_app, _cv_request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response

from app.core import access, language
from app.core.errors import DomainError, Invalid, NotAllowed, StaleVersion, render_error_page
from app.core.forms import apply_errors
from app.core.schema import load as load_schema
from app.extensions import db

T = TypeVar("T")
R = TypeVar("R")
Predicate = Callable[[Any, Any], bool]


# --- 5. the transaction boundary -------------------------------------------------------------

class Talka(Flask):
    """Flask with one transaction per request, committed or rolled back at the edge."""

    def dispatch_request(self) -> ResponseReturnValue:
        response = self.make_response(super().dispatch_request())
        # Reached only when the view returned: whatever it answers (a re-rendered form
        # included), its changes stand. A failed operation was already undone to its
        # savepoint by `attempt`; an exception skips this and `handle_user_exception`
        # rolls everything back.
        if wrote(db.session):
            db.session.commit()
        # A request that only read ends its transaction when the session is closed at
        # teardown: committing would expire every object it loaded for nothing.
        return response

    def handle_user_exception(self, e: Exception) -> Any:
        db.session.rollback()
        if isinstance(e, SecurityError):
            # A Host this site does not answer to: no page is built for it, so no link in
            # it can point anywhere (the error page itself would need the Host for URLs).
            return Response("400 Bad Request: this site does not answer to that host name.\n",
                            status=400, mimetype="text/plain")
        return super().handle_user_exception(e)

    def create_url_adapter(self, request: Any) -> Any:
        """Every absolute URL (e-mail links, canonical links, feeds, API `url` fields) comes
        from SITE_URL when it is set, whatever Host the request carried."""
        adapter = super().create_url_adapter(request)
        site = self.config.get("SITE_URL")
        if adapter is None and request is None and site:
            # No request (a job, a command): links in what it writes still start at SITE_URL.
            parts = urlsplit(site)
            return self.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                     url_scheme=parts.scheme)
        if adapter is not None and site and request is not None:
            parts = urlsplit(site)
            adapter.server_name = parts.netloc
            adapter.url_scheme = parts.scheme
        if adapter is not None and request is not None:
            # /en/winners is the English /winners: the route is matched without the prefix,
            # the locale selector reads it (app.core.language).
            language_of_path, bare = language.split(adapter.path_info)
            if language_of_path != language.DEFAULT:
                adapter.path_info = bare
        return adapter

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None,
                **values: Any) -> str:
        """Addresses in the language links are built in now (the page's, or a forced one):
        on an English page every link to a page stays under /en."""
        current = language.current()
        key = _url_key(self, endpoint, (_anchor, _method, _scheme, _external, current), values)
        if key is not None:
            built = _built_urls.get(key)
            if built is not None:
                return built
        url = super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                              _external=_external, **values)
        url = url if current == language.DEFAULT else language.localised_url(url, current)
        if key is not None:
            if len(_built_urls) >= _BUILT_URLS_MAX:
                _built_urls.clear()
            _built_urls[key] = url
        return url


# Addresses already built, by everything that decides them. A page builds a hundred links,
# and building one (Flask's url_for, then the language prefix) cost as much as rendering
# the rest of its row; the same links recur on every page. The answer depends on the URL
# map, the adapter's host, root and scheme, and the arguments, all in the key, never on
# stored data; url_defaults callbacks could add hidden arguments, so with any of them
# registered nothing is kept.
_built_urls: dict[tuple, str] = {}
_BUILT_URLS_MAX = 8192


def _url_key(app: Flask, endpoint: str, options: tuple, values: dict[str, Any]) -> tuple | None:
    if any(app.url_default_functions.values()):
        return None
    where = _links_built_for()
    if where is None:
        return None
    request_context = _cv_request.get(None)
    if endpoint[:1] == "." and request_context is not None:
        endpoint = f"{request_context.request.blueprint or ''}{endpoint}"
    try:
        arguments = tuple(sorted((name, type(value), value) for name, value in values.items()))
        key = (endpoint, where, options, arguments)
        hash(key)
    except TypeError:  # a list of values for one argument: built each time
        return None
    return key


def _links_built_for() -> tuple | None:
    """What a link built now depends on besides its endpoint and arguments: whether there is
    a request, and the host, root and scheme its URL adapter was bound to (None: no
    adapter, nothing to build with)."""
    request_context = _cv_request.get(None)
    if request_context is not None:
        adapter = request_context.url_adapter
    else:
        app_context = _cv_app.get(None)
        adapter = app_context.url_adapter if app_context is not None else None
    if adapter is None:
        return None
    return (request_context is not None, adapter.server_name, adapter.script_name,
            adapter.url_scheme)


def link_context() -> tuple | None:
    """Everything the links in a piece of HTML rendered now depend on: the above and the
    language links are built in. HTML kept by it (app/public/fragments.py) is served only
    where the same links would be built; None when links cannot be told (url_defaults
    callbacks may add hidden arguments)."""
    if any(current_app.url_default_functions.values()):
        return None
    where = _links_built_for()
    return None if where is None else (*where, language.current())


# Whether the session's transaction has written anything: a flush that had changes, or a
# statement through the session that is not a plain SELECT (text() included). Cleared when
# the transaction ends.
WROTE = "talka_wrote"


def wrote(session: Any) -> bool:
    return bool(session.new or session.dirty or session.deleted or session.info.get(WROTE))


def _mark_flushed(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


def _mark_executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


def _forget_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the whole transaction ended, not a savepoint
        session.info.pop(WROTE, None)


def watch_writes() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (("after_flush", _mark_flushed), ("do_orm_execute", _mark_executed),
                     ("after_transaction_end", _forget_writes)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def site_url() -> str:
    """The origin every absolute URL starts with (feeds, sitemap, canonical links, open-data
    attribution): SITE_URL; without it (local use only) the host this request was made to,
    which TRUSTED_HOSTS limits and every page cache keys on."""
    from flask import current_app, request

    return str(current_app.config.get("SITE_URL") or request.host_url).rstrip("/")


# --- 1 and 2. load and check ----------------------------------------------------------------

def _entity(source: Select) -> Any:
    return source.column_descriptions[0]["entity"]


def load(source: type[T] | Select[tuple[T]], ident: Any = None, *, see: Predicate | None = None,
         may: Predicate | None = None, params: dict[str, Any] | None = None) -> T:
    """The object, or the request ends: 404 if it does not exist or `see(obj, user)` is
    false (so nobody learns that it exists), 403 if `may(obj, user)` is false.

    `source` is a model (looked up by primary key `ident`) or a select statement (with
    `ident`, narrowed to that primary key; without, its first row, with `params` bound: a
    statement built once is then not copied on every request). The predicates are the
    models' own (`Team.can_view`, `Idea.can_edit`), asked about the signed-in user.
    """
    if isinstance(source, Select):
        statement = source
        if ident is not None:
            key = inspect(_entity(source)).primary_key[0]
            statement = source.where(key == ident)
        found = db.session.scalars(statement, params).first()
    else:
        found = db.session.get(source, ident) if ident is not None else None
    if found is None:
        access.refuse(404, reason="not_found")
    if see is not None and not see(found, current_user):
        access.refuse(404, reason="hidden")
    if may is not None and not may(found, current_user):
        access.refuse(403, reason="predicate")
    return found


def check_found(found: T | None) -> T:
    """404 unless `found` (a part of an object already loaded: a member, an invitation),
    which it returns."""
    if found is None:
        access.refuse(404, reason="not_found")
    return found


def check(allowed: bool) -> None:
    """403 unless `allowed` (for a rule about an object already loaded)."""
    if not allowed:
        access.refuse(403, reason="predicate")


# --- 4. one operation, undone alone if it fails -------------------------------------------------

def attempt(operation: Callable[[], R]) -> R:
    """Run one operation inside a savepoint: if it raises, what it wrote is undone and the
    error goes on, while the rest of the request (a draft saved just before, a text kept for
    the user) still commits at the edge."""
    with db.session.begin_nested():
        return operation()


def expect_version(obj: Any, expected: int | None) -> None:
    """A stale edit: someone saved a newer version since the form or client read `obj`."""
    if expected is not None and expected != obj.version:
        raise StaleVersion(current=obj)


def form_data(form: FlaskForm) -> dict[str, Any]:
    """What a form posted, in the operation's field names (the form may map its own)."""
    to_data = getattr(form, "to_data", None)
    if callable(to_data):
        return cast(dict[str, Any], to_data())
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def done(message: str | None, url: str, category: str = "success") -> Response:
    """After a change: say what happened, and go where the user sees it (post/redirect/get)."""
    if message:
        flash(message, category)
    return redirect(url)


Page = Callable[[int], ResponseReturnValue]


def submit(form: FlaskForm, *, run: Callable[[dict[str, Any]], R],
           success: Callable[[R], ResponseReturnValue], page: Page, schema: Any = None,
           field_map: dict[str, str] | None = None,
           stale: Callable[[StaleVersion], ResponseReturnValue] | None = None,
           ) -> ResponseReturnValue:
    """A form page's whole way: show the form; or validate what was posted, run one
    operation with it and answer `success(result)`.

    Whatever goes wrong, the page comes back with what the user typed and the reason beside
    the field it concerns: 422 for invalid fields, 409 for a wrong state (too late, frozen),
    403 for input this user may not use (another region's municipality), or `stale(error)`
    for a newer version saved meanwhile. `page(status)` renders the form.
    """
    if not form.is_submitted():
        return page(200)
    if not form.validate():
        return page(422)
    try:
        data = form_data(form)
        if schema is not None:
            data = load_schema(schema, data)
        result = attempt(lambda: run(data))
    except StaleVersion as error:
        if stale is None:
            form.form_errors.append(str(error.detail))
            return page(409)
        return stale(error)
    except DomainError as error:
        # A refusal of this input (a region the coordinator does not run) keeps the form too:
        # what was typed is not lost, and the reason stands on top with the refusal's status.
        apply_errors(form, _as_invalid(error), field_map)
        return page(error.status)
    return success(result)


def act(run: Callable[[], R], *, success: Callable[[R], ResponseReturnValue],
        back: str) -> ResponseReturnValue:
    """A button that changes one thing (withdraw, revoke, remove): run the operation, or
    answer why not with the refusal's own status (as the API does) and a way back."""
    try:
        result = attempt(run)
    except NotAllowed:
        raise
    except DomainError as error:
        return render_error_page(error.status, _message(error), back=back)
    return success(result)


def _as_invalid(error: DomainError) -> Invalid:
    return error if isinstance(error, Invalid) else Invalid(error.detail, errors=error.errors)


def _message(error: DomainError) -> str:
    if error.detail:
        return str(error.detail)
    return "; ".join(str(m) for messages in error.errors.values() for m in messages)
