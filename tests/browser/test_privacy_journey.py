"""Journeys (in Latvian): a person downloads a copy of their data and closes their account;
an administrator erases another person at their request, with the reason.

People are made as operators make them (`flask create-user --password-stdin`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

LEAVER = ("Dace Aizejošā", "dace.aizejosa@tukums.lv", "dzintara krasts vakarā")
ERASED = ("Rūdolfs Dzēšamais", "rudolfs.dzesamais@talsi.lv", "priedes kāpās pie jūras")
ADMIN = ("Anda Pārzine", "anda.parzine@talka.lv", "sarkanās jumta dakstiņas")


@pytest.fixture(scope="module")
def people(live_server):
    live_server.create_user(LEAVER[1], LEAVER[0], LEAVER[2], municipality="Tukuma novads")
    live_server.create_user(ERASED[1], ERASED[0], ERASED[2], municipality="Talsu novads")
    live_server.create_user(ADMIN[1], ADMIN[0], ADMIN[2], role="admin")
    return live_server


def _sign_in(journey, email: str, password: str) -> None:
    page = journey.page
    journey.goto("/login")
    page.get_by_label("E-pasta adrese").fill(email)
    page.get_by_label("Parole", exact=True).fill(password)
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True))


def test_a_person_downloads_their_data_and_closes_their_account(people, journey):
    name, email, password = LEAVER
    page = journey.page
    _sign_in(journey, email, password)
    journey.goto("/account")
    section = page.get_by_role("region", name="Mani dati")
    with page.expect_download() as download:
        section.get_by_role("button", name="Lejupielādēt manus datus (JSON)").click()
    copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert copy["account"]["email"] == email
    assert copy["account"]["name"] == name
    assert copy["sessions"], "the signed-in device is in the copy"

    journey.click(section.get_by_role("link", name="Slēgt manu kontu"))
    journey.heading("Slēgt manu kontu")
    page.get_by_label("Jūsu parole").fill(password)
    journey.click(page.get_by_role("button", name="Slēgt kontu neatgriezeniski"))
    journey.flash("Jūsu konts ir slēgts.")

    # Signed out, and the password no longer opens anything.
    journey.goto("/login")
    page.get_by_label("E-pasta adrese").fill(email)
    page.get_by_label("Parole", exact=True).fill(password)
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True),
                  status=422)
    assert not people.query("SELECT id FROM \"user\" WHERE email = :e", e=email)


def test_an_admin_erases_another_person_with_a_reason(people, new_journey):
    name, email, _password = ERASED
    admin = new_journey("admin")
    page = admin.page
    _sign_in(admin, ADMIN[1], ADMIN[2])
    admin.goto("/admin/users?q=dzēšamais")
    users = page.get_by_role("table", name="Lietotāji")
    admin.click(users.get_by_role("link", name=name))
    admin.heading(name)
    admin.click(page.get_by_role("link", name="Dzēst šo personu…"))
    admin.heading("Dzēst personu")

    # Without a reason, nothing happens.
    admin.click(page.get_by_role("button", name="Dzēst šo personu"), status=422)
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Iemesls").fill("Pieprasīja e-pastā 2. decembrī.")
    admin.click(page.get_by_role("button", name="Dzēst šo personu"))
    admin.flash("Persona ir dzēsta.")
    admin.does_not_see(email)
    admin.sees("Bijušais dalībnieks")

    admin.goto("/admin/audit?action=privacy.erase")
    admin.sees("privacy.erase")
    admin.does_not_see(name)
