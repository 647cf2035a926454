"""/data: the open data page, the data dictionary, and the downloads (CSV, JSON, SQLite).

Every download is a file built once per state of the public data and kept
(export.kept_file), then sent from disk. Downloads answer conditionally: the ETag comes
from the state of the public data (export.data_state, one query), so a repeat download
costs one query and a 304, and nothing is built before that check. They may be fetched
from any origin.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    send_file,
)
from flask_babel import get_locale

from app.core import access
from app.core.web import site_url
from app.opendata import dataset, export
from app.opendata import dictionary as d
from app.public import cache, front
from app.public.cache import MAX_BODY_BYTES, anonymous_read

bp = Blueprint("opendata", __name__, url_prefix="/data")


def _table_or_404(name: str) -> d.PublicTable:
    table = dataset.table_named(name)
    if table is None:
        abort(404)
    return table


def _finish(response: Response, etag: str, state: export.DataState, *,
            filename: str | None = None) -> Response:
    response.set_etag(etag)
    response.last_modified = state.last_modified
    response.headers["Cache-Control"] = cache.PUBLIC_CACHE_CONTROL
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Cookie")  # the language of titles in JSON follows the session
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _for_site(filename: str) -> str:
    """The kept name of a file that names the site: one file per origin, so a file made
    for one host (local use without SITE_URL) is never sent to a reader of another."""
    stem, _, suffix = filename.rpartition(".")
    return f"{stem}.{hashlib.sha256(site_url().encode()).hexdigest()[:12]}.{suffix}"


def _locale() -> str:
    """JSON files carry titles and the attribution in the reader's language."""
    return str(get_locale() or "lv")


def _unchanged(etag: str, state: export.DataState) -> bool:
    return cache.not_modified(etag, state.last_modified)


# --- pages -------------------------------------------------------------------------------------

def unchanging_page(view):
    """For a page that shows no data, only the language and the code's own description:
    rendered once per process, language and host into the page cache, then answered without
    a query (and with an ETag, so a repeat view is a 304). Signed-in visitors get a fresh,
    personal page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.public_page = True  # base.html: no per-visitor CSRF token in a shared page
        if not anonymous_read() or request.query_string or not cache.enabled():
            return view(*args, **kwargs)  # the page takes no arguments
        key = ("unchanging", request.host, request.endpoint, _locale())
        kept = cache.page_cache.get(key)
        if not isinstance(kept, cache.CachedPage):  # None: not kept (yet)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.headers.getlist("Set-Cookie"):
                return response
            kept = cache.CachedPage(body=response.get_data(), status=200,
                                    mimetype="text/html", headers=())
            cache.page_cache.put(key, kept)
        etag = hashlib.sha256(kept.body).hexdigest()[:32]
        if cache.not_modified(etag, None):
            response = Response(status=304)
        else:
            response = Response(kept.body, mimetype="text/html")
        response.set_etag(etag)
        response.headers["Cache-Control"] = cache.PUBLIC_CACHE_CONTROL
        response.vary.add("Cookie")
        if front.shareable():
            response.headers[front.MARKER] = front.marker(front.STATIC)
        return response

    return wrapper


@bp.route("")
@unchanging_page
@access.public
def index():
    return render_template("opendata/index.html", tables=dataset.TABLES, licence_url=d.LICENCE_URL,
                           attribution=export.attribution(site_url()))


@bp.route("/dictionary")
@unchanging_page
@access.public
def dictionary():
    return render_template("opendata/dictionary.html", tables=dataset.TABLES,
                           type_labels=d.TYPE_LABELS)


# --- downloads ---------------------------------------------------------------------------------

def _download(kind: str, filename: str, download_name: str, mimetype: str, writer):
    """A kept export file, answered conditionally; `writer(state)` makes the file's writer.

    Nothing is built before the ETag check. The file is opened at once: should a newer
    build remove its folder in between, it is asked for once more.
    """
    state = export.data_state()
    etag = state.etag(kind, filename)
    if _unchanged(etag, state):
        return _finish(Response(status=304), etag, state)
    if not cache.enabled():
        response = Response(export.fresh_file(filename, writer(state)), mimetype=mimetype)
        return _finish(response, etag, state, filename=download_name)
    for _attempt in range(2):
        path = export.kept_file(state, filename, writer(state))
        try:
            handle = open(path, "rb")  # noqa: SIM115  # the response closes it
        except FileNotFoundError:
            continue
        if front.shareable() and path.stat().st_size <= MAX_BODY_BYTES:
            # Small enough to keep whole: the front cache answers the next reader.
            with handle:
                response = Response(handle.read(), mimetype=mimetype)
            response.headers[front.MARKER] = front.marker(front.STATE, state.key)
        else:
            response = send_file(handle, mimetype=mimetype, as_attachment=True,
                                 download_name=download_name, conditional=False, max_age=None)
        return _finish(response, etag, state, filename=download_name)
    abort(503)


@bp.route("/<name>.csv")
@access.public
def table_csv(name: str):
    table = _table_or_404(name)
    return _download("csv", f"{table.name}.csv", f"talka-{table.name}.csv",
                     "text/csv",  # werkzeug adds "; charset=utf-8" to text types
                     lambda state: export.write_chunks(export.csv_chunks(table,
                                                                         export.moment())))


@bp.route("/<name>.json")
@access.public
def table_json(name: str):
    table = _table_or_404(name)
    site = site_url()
    # Titles, descriptions and the attribution are in the reader's language.
    return _download("json", _for_site(f"{table.name}.{_locale()}.json"),
                     f"talka-{table.name}.json",
                     "application/json",
                     lambda state: export.write_chunks(export.json_chunks(
                         table, export.moment(), site=site)))


@bp.route("/" + export.SQLITE_NAME)
@access.public
def sqlite():
    site = site_url()
    return _download("sqlite", _for_site(export.SQLITE_NAME), export.SQLITE_NAME,
                     "application/vnd.sqlite3",
                     lambda state: lambda path: export.build_sqlite(
                         path, export.moment(), site=site, state_key=state.key))


@bp.route("/datapackage.json")
@access.public
def datapackage():
    state = export.data_state()
    etag = state.etag("datapackage", _for_site(f"{_locale()}.json"))
    if _unchanged(etag, state):
        return _finish(Response(status=304), etag, state)
    return _finish(jsonify(export.datapackage(site_url())), etag, state)
