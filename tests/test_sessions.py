"""Signing in and out: same answer for unknown and wrong, security log, remember me,
a saved cookie dies at sign-out, a disabled user is out at once."""

from __future__ import annotations

import logging

from tests.conftest import DEFAULT_PASSWORD, login

HOST = "talka.test"


def cookie(client, name):
    found = client.get_cookie(name, domain=HOST)
    return found.value if found else None


def replay(app, cookies: dict):
    """A fresh browser that carries only the given (saved) cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        if value is not None:
            other.set_cookie(name, value, domain=HOST)
    return other


def is_signed_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    return False


def security_events(caplog):
    return [r for r in caplog.records if r.name == "talka.security"]


# --- the answer does not tell which accounts exist -----------------------------------

def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user("known@example.lv")
    disabled = make_user("disabled@example.lv")
    from app.core.clock import now_utc
    from app.extensions import db

    disabled.disabled_at = now_utc()
    db.session.commit()

    def answer(email, password):
        response = client.post("/login", data={"email": email, "password": password})
        return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")

    unknown = answer("nobody@example.lv", "some long password here")
    wrong = answer(user.email, "some long password here")
    off = answer(disabled.email, DEFAULT_PASSWORD)
    assert unknown == wrong == off
    assert unknown[0] == 422
    assert not is_signed_in(client)


def test_wrong_password_does_not_sign_in(client, make_user):
    user = make_user()
    response = login(client, user, password="not the right password")
    assert response.status_code == 422
    assert not is_signed_in(client)


# --- the security log -----------------------------------------------------------------

def test_sign_in_is_logged_with_address_and_without_password(client, make_user, caplog):
    caplog.set_level(logging.INFO, logger="talka.security")
    user = make_user()
    client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                environ_base={"REMOTE_ADDR": "192.0.2.7"})
    events = [r for r in security_events(caplog) if r.event == "sign_in"]
    assert len(events) == 1
    assert events[0].fields["user_id"] == user.id
    assert events[0].fields["ip"] == "192.0.2.7"
    assert all(DEFAULT_PASSWORD not in r.getMessage() for r in caplog.records)


def test_failed_sign_in_is_logged_with_address_and_without_password(client, make_user,
                                                                    caplog):
    caplog.set_level(logging.INFO, logger="talka.security")
    user = make_user()
    attempt = "my secret guess 12345"
    client.post("/login", data={"email": user.email, "password": attempt},
                environ_base={"REMOTE_ADDR": "198.51.100.9"})
    client.post("/login", data={"email": "ghost@example.lv", "password": attempt},
                environ_base={"REMOTE_ADDR": "198.51.100.9"})
    events = [r for r in security_events(caplog) if r.event == "sign_in_failed"]
    assert [e.fields["email"] for e in events] == [user.email, "ghost@example.lv"]
    assert all(e.fields["ip"] == "198.51.100.9" for e in events)
    assert not any(r.event == "sign_in" for r in security_events(caplog))
    for record in caplog.records:
        assert attempt not in record.getMessage()
        assert attempt not in repr(getattr(record, "fields", ""))


def test_signing_out_is_logged(client, signed_in, caplog):
    user = signed_in()
    caplog.set_level(logging.INFO, logger="talka.security")
    client.post("/logout")
    assert any(r.event == "sign_out" and r.fields["user_id"] == user.id
               for r in security_events(caplog))


# --- remember me ------------------------------------------------------------------------

def test_remember_me_sets_a_lasting_cookie(client, make_user):
    user = make_user()
    response = login(client, user, remember=True)
    assert response.status_code == 302
    remember = [h for h in response.headers.getlist("Set-Cookie")
                if h.startswith("remember_token=")]
    assert remember, "no remember cookie"
    assert "Expires=" in remember[0]
    assert "HttpOnly" in remember[0]


def test_without_remember_me_there_is_no_remember_cookie(client, make_user):
    response = login(client, make_user())
    assert not any(h.startswith("remember_token=")
                   for h in response.headers.getlist("Set-Cookie"))


def test_remember_cookie_alone_signs_the_browser_in_again(app, client, make_user):
    login(client, make_user(), remember=True)
    returning = replay(app, {"remember_token": cookie(client, "remember_token")})
    assert is_signed_in(returning)


# --- signing out really ends the session -------------------------------------------------

def test_signed_out_cookie_no_longer_works(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    saved = {"session": cookie(client, "session"),
             "remember_token": cookie(client, "remember_token")}
    assert saved["session"] and saved["remember_token"]
    assert is_signed_in(replay(app, saved)), "the copied cookies should work before sign-out"

    response = client.post("/logout")
    assert response.status_code == 302
    assert not is_signed_in(client)

    assert not is_signed_in(replay(app, saved))
    assert not is_signed_in(replay(app, {"session": saved["session"]}))
    assert not is_signed_in(replay(app, {"remember_token": saved["remember_token"]}))


def test_sign_out_clears_the_remember_cookie_in_the_browser(client, make_user):
    login(client, make_user(), remember=True)
    response = client.post("/logout")
    cleared = [h for h in response.headers.getlist("Set-Cookie")
               if h.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert cookie(client, "remember_token") is None


def test_signing_out_on_one_device_keeps_the_other_signed_in(app, client, make_user):
    user = make_user()
    login(client, user)
    laptop = app.test_client()
    login(laptop, user)
    client.post("/logout")
    assert not is_signed_in(client)
    assert is_signed_in(laptop)


def test_logout_is_post_only(client, signed_in):
    signed_in()
    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


def test_session_token_changes_at_each_sign_in(client, make_user):
    user = make_user()

    def session_token():
        with client.session_transaction() as session:
            return session.get("_user_id")

    with client.session_transaction() as session:
        session["_user_id"] = "planted-by-an-attacker"
    login(client, user)
    first = session_token()
    login(client, user)
    second = session_token()
    assert first and second
    assert len({"planted-by-an-attacker", first, second}) == 3


def test_next_after_sign_in_goes_to_our_own_page(client, make_user):
    user = make_user()
    response = client.post("/login?next=/account", data={
        "email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"].endswith("/account")


def test_next_after_sign_in_never_leaves_the_site(app, client, make_user):
    user = make_user()
    for target in ("//evil.example", "https://evil.example", "/\\evil", "javascript:alert(1)",
                   "http://talka.test.evil.example/", "/\tevil", "\\\\evil.example"):
        fresh = app.test_client()
        response = fresh.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                             "next": target})
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location in ("/", "http://talka.test/"), (target, location)


def test_a_protected_page_sends_an_anonymous_visitor_to_sign_in_and_back(client, make_user):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


# --- an admin disabling a user ------------------------------------------------------------

def test_disabling_a_user_ends_their_sessions_and_tokens(app, client, make_user, token_for):
    user = make_user()
    login(client, user, remember=True)
    saved_remember = cookie(client, "remember_token")
    headers = token_for(user)
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200

    admin_browser = app.test_client()
    login(admin_browser, make_user(role="admin"))
    response = admin_browser.post(f"/admin/users/{user.id}/disable")
    assert response.status_code == 302

    assert not is_signed_in(client)
    assert not is_signed_in(replay(app, {"remember_token": saved_remember}))
    api_answer = app.test_client().get("/api/v1/me", headers=headers)
    assert api_answer.status_code == 401
    assert api_answer.mimetype == "application/problem+json"
    assert login(app.test_client(), user).status_code == 422


def test_an_enabled_user_can_sign_in_again(app, client, make_user):
    user = make_user()
    admin_browser = app.test_client()
    login(admin_browser, make_user(role="admin"))
    admin_browser.post(f"/admin/users/{user.id}/disable")
    admin_browser.post(f"/admin/users/{user.id}/enable")
    assert login(client, user).status_code == 302
    assert is_signed_in(client)


def test_sign_out_on_all_other_devices_keeps_this_one(app, client, make_user):
    user = make_user()
    login(client, user)
    phone = app.test_client()
    login(phone, user)
    response = client.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(phone)


def test_the_language_chosen_before_sign_in_is_kept(client, make_user):
    user = make_user(locale="lv")
    client.get("/en/?lang=en")  # the language switcher
    login(client, user)
    # The first Latvian address after signing in leads (once) to the English one.
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/en/"
    assert '<html lang="en">' in client.get("/en/").get_data(as_text=True)


def test_the_account_page_lists_the_signed_in_devices(app, client, make_user):
    user = make_user()
    login(client, user)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
               environ_base={"REMOTE_ADDR": "192.0.2.44"})
    html = client.get("/account").get_data(as_text=True)
    assert "192.0.2.44" in html


def test_a_signed_in_page_finds_its_reader_her_roles_and_her_juries_in_one_query(
        client, make_user, count_queries):
    """The user, her roles and whether she sits on a jury (the navigation's “My reviews”)
    are asked for on every signed-in page, and come from one query; a judge added to a
    jury sees the link on her next page."""
    from app.accounts import operations as ops
    from app.accounts.models import Role
    from app.extensions import db
    from app.judging.models import JuryMember
    from tests.factories_hackathons import make_hackathon

    user = make_user(email="velak.vertetaja@example.lv", role="coordinator",
                     region="kurzeme", municipality="Dobeles novads")
    ops.grant_role(user, Role.COORDINATOR, "zemgale", actor=None)
    ops.grant_role(user, Role.ADMIN, None, actor=None)
    db.session.commit()
    login(client, user)
    with count_queries() as counter:
        page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/reviews"' not in page
    assert 'href="/admin' in page  # every role came with her: the last of three too
    reader = [s for s in counter.statements if "user_session" in s]
    assert len(reader) == 1, reader
    assert "role_grant" in reader[0] and "jury_member" in reader[0]
    assert not [s for s in counter.statements if "jury_member" in s and s not in reader]

    db.session.add(JuryMember(hackathon_id=make_hackathon(region="kurzeme").id, user_id=user.id))
    db.session.commit()
    assert 'href="/reviews"' in client.get("/privacy").get_data(as_text=True)
