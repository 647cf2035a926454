"""Journey: a municipal employee registers, confirms the e-mail from the outbox, signs in,
edits the profile, creates an API token and sees it once, and signs out.

In Latvian (the default) and in English (chosen with the language switch before
registering, then kept as the account's preferred language).
"""

from __future__ import annotations

import pytest

from app.core.language import localised
from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "zaļā ābele pie Daugavas"

TEXT = {
    "lv": {
        "register": "Reģistrēties",
        "create_account": "Izveidot kontu",
        "name": "Vārds un uzvārds",
        "email": "E-pasta adrese",
        "municipality": "Pašvaldība, kurā strādājat",
        "language": "Vēlamā valoda",
        "language_option": "Latviešu",
        "password": "Parole",
        "password_again": "Parole vēlreiz",
        "check_email": "Pārbaudiet e-pastu",
        "mail_subject": "Apstipriniet savu e-pasta adresi Talkā",
        "confirm_heading": "Apstipriniet e-pasta adresi",
        "confirm_button": "Apstiprināt manu e-pasta adresi",
        "confirmed": "Jūsu e-pasta adrese ir apstiprināta. Tagad varat pieslēgties.",
        "sign_in": "Pieslēgties",
        "my_account": "Mans konts",
        "save_profile": "Saglabāt profilu",
        "profile_saved": "Jūsu profils ir saglabāts.",
        "token_name": "Pilnvaras nosaukums",
        "create_token": "Izveidot pilnvaru",
        "token_once": "Jūsu jaunā pilnvara. Nokopējiet to tūlīt: vēlreiz tā netiks parādīta.",
        "sign_out": "Atslēgties",
        "signed_out": "Jūs esat atslēdzies.",
    },
    "en": {
        "register": "Register",
        "create_account": "Create an account",
        "name": "Name and surname",
        "email": "E-mail address",
        "municipality": "Municipality you work for",
        "language": "Preferred language",
        "language_option": "English",
        "password": "Password",
        "password_again": "Password again",
        "check_email": "Check your e-mail",
        "mail_subject": "Confirm your e-mail address for Talka",
        "confirm_heading": "Confirm your e-mail address",
        "confirm_button": "Confirm my e-mail address",
        "confirmed": "Your e-mail address is confirmed. You can sign in now.",
        "sign_in": "Sign in",
        "my_account": "My account",
        "save_profile": "Save profile",
        "profile_saved": "Your profile has been saved.",
        "token_name": "Token name",
        "create_token": "Create token",
        "token_once": "Your new token. Copy it now: it will not be shown again.",
        "sign_out": "Sign out",
        "signed_out": "You have signed out.",
    },
}


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_employee_registers_confirms_signs_in_edits_profile_and_creates_a_token(
        journey, lang):
    t = TEXT[lang]
    page = journey.page
    email = f"anna.ozolina.{lang}@dobele.lv"
    name = "Anna Ozoliņa"

    # The home page, in Latvian first; the English journey switches language.
    journey.goto("/")
    journey.language_is("lv")
    if lang == "en":
        journey.click(page.get_by_role("link", name="English"))
        journey.language_is("en")

    # Register.
    journey.click(page.get_by_role("banner").get_by_role("link", name=t["register"], exact=True))
    journey.heading(t["create_account"])
    page.get_by_label(t["name"]).fill(name)
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["municipality"]).select_option(label="Dobeles novads")
    page.get_by_label(t["language"]).select_option(label=t["language_option"])
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_label(t["password_again"]).fill(PASSWORD)
    journey.click(journey.main().get_by_role("button", name=t["register"]))
    journey.heading(t["check_email"])
    journey.sees(email)

    # The confirmation e-mail, in the chosen language, with its link.
    mail = journey.server.last_mail(email)
    assert mail.subject == t["mail_subject"]
    journey.goto(mail.link(localised("/confirm/", lang)))  # the link is in her language
    journey.heading(t["confirm_heading"])
    journey.click(page.get_by_role("button", name=t["confirm_button"]))
    assert page.url.endswith("/login")
    journey.flash(t["confirmed"])

    # Sign in: the account's language from now on.
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    journey.click(journey.main().get_by_role("button", name=t["sign_in"], exact=True))
    journey.language_is(lang)
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=name)).to_be_visible()

    # The profile: a corrected name and another municipality.
    journey.click(header.get_by_role("link", name=name))
    journey.heading(t["my_account"])
    page.get_by_label(t["name"]).fill("Anna Ozoliņa-Kalniņa")
    page.get_by_label(t["municipality"]).select_option(label="Tukuma novads")
    journey.click(page.get_by_role("button", name=t["save_profile"]))
    journey.flash(t["profile_saved"])
    expect(page.get_by_label(t["name"])).to_have_value("Anna Ozoliņa-Kalniņa")
    expect(page.get_by_label(t["municipality"]).locator("option:checked")).to_have_text(
        "Tukuma novads")
    expect(header.get_by_role("link", name="Anna Ozoliņa-Kalniņa")).to_be_visible()

    # An API token, shown once.
    page.get_by_label(t["token_name"]).fill("Pašvaldības portāls")
    journey.click(page.get_by_role("button", name=t["create_token"]))
    journey.sees(t["token_once"])
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("talka_") and len(token) > 30
    status, me = journey.server.api_get("/api/v1/me", token)
    assert status == 200 and me["email"] == email and me["name"] == "Anna Ozoliņa-Kalniņa"

    journey.goto("/account")
    journey.sees("Pašvaldības portāls")
    journey.sees(token[:12])  # the table shows how it begins, to tell tokens apart
    journey.does_not_see(token)  # …but never the whole token again
    expect(page.locator("#new-token")).to_have_count(0)

    # Sign out from the account page; the session is over.
    journey.click(journey.main().get_by_role("button", name=t["sign_out"], exact=True))
    # Signing out clears the whole session (the language preference with it); the page
    # after it is the home page in the language of the address the user was reading.
    journey.flash(t["signed_out"])
    expect(page.get_by_role("banner").get_by_role("link", name=t["sign_in"])
           ).to_be_visible()
    journey.goto("/account")  # a signed-out visitor is sent to sign in
    assert "/login" in page.url
