"""Accounts: registration and confirmation, password reset and change, profile,
the language switch and personal API tokens."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import func, select

from app.accounts.models import ApiToken, User, token_digest
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD, link_in, login, municipality

NEW_PASSWORD = "rain on the roof of the barn"


def in_latvian(message: str, **variables) -> str:
    """The message as the Latvian catalog has it, escaped as a page shows it."""
    from flask_babel import force_locale, gettext

    with force_locale("lv"):
        return str(escape(gettext(message, **variables)))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def registration(**changes) -> dict:
    data = {"name": "Ilze Vītola", "email": "ilze.vitola@valmiera.lv", "municipality_id": "",
            "locale": "lv", "password": DEFAULT_PASSWORD, "password_again": DEFAULT_PASSWORD}
    data.update(changes)
    return data


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# --- registration ------------------------------------------------------------------

def test_the_municipalities_to_choose_from_are_in_latvian_alphabetical_order(client):
    page = client.get("/register").get_data(as_text=True)
    names = ("Ādažu novads", "Aizkraukles novads", "Kuldīgas novads", "Ķekavas novads")
    positions = [page.index(f">{name}</option>") for name in names]
    assert positions == sorted(positions)  # long vowels sort with theirs; Ķ comes after K


def test_registration_emails_a_confirmation_link(client, outbox):
    valmiera = municipality("Valmieras novads")
    response = client.post("/register", data=registration(municipality_id=str(valmiera.id)))
    assert response.status_code == 200
    assert in_latvian("Check your e-mail") in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ilze.vitola@valmiera.lv"))
    assert user is not None and not user.is_confirmed
    assert user.municipality_id == valmiera.id
    assert user.password_hash != DEFAULT_PASSWORD
    messages = outbox("ilze.vitola@valmiera.lv")
    assert len(messages) == 1
    assert link_in(messages[0], "/confirm/")


def test_confirmation_link_shows_a_button_and_confirms_only_on_post(client, outbox):
    client.post("/register", data=registration())
    link = link_in(outbox()[0], "/confirm/")

    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'method="post"' in html
    assert in_latvian("Confirm my e-mail address") in html
    user = db.session.scalar(select(User).where(User.email == "ilze.vitola@valmiera.lv"))
    assert not reload(user).is_confirmed

    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert reload(user).is_confirmed
    assert login(client, "ilze.vitola@valmiera.lv").status_code == 302


def test_a_tampered_confirmation_link_is_refused_clearly(client, outbox):
    client.post("/register", data=registration())
    link = link_in(outbox()[0], "/confirm/")
    response = client.post(link[:-3] + "xyz")
    assert response.status_code == 409
    assert in_latvian("This link is not valid. Copy the whole link from the e-mail, "
                      "or ask for a new one.") in response.get_data(as_text=True)


def test_unconfirmed_user_cannot_sign_in_and_can_ask_for_a_new_link(client, make_user, outbox):
    user = make_user("new@example.lv", confirmed=False)
    response = login(client, user)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert in_latvian("Confirm your e-mail address first: open the link we sent you. You can "
                      "ask for a new link below.") in html
    assert in_latvian("Send the confirmation link again") in html
    assert not is_signed_in(client)

    response = client.post("/confirm/resend", data={"email": user.email})
    assert response.status_code == 200
    messages = outbox(user.email)
    assert len(messages) == 1
    client.post(link_in(messages[0], "/confirm/"))
    assert login(client, user).status_code == 302
    assert is_signed_in(client)


def test_registering_an_existing_email_answers_the_same_and_tells_the_owner(client, make_user,
                                                                          outbox):
    owner = make_user("taken@example.lv", name="Jānis Bērziņš")
    before = user_count()

    fresh = client.post("/register", data=registration(email="fresh@example.lv"))
    taken = client.post("/register", data=registration(email="Taken@Example.LV"))

    assert fresh.status_code == taken.status_code == 200
    assert (fresh.get_data(as_text=True).replace("fresh@example.lv", "EMAIL")
            == taken.get_data(as_text=True).replace("taken@example.lv", "EMAIL"))
    assert user_count() == before + 1  # only the fresh one
    assert reload(owner).name == "Jānis Bērziņš"
    assert reload(owner).password_hash == owner.password_hash
    to_owner = outbox(owner.email)
    assert len(to_owner) == 1
    assert "/confirm/" not in to_owner[0].body
    assert link_in(to_owner[0], "/password-reset")


@pytest.mark.parametrize(
    ("changes", "message", "variables"),
    [
        ({"name": ""}, "Enter your name.", {}),
        ({"name": "   "}, "Enter your name.", {}),
        ({"name": "Ā" * 121}, "Use at most %(max)d characters.", {"max": 120}),
        ({"email": "not-an-email"}, "Enter an e-mail address like name@example.lv.", {}),
        ({"email": "two@@example.lv"}, "Enter an e-mail address like name@example.lv.", {}),
        ({"email": ""}, "Fill in this field.", {}),
        ({"password": "elevenchars", "password_again": "elevenchars"},
         "Use at least %(n)d characters. A short sentence is easy to remember.", {"n": 12}),
        ({"password": "password1234", "password_again": "password1234"},
         "This password is among the most commonly used ones. Choose another.", {}),
        ({"password_again": "a long and quiet morning"}, "The passwords differ.", {}),
    ],
    ids=["empty-name", "blank-name", "long-name", "malformed-email", "double-at",
         "empty-email", "short-password", "common-password", "mismatch"],
)
def test_bad_registration_is_refused_with_a_clear_message(client, outbox, changes, message,
                                                          variables):
    before = user_count()
    response = client.post("/register", data=registration(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert in_latvian(message, **variables) in html
    assert user_count() == before
    assert outbox() == []


def test_a_long_name_is_refused_with_the_limit_never_cut_short(client):
    # A maxlength attribute would make the browser drop the end of the name unseen.
    form = client.get("/register").get_data(as_text=True)
    name_input = form[form.index('id="name"') - 200:form.index('id="name"') + 200]
    assert "maxlength" not in name_input
    long_name = "Anna Marija " + "Bērziņa-" * 15
    response = client.post("/register", data=registration(name=long_name))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert in_latvian("Use at most %(max)d characters.", max=120) in html
    assert f'value="{long_name}"' in html
    assert user_count() == 0


def test_the_sign_in_error_summary_says_each_problem_once_without_a_bare_colon(client,
                                                                              make_user):
    user = make_user()
    html = client.post("/login", data={"email": user.email, "password": "wrong one"}
                       ).get_data(as_text=True)
    start = html.index('id="form-errors"')
    summary = html[start:html.index("</ul>", start)]
    assert ">: " not in summary
    assert summary.count(in_latvian("The e-mail address or the password is not correct.")) == 1


def test_registration_messages_follow_the_pages_language(client):
    response = client.post("/en/register", data=registration(password="elevenchars",
                                                          password_again="elevenchars"))
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Use at least 12 characters." in html


# --- password reset -------------------------------------------------------------------

def _reset_link(client, outbox, user) -> str:
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == 200
    messages = outbox(user.email)
    assert len(messages) == 1
    return link_in(messages[0], "/password-reset/")


def test_password_reset_link_sets_a_new_password(client, make_user, outbox):
    user = make_user()
    link = _reset_link(client, outbox, user)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert login(client, user).status_code == 422  # the old password is gone
    assert login(client, user, password=NEW_PASSWORD).status_code == 302


def test_password_reset_link_works_only_once(client, make_user, outbox):
    user = make_user()
    link = _reset_link(client, outbox, user)
    client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    again = client.get(link)
    assert again.status_code == 409
    assert in_latvian("This link has already been used or is no longer valid. Ask for a new "
                      "one.") in again.get_data(as_text=True)
    other = "another quiet evening in riga"
    assert client.post(link, data={"password": other, "password_again": other}).status_code == 409
    assert login(client, user, password=other).status_code == 422
    assert login(client, user, password=NEW_PASSWORD).status_code == 302


def test_an_expired_reset_link_is_refused_clearly(app, client, make_user):
    user = make_user()

    class SignedTwoHoursAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 2 * 60 * 60

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="talka-reset",
                                        signer=SignedTwoHoursAgo)
    token = serializer.dumps({"u": user.id, "v": user.password_version})
    response = client.get(f"/password-reset/{token}")
    assert response.status_code == 409
    assert in_latvian("This link has expired. Ask for a new one.") in response.get_data(
        as_text=True)
    response = client.post(f"/password-reset/{token}",
                           data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 409
    assert login(client, user, password=NEW_PASSWORD).status_code == 422


def test_a_short_reset_lifetime_expires_the_emailed_link(app, client, make_user, outbox,
                                                        monkeypatch):
    user = make_user()
    link = _reset_link(client, outbox, user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 409
    assert in_latvian("This link has expired. Ask for a new one.") in response.get_data(
        as_text=True)


def test_reset_for_an_unknown_email_answers_the_same_and_sends_nothing(client, make_user,
                                                                      outbox):
    user = make_user("known@example.lv")
    known = client.post("/password-reset", data={"email": user.email})
    unknown = client.post("/password-reset", data={"email": "ghost@example.lv"})
    assert known.status_code == unknown.status_code == 200
    assert (known.get_data(as_text=True).replace(user.email, "EMAIL")
            == unknown.get_data(as_text=True).replace("ghost@example.lv", "EMAIL"))
    assert [m.recipient for m in outbox()] == [user.email]


def test_password_reset_ends_every_session(app, client, make_user, outbox):
    user = make_user()
    login(client, user, remember=True)
    stranger = app.test_client()
    link = _reset_link(stranger, outbox, user)
    stranger.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert not is_signed_in(client)


def test_a_weak_password_from_a_reset_link_is_refused(client, make_user, outbox):
    user = make_user()
    link = _reset_link(client, outbox, user)
    response = client.post(link, data={"password": "password1234",
                                       "password_again": "password1234"})
    assert response.status_code == 422
    assert in_latvian("This password is among the most commonly used ones. Choose "
                      "another.") in response.get_data(as_text=True)
    assert login(client, user).status_code == 302  # old password still works


# --- change password ------------------------------------------------------------------

def test_changing_password_needs_the_current_one(client, signed_in):
    user = signed_in()
    response = client.post("/account/password", data={
        "current_password": "not my password at all", "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD})
    assert response.status_code == 422
    assert in_latvian("The current password is not correct.") in response.get_data(as_text=True)
    assert reload(user).password_hash == user.password_hash


def test_changing_password_keeps_this_session_and_ends_the_others(app, client, signed_in):
    user = signed_in()
    phone = app.test_client()
    login(phone, user)
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(phone)
    assert login(app.test_client(), user, password=NEW_PASSWORD).status_code == 302


# --- profile and language ---------------------------------------------------------------

def test_profile_saves_name_municipality_and_language(client, signed_in):
    user = signed_in()
    dobele = municipality("Dobeles novads")
    response = client.post("/account/profile", data={
        "name": "  Jānis   Bērziņš ", "municipality_id": str(dobele.id), "locale": "en"})
    assert response.status_code == 302
    user = reload(user)
    assert (user.name, user.municipality_id, user.locale) == ("Jānis Bērziņš", dobele.id, "en")
    assert response.headers["Location"].endswith("/en/account")  # in the chosen language
    page = client.get("/en/account").get_data(as_text=True)
    assert "Your profile has been saved." in page
    assert '<html lang="en">' in page
    assert "Jānis Bērziņš" in page


@pytest.mark.parametrize("municipality_id", ["999999", "abc", "99999999999999999999999"])
def test_profile_refuses_an_unknown_municipality(client, signed_in, municipality_id):
    user = signed_in()
    response = client.post("/account/profile", data={
        "name": "Jānis", "municipality_id": municipality_id, "locale": "lv"})
    assert response.status_code == 422
    assert in_latvian("Choose a municipality from the list.") in response.get_data(as_text=True)
    assert reload(user).name == user.name


def test_profile_refuses_an_over_long_name(client, signed_in):
    user = signed_in()
    response = client.post("/account/profile", data={"name": "x" * 121, "locale": "lv"})
    assert response.status_code == 422
    assert reload(user).name == user.name


def test_the_site_is_latvian_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert in_latvian("Sign in") in html


def test_the_old_language_form_leads_to_the_page_in_that_language(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/login")
    html = client.get("/en/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Forgot your password?" in html
    response = client.post("/language", data={"lang": "lv", "next": "/en/login"})
    assert response.headers["Location"].endswith("/login")
    assert "/en/" not in response.headers["Location"]
    assert '<html lang="lv">' in client.get("/").get_data(as_text=True)


def test_language_form_is_kept_as_the_signed_in_users_preference(app, client, signed_in):
    user = signed_in()
    client.post("/language", data={"lang": "en"})
    assert reload(user).locale == "en"
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    # Signed in elsewhere: the first Latvian address leads to the English one, once.
    assert other.get("/").headers["Location"] == "/en/"
    assert '<html lang="en">' in other.get("/en/").get_data(as_text=True)
    assert '<html lang="lv">' in other.get("/").get_data(as_text=True)


def test_language_switch_ignores_an_unknown_language(client):
    client.post("/language", data={"lang": "de"})
    assert '<html lang="lv">' in client.get("/").get_data(as_text=True)
    response = client.get("/?lang=de")
    assert response.status_code == 200 and '<html lang="lv">' in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil",
                                    "javascript:alert(1)", "\\/evil.example", "/\r\n/evil"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/en/", "http://talka.test/en/")


# --- personal API tokens ----------------------------------------------------------------

def test_api_token_is_shown_once_and_only_its_hash_is_stored(client, signed_in):
    user = signed_in()
    response = client.post("/account/tokens", data={"token-name": "municipal portal"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    raw = html.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("talka_") and len(raw) > 30
    assert token.token_hash == token_digest(raw)
    assert raw not in (token.token_hash, token.prefix, token.name)
    assert raw not in client.get("/account").get_data(as_text=True)

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.json["email"] == user.email


def test_revoked_api_token_gets_401(client, signed_in):
    signed_in()
    html = client.post("/account/tokens", data={"token-name": "script"}).get_data(as_text=True)
    raw = html.split('id="new-token">')[1].split("<")[0]
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 401
    assert me.mimetype == "application/problem+json"


def test_nobody_can_revoke_someone_elses_token(client, make_user, signed_in, token_for):
    owner = make_user()
    headers = token_for(owner)
    signed_in()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_an_unnamed_token_is_refused(client, signed_in):
    signed_in()
    response = client.post("/account/tokens", data={"token-name": "   "})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_using_a_token_is_shown_as_last_used(client, make_user, token_for):
    user = make_user()
    headers = token_for(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert reload(token).last_used_at is not None


def test_confirmation_email_is_in_the_chosen_language(client, outbox):
    client.post("/register", data=registration(locale="en"))
    [message] = outbox()
    assert message.subject == "Confirm your e-mail address for Talka"


def test_asking_to_resend_for_an_unknown_or_confirmed_address_sends_nothing(client, make_user,
                                                                         outbox):
    confirmed = make_user()
    unknown = client.post("/confirm/resend", data={"email": "ghost@example.lv"})
    known = client.post("/confirm/resend", data={"email": confirmed.email})
    assert unknown.status_code == known.status_code == 200
    assert outbox() == []


# --- verified municipal affiliation: notices and the API ----------------------------------------

def _ask_for_jelgava(client, person, note="Sociālais dienests") -> None:
    login(client, person)
    response = client.post("/account/verification", data={
        "municipality_id": str(municipality("Jelgava").id), "note": note})
    assert response.status_code == 302


def test_a_request_is_mailed_to_the_regions_coordinators_only(client, make_user, outbox):
    from app.accounts.models import Affiliation

    person = make_user(email="anna@gmail.example", name="Anna Bērziņa")
    zemgale = make_user(role="coordinator", region="zemgale", locale="en")
    kurzeme = make_user(role="coordinator", region="kurzeme")
    national = make_user(role="coordinator")
    _ask_for_jelgava(client, person)
    found = db.session.scalar(select(Affiliation))
    [mail] = outbox(zemgale.email)
    assert "Anna Bērziņa" in mail.subject and "Jelgava" in mail.subject
    assert "anna@gmail.example" in mail.body and "Sociālais dienests" in mail.body
    assert "http://talka.test/verifications" in mail.body
    assert outbox(kurzeme.email) == [] and outbox(national.email) == []
    assert found.status.value == "pending"


def test_a_region_without_coordinators_has_its_requests_mailed_to_national_ones(
        client, make_user, outbox):
    person = make_user(email="anna@gmail.example")
    national = make_user(role="coordinator")
    _ask_for_jelgava(client, person)
    assert len(outbox(national.email)) == 1


def test_the_person_is_told_the_decision_with_the_reason(client, app, make_user, outbox):
    from app.accounts.models import Affiliation

    person = make_user(email="anna@gmail.example", locale="en")
    zemgale = make_user(role="coordinator", region="zemgale")
    _ask_for_jelgava(client, person)
    found = db.session.scalar(select(Affiliation))
    coordinator = app.test_client()
    login(coordinator, zemgale)
    assert coordinator.post(f"/verifications/{found.id}/decline", data={
        "reason": "Nav atrasta darbinieku sarakstā."}).status_code == 302
    [mail] = outbox(person.email)
    assert "declined" in mail.subject and "Jelgava" in mail.subject
    assert "Nav atrasta darbinieku sarakstā." in mail.body
    assert "http://talka.test/account/verification" in mail.body

    _ask_for_jelgava(client, person, note="Tagad ar vadītāja apstiprinājumu")
    again = db.session.scalar(select(Affiliation).where(Affiliation.id != found.id))
    assert coordinator.post(f"/verifications/{again.id}/approve").status_code == 302
    mails = outbox(person.email)
    assert len(mails) == 2 and "You are verified as working for Jelgava" in mails[1].subject


def test_the_api_lists_approves_and_declines_with_the_pages_rule(client, make_user, token_for,
                                                                 outbox):
    from app.accounts.models import Affiliation, AffiliationStatus

    jelgava, liepaja = municipality("Jelgava"), municipality("Liepāja")
    anna = make_user(email="anna@gmail.example")
    juris = make_user(email="juris@gmail.example")
    zemgale = make_user(role="coordinator", region="zemgale")
    kurzeme = make_user(role="coordinator", region="kurzeme")
    for person, place in ((anna, jelgava), (juris, liepaja)):
        login(client, person)
        client.post("/account/verification", data={"municipality_id": str(place.id)})
    annas = db.session.scalar(select(Affiliation).where(Affiliation.user_id == anna.id))
    mine = client.get("/api/v1/verifications", headers=token_for(zemgale)).get_json()
    assert mine["total"] == 1 and mine["items"][0]["id"] == annas.id
    assert mine["items"][0]["user"]["email"] == "anna@gmail.example"
    assert mine["items"][0]["municipality"] == {"id": jelgava.id, "name": "Jelgava",
                                                "region": "zemgale"}
    assert client.get("/api/v1/verifications", headers=token_for(anna)).status_code == 403

    url = f"/api/v1/verifications/{annas.id}"
    assert client.post(f"{url}/approve", headers=token_for(kurzeme)).status_code == 403
    assert client.post(f"{url}/approve", headers=token_for(anna)).status_code == 403
    assert client.post("/api/v1/verifications/999999/approve",
                       headers=token_for(zemgale)).status_code == 404
    refused = client.post(f"{url}/decline", json={"reason": " "}, headers=token_for(zemgale))
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    declined = client.post(f"{url}/decline", json={"reason": "Nav darbiniece."},
                           headers=token_for(zemgale))
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "declined"
    assert declined.get_json()["reason"] == "Nav darbiniece."
    assert client.post(f"{url}/approve", headers=token_for(zemgale)).status_code == 409
    assert len(outbox(anna.email)) == 1

    juris_request = db.session.scalar(select(Affiliation).where(Affiliation.user_id == juris.id))
    approved = client.post(f"/api/v1/verifications/{juris_request.id}/approve",
                           headers=token_for(kurzeme))
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    db.session.expire_all()
    assert db.session.get(Affiliation, juris_request.id).status == AffiliationStatus.APPROVED


def test_the_verification_endpoints_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/verifications", "/api/v1/verifications/{affiliation_id}/approve",
            "/api/v1/verifications/{affiliation_id}/decline"} <= set(spec["paths"])
    assert "AffiliationPage" in spec["components"]["schemas"]
    decline = spec["paths"]["/api/v1/verifications/{affiliation_id}/decline"]["post"]
    assert "requestBody" in decline
