"""Talka: idea hackathons, judging and pilot projects for Latvian municipalities."""

from __future__ import annotations

import logging
import sqlite3
from typing import cast

from flask import Flask, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import BaseConverter, ValidationError

from app.config import load_config
from app.core import translation
from app.extensions import babel, compress, csrf, db, limiter, migrate

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


class IdConverter(BaseConverter):
    """A database id in a URL; too large a number is a 404, never a database error."""

    regex = r"\d{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number < 1 or number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and WAL so readers do not block the writer."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")  # as long as a gunicorn worker may take
        cursor.close()
        from app.core.collation import SQLITE_COLLATION, compare
        from app.core.folding import SQLITE_FUNCTION, fold

        dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
        dbapi_connection.create_collation(SQLITE_COLLATION, compare)


def select_locale() -> str:
    """A page's language is in its address (/en/… is English, app.core.language); the API's
    is the Accept-Language header, else the caller's own preference."""
    from app.core import language

    if not has_request_context():  # commands and jobs: no session, no browser
        return "lv"
    if request.path.startswith("/api/"):
        if request.headers.get("Accept-Language"):
            # An API client that names a language gets it, whoever the token belongs to.
            return request.accept_languages.best_match(language.LANGUAGES) or "lv"
        return language.preferred() or "lv"
    return language.page_language()


def select_timezone() -> str:
    return "Europe/Riga"


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    from app.core.web import Talka, watch_writes

    settings = load_config(config)
    app = Talka(__name__, instance_path=settings["INSTANCE_PATH"],
                instance_relative_config=False)
    app.config.update(settings)
    # First registered, so its after_request runs last: it compresses the finished answer.
    compress.init_app(app)
    from app.public import front

    front.install(app)  # anonymous repeat views of public pages; inside ProxyFix
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        # Flask's documented way to wrap the WSGI app; mypy takes it for replacing a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]
    app.url_map.converters["id"] = IdConverter
    app.url_map.strict_slashes = False
    json_provider = cast(DefaultJSONProvider, app.json)  # Flask's default, typed as any provider
    json_provider.ensure_ascii = False  # UTF-8 JSON: "Rīga", not "R\u012bga"
    json_provider.sort_keys = False

    logging.getLogger("talka").setLevel(logging.INFO)

    db.init_app(app)
    watch_writes()  # a request that only read is not committed (app.core.web)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    translation.install(app)
    limiter.init_app(app)

    from app.accounts.auth import init_auth
    from app.core import language
    from app.core.access import enforce_access
    from app.core.errors import register_error_handlers
    from app.core.formatting import init_formatting
    from app.core.security import init_security
    from app.jobs import init_app as init_jobs
    from app.mail.operations import install as install_mail

    init_auth(app)
    app.before_request(enforce_access)
    language.install(app)
    register_error_handlers(app)
    init_security(app)
    init_formatting(app)
    install_mail()  # committed mail goes to the job queue, never out from the request
    init_jobs(app)

    _import_models()
    _register_blueprints(app)

    from app.core.collation import forget_compared_keys

    # The keys kept for SQLite's Latvian sorts are of names, people's among them: they
    # serve one request or job, and no name outlives it (an erased person's included).
    app.teardown_appcontext(forget_compared_keys)

    from app.cli import register_cli

    register_cli(app)

    @app.context_processor
    def inject_globals():
        from flask_babel import get_locale
        from flask_login import current_user

        from app.accounts.forms import ButtonForm

        # Only a signed-in user has a sign-out button. Showing its form makes a CSRF token,
        # which puts a session cookie on the answer: a reader who only reads gets none, and
        # a public page's answer stays one a shared cache may keep.
        # It reads nothing of the request body (an error page for a too-large or malformed
        # body would fail again).
        # (Mail is rendered outside a request, with no user at all.)
        signed_in = bool(getattr(current_user, "is_authenticated", False))
        return {"current_locale": str(get_locale() or "lv"),
                "logout_form": ButtonForm() if signed_in else None}

    return app


def _import_models() -> None:
    """Import every model module so that metadata (and Alembic) sees all tables."""
    from app.accounts import models as _accounts  # noqa: F401
    from app.core import audit as _audit  # noqa: F401
    from app.hackathons import models as _hackathons  # noqa: F401
    from app.ideas import models as _ideas  # noqa: F401
    from app.ideas import models_attachments as _idea_attachments  # noqa: F401
    from app.ideas import models_redaction as _idea_redaction  # noqa: F401
    from app.judging import models as _judging  # noqa: F401
    from app.judging import models_results as _judging_results  # noqa: F401
    from app.judging import models_reviews as _judging_reviews  # noqa: F401
    from app.mail import models as _mail  # noqa: F401
    from app.pilots import models as _pilots  # noqa: F401
    from app.pilots import models_money as _pilot_money  # noqa: F401
    from app.pilots import models_plan as _pilot_plan  # noqa: F401
    from app.pilots import models_reports as _pilot_reports  # noqa: F401
    from app.places import models as _places  # noqa: F401
    from app.privacy import models as _privacy  # noqa: F401
    from app.programme import models as _programme  # noqa: F401
    from app.public import models as _public  # noqa: F401
    from app.teams import models as _teams  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.accounts.verification import bp as verification_bp
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.api import init_api
    from app.bulk.views import bp as bulk_bp
    from app.hackathons.views import bp as hackathons_bp
    from app.ideas.views import bp as ideas_bp
    from app.judging.views import bp as judging_bp
    from app.opendata.views import bp as opendata_bp
    from app.pilots.views import bp as pilots_bp
    from app.privacy.views import bp as privacy_bp
    from app.programme.views import bp as programme_bp
    from app.public.views import bp as public_bp
    from app.search.views import bp as search_bp
    from app.teams.views import bp as teams_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(verification_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(hackathons_bp, url_prefix="/hackathons")
    app.register_blueprint(teams_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(judging_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(pilots_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(bulk_bp)
    init_api(app)
