"""Fixtures: the app on SQLite (or TEST_DATABASE_URL), a clean database per test,
factories, captured mail (the outbox) and query counting."""

from __future__ import annotations

import contextvars
import os
import re
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DEFAULT_PASSWORD = "a long and quiet evening"


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def test_config(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": str(instance / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; scrypt in real use
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "talka.test",
        "MAIL_SERVER": "",
    }


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as it does in production.

    Without this, a request would reuse the test's app context, and with it the
    test's `g` and database session: cached users and stale objects would leak
    between "browsers". Before a request the test's own work is committed (so
    the request sees it); afterwards the test's objects are expired (so the test
    sees what the request changed).
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(test_config):
    app = create_app(test_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _clean_tables():
    # DELETE in reverse dependency order: on small tables it is much cheaper than
    # TRUNCATE, which takes heavy locks on PostgreSQL. Ids are not reset; tests
    # must not depend on them.
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture(autouse=True)
def db(app):
    """A clean database with the reference data, inside an app context."""
    from app.places.operations import load_reference_data
    from app.public.cache import forget_recent_state, page_cache
    from app.public.summaries import forget_summaries

    page_cache.clear()  # pages kept by an earlier test's app
    forget_recent_state()
    forget_summaries()  # an emptied database may start again at an earlier test's state
    with app.app_context():
        _clean_tables()
        load_reference_data()
        _db.session.commit()
        limiter.reset()
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def read_in_english(client):
    """From now on `client` asks for the English addresses (/en/…) of the pages it opens:
    the language is in the address. Language-neutral addresses (/api, /static...) and
    addresses that already name a language are left as they are."""
    from app.core import language

    if getattr(client, "reads_english", False):
        return client
    original = client.open

    def open_english(*args, **kwargs):
        if args and isinstance(args[0], str) and args[0].startswith("/"):
            path = args[0]
            if language.split(path.split("?")[0])[0] == language.LATVIAN and not (
                    language.is_language_neutral(path.split("?")[0])):
                args = (language.PREFIX + (path if path != "/" else "/"), *args[1:])
        return original(*args, **kwargs)

    client.open = open_english
    client.reads_english = True
    return client


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# --- factories ---------------------------------------------------------------------

def municipality(name: str):
    from app.places.models import Municipality

    return _db.session.scalar(select(Municipality).where(Municipality.name == name))


_counter = {"n": 0}


@pytest.fixture
def make_user(db):
    """make_user(role="coordinator", region="kurzeme", municipality="Dobeles novads", ...)."""
    from app.accounts import operations as ops
    from app.accounts.models import Role

    def factory(email=None, *, name="Test Lietotājs", role=None, region=None,
                municipality=None, confirmed=True, password=DEFAULT_PASSWORD, locale="lv"):
        _counter["n"] += 1
        email = email or f"user{_counter['n']}@example.lv"
        user = ops.create_user(email, name, password, municipality_name=municipality)
        user.locale = locale
        if not confirmed:
            user.email_confirmed_at = None
        if role:
            ops.grant_role(user, Role(role), region, actor=None)
        _db.session.commit()
        return user

    return factory


def login(client, user_or_email, password=DEFAULT_PASSWORD, remember=False):
    """Sign in; a user whose language is English then reads the English addresses, as their
    browser does (sent there once from the first Latvian one, kept there by every link)."""
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/login", data={"email": email, "password": password,
                                           "remember": "y" if remember else ""})
    if response.status_code == 302 and getattr(user_or_email, "locale", None) == "en":
        read_in_english(client)
    return response


@pytest.fixture
def signed_in(client, make_user):
    """signed_in(role=..., ...) → the user, with `client` signed in as them."""

    def factory(**kwargs):
        user = make_user(**kwargs)
        response = login(client, user)
        assert response.status_code == 302, response.data
        return user

    return factory


@pytest.fixture
def token_for(db):
    """token_for(user) → headers with a fresh bearer token."""
    from app.accounts.operations import create_api_token

    def factory(user):
        _token, raw = create_api_token(user, "tests")
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return factory


@pytest.fixture
def outbox(db):
    """outbox() → the e-mails sent so far, oldest first."""
    from app.mail.models import OutboxMessage

    def read(recipient=None):
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        _db.session.expire_all()
        return list(_db.session.scalars(query))

    return read


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in an e-mail that starts with `path_prefix`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", message.body)
    assert match, f"no {path_prefix} link in: {message.body}"
    return match.group(1)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    class Counter:
        count = 0
        statements: list[str]

    @contextmanager
    def counting():
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.count += 1
                counter.statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
