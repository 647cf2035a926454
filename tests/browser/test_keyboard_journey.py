"""Journey (in Latvian), keyboard only: Tab, typing, Space and Enter; no clicks.

A person who cannot use a mouse opens the site, skips to the content, registers,
corrects a mistake the form points out, confirms the e-mail address and signs in.
The focus must move through the fields in the order they are read, and be visible
on each of them.

The idea form and the scoring form get the same treatment when they exist: tab_to()
each field in order, type, assert_focus_visible(), and submit with Enter or Space.
"""

from __future__ import annotations

import pytest

from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

EMAIL = "liga.kalnina@valmiera.lv"
PASSWORD = "kastaņas Valmieras parkā"


def test_registration_by_keyboard_alone(journey):
    page = journey.page
    journey.goto("/")

    # The first Tab reaches the skip link, which jumps past the navigation.
    passed = journey.tab_to(page.get_by_role("link", name="Pāriet uz galveno saturu"), limit=1)
    assert passed == ['a "Pāriet uz galveno saturu"']
    journey.assert_focus_visible()
    journey.tab_to(page.get_by_role("banner").get_by_role("link", name="Reģistrēties",
                                                           exact=True))
    journey.assert_focus_visible()
    journey.press("Enter")
    journey.heading("Izveidot kontu")

    # The fields, in reading order, each with a visible focus.
    fields = [
        ("Vārds un uzvārds", "Līga Kalniņa"),
        ("E-pasta adrese", EMAIL),
        ("Pašvaldība, kurā strādājat", "Valmieras novads"),  # typed: the select jumps to it
        ("Vēlamā valoda", None),  # Latviešu stays chosen
        ("Parole", PASSWORD),
        ("Parole vēlreiz", "kastaņas Valmieras parka"),  # a slip, caught by the form
    ]
    order = []
    for label, text in fields:
        journey.tab_to(page.get_by_label(label, exact=True))
        order.append(journey.focused())
        journey.assert_focus_visible()
        if text:
            journey.type(text)
    assert order == ["input#name", "input#email", "select#municipality_id", "select#locale",
                     "input#password", "input#password_again"]
    expect(page.get_by_label("Pašvaldība, kurā strādājat").locator("option:checked")
           ).to_have_text("Valmieras novads")

    journey.tab_to(journey.main().get_by_role("button", name="Reģistrēties"))
    journey.assert_focus_visible()
    journey.press("Enter", status=422)

    # The error summary says what to fix; the name and e-mail are still there.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Parole vēlreiz")
    expect(page.get_by_label("Vārds un uzvārds")).to_have_value("Līga Kalniņa")
    expect(page.get_by_label("E-pasta adrese")).to_have_value(EMAIL)
    expect(page.get_by_label("Parole vēlreiz")).to_have_attribute("aria-invalid", "true")

    # Passwords are never sent back: type both again, then send with Space on the button.
    journey.tab_to(page.get_by_label("Parole", exact=True))
    journey.type(PASSWORD)
    journey.tab_to(page.get_by_label("Parole vēlreiz"))
    journey.type(PASSWORD)
    journey.tab_to(journey.main().get_by_role("button", name="Reģistrēties"))
    journey.press("Space")
    journey.heading("Pārbaudiet e-pastu")

    # The link from the e-mail; its page has one button, reached with Tab.
    journey.goto(journey.server.last_mail(EMAIL).link("/confirm/"))
    journey.tab_to(page.get_by_role("button", name="Apstiprināt manu e-pasta adresi"))
    journey.assert_focus_visible()
    journey.press("Enter")
    journey.flash("Jūsu e-pasta adrese ir apstiprināta.")

    # Signs in, still without a mouse: the checkbox is ticked with Space.
    journey.tab_to(page.get_by_label("E-pasta adrese"))
    journey.type(EMAIL)
    journey.tab_to(page.get_by_label("Parole", exact=True))
    journey.type(PASSWORD)
    remember = page.get_by_role("checkbox")
    journey.tab_to(remember)
    journey.assert_focus_visible()
    journey.key("Space")
    expect(remember).to_be_checked()
    journey.tab_to(journey.main().get_by_role("button", name="Pieslēgties"))
    journey.press("Enter")
    expect(page.get_by_role("banner").get_by_role("link", name="Līga Kalniņa")).to_be_visible()
