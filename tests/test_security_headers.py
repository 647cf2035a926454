"""What every response carries and reveals: security headers, cookie flags, CSRF
refusals, and localised error pages that show no internals."""

from __future__ import annotations

import re

import pytest
from flask import abort, request
from markupsafe import escape
from sqlalchemy import func, select, text

from app import create_app
from app.accounts.models import User
from app.core import access
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD, login, read_in_english


def in_latvian(message: str) -> str:
    from flask_babel import force_locale, gettext

    with force_locale("lv"):
        return str(escape(gettext(message)))


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in_with_csrf(client, user):
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return response


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


# --- headers ---------------------------------------------------------------------------

def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"


def test_every_kind_of_response_carries_the_security_headers(client, make_user):
    user = make_user()
    responses = [
        client.get("/"),
        client.get("/login"),
        client.get("/register"),
        client.post("/login", data={"email": user.email, "password": "wrong but long enough"}),
        client.get("/no-such-page"),
        client.get("/account"),  # a redirect to sign in
        client.get("/static/css/talka.css"),
        client.get("/api/v1/regions"),
        client.get("/api/v1/me"),  # a 401 problem
        client.get("/api/v1/openapi.json"),
        client.get("/healthz"),
        client.get("/logout"),  # 405
    ]
    for response in responses:
        assert_security_headers(response)


def test_signed_in_pages_are_not_cached(client, signed_in):
    signed_in()
    for path in ("/account", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    for path in ("/", "/login", "/api/v1/regions"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path


def test_pages_have_no_inline_scripts_or_styles(client, signed_in):
    signed_in(role="admin")
    for path in ("/", "/login", "/register", "/password-reset", "/account", "/admin/",
                 "/admin/users", "/admin/places", "/admin/outbox", "/admin/audit"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


# --- cookies ---------------------------------------------------------------------------------

def set_cookie(response, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = login(client, make_user(), remember=True)
    for name in ("session", "remember_token"):
        header = set_cookie(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header


@pytest.fixture
def production_app(test_config, tmp_path):
    config = {key: value for key, value in test_config.items()
              if key not in ("TESTING", "WTF_CSRF_ENABLED")}
    config.update({"TALKA_ENV": "production", "SECRET_KEY": "a production secret " * 3,
                   "SITE_URL": "https://talka.test", "INSTANCE_PATH": str(tmp_path)})
    return create_app(config)


def test_cookies_are_secure_in_production(production_app, make_user):
    user = make_user()
    browser = production_app.test_client()
    browser.environ_base["wsgi.url_scheme"] = "https"
    page = browser.get("/login")
    assert "Secure" in set_cookie(page, "session")
    response = browser.post("/login", data={
        "email": user.email, "password": DEFAULT_PASSWORD, "remember": "y",
        "csrf_token": csrf_token_in(page.get_data(as_text=True))},
        headers={"Referer": "https://talka.test/login"})  # CSRF over HTTPS checks it
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        header = set_cookie(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "max-age" in response.headers.get("Strict-Transport-Security", "")


def test_cookies_are_not_marked_secure_in_development(client, make_user):
    assert "Secure" not in set_cookie(login(client, make_user()), "session")


# --- CSRF ------------------------------------------------------------------------------------

def assert_csrf_refusal(response):
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert in_latvian("The request could not be understood") in html
    assert in_latvian("The form's security token is missing or has expired. Go back, reload "
                      "the page and send the form again; copy your text first if it is "
                      "long.") in html
    assert "CSRF" not in html


def test_sign_in_without_csrf_token_is_refused(client, make_user, csrf_enabled):
    user = make_user()
    assert_csrf_refusal(client.post("/login", data={"email": user.email,
                                                    "password": DEFAULT_PASSWORD}))
    assert not is_signed_in(client)
    sign_in_with_csrf(client, user)  # with the token it works
    assert is_signed_in(client)


def test_registration_without_csrf_token_creates_nothing(client, outbox, csrf_enabled):
    before = db.session.scalar(select(func.count(User.id)))
    assert_csrf_refusal(client.post("/register", data={
        "name": "Ilze", "email": "ilze@example.lv", "locale": "lv",
        "password": DEFAULT_PASSWORD, "password_again": DEFAULT_PASSWORD}))
    assert db.session.scalar(select(func.count(User.id))) == before
    assert outbox() == []


def test_sign_out_without_csrf_token_keeps_the_session(client, make_user, csrf_enabled):
    sign_in_with_csrf(client, make_user())
    assert_csrf_refusal(client.post("/logout"))
    assert is_signed_in(client)
    token = csrf_token_in(client.get("/account").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    assert not is_signed_in(client)


def test_profile_change_without_csrf_token_changes_nothing(client, make_user, csrf_enabled):
    user = make_user(name="Jānis Bērziņš")
    sign_in_with_csrf(client, user)
    assert_csrf_refusal(client.post("/account/profile", data={"name": "Hacked", "locale": "en"}))
    db.session.expire_all()
    assert (db.session.get(User, user.id).name, db.session.get(User, user.id).locale) == (
        "Jānis Bērziņš", "lv")


def test_csrf_refusal_follows_the_chosen_language(client, make_user, csrf_enabled):
    # Anonymous pages carry no token (they are cached): a form posted from one is refused
    # in the language of its address.
    response = client.post("/en/login", data={"email": "a@example.lv", "password": "x"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "security token is missing or has expired" in html


# --- error pages -------------------------------------------------------------------------------

SECRET = "internal detail: database password hunter2"


@pytest.fixture
def probe_app(test_config):
    """A separate app with two test-only pages: one that crashes, one that reads JSON."""
    other = create_app(test_config)

    @access.public
    def crash():
        raise RuntimeError(SECRET)

    @access.public
    def read_json():
        return {"got": request.get_json()}

    @access.public
    def bad_request():
        abort(400, description=SECRET)

    @access.public
    def database_error():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))

    other.add_url_rule("/__crash", "crash", crash)
    other.add_url_rule("/__database_error", "database_error", database_error)
    other.add_url_rule("/__json", "read_json", read_json, methods=["POST"])
    other.add_url_rule("/__bad", "bad_request", bad_request)
    return other


def provoke(kind: str, browser, app, user):
    """Make `browser` receive the error page for `kind`."""
    if kind == 400:
        return browser.post("/__json", data="{not json", content_type="application/json")
    if kind == "400-detail":
        return browser.get("/__bad")
    if kind == 403:
        return browser.get("/admin/users")
    if kind == 404:
        return browser.get("/no-such-page/../nothing-here")
    if kind == 413:
        app.config["MAX_CONTENT_LENGTH"] = 2048
        return browser.post("/login", data={"email": user.email, "password": "x" * 5000})
    if kind == 429:
        for _ in range(6):
            response = browser.post("/login", data={"email": user.email,
                                                    "password": "wrong but long enough"})
        return response
    if kind == 500:
        return browser.get("/__crash")
    raise AssertionError(kind)


ERROR_TITLES = {
    400: "The request could not be understood",
    "400-detail": "The request could not be understood",
    403: "Access denied",
    404: "Page not found",
    413: "The file or request is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


@pytest.mark.parametrize("kind", list(ERROR_TITLES))
def test_error_pages_are_latvian_then_english_and_show_no_internals(kind, probe_app,
                                                                    make_user):
    status = 400 if kind == "400-detail" else kind
    user = make_user()
    browser = probe_app.test_client()
    if kind == 403:
        login(browser, user)
    title = ERROR_TITLES[kind]

    response = provoke(kind, browser, probe_app, user)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert in_latvian(title) in html
    assert title not in html, "the Latvian page shows the English title"
    for internal in (SECRET, "hunter2", "Traceback", "RuntimeError", "Werkzeug", "werkzeug",
                     "Failed to decode", "The requested URL"):
        assert internal not in html

    read_in_english(browser)  # the same requests at the English addresses
    probe_app.config["MAX_CONTENT_LENGTH"] = None
    response = provoke(kind, browser, probe_app, user)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert title in html
    assert SECRET not in html and "Traceback" not in html


def test_a_database_error_gets_the_500_page_for_a_signed_in_user(probe_app, make_user):
    browser = probe_app.test_client()
    login(browser, make_user(name="Ilze Vītola"))
    response = browser.get("/__database_error")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert in_latvian("Something went wrong on our side") in html
    assert "Ilze Vītola" in html  # the page still knows who is signed in
    assert "no_such_table" not in html


def test_an_unexpected_error_is_logged_for_the_operators(probe_app, caplog):
    probe_app.test_client().get("/__crash")
    assert any(r.name == "talka" and r.exc_info for r in caplog.records)
