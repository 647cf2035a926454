"""Journey (in Latvian): an administrator signs in, finds a user in /admin/users, grants a
regional coordinator role, corrects a municipality's name in the reference data, and reads
the audit log and the mail outbox.

The administrator is made as operators make one, with `flask create-user --role admin
--password-stdin`; so is the municipal employee, who first asks for a password reset so
that the outbox has a message for the administrator to find.
"""

from __future__ import annotations

import pytest

from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "ilze.admin@talka.lv"
ADMIN_PASSWORD = "vecrīgas jumti rītausmā"
EMPLOYEE_EMAIL = "janis.berzins@jelgava.lv"
EMPLOYEE_NAME = "Jānis Bērziņš"


@pytest.fixture(scope="module")
def people(live_server):
    live_server.create_user(ADMIN_EMAIL, "Ilze Kalniņa", ADMIN_PASSWORD, role="admin")
    live_server.create_user(EMPLOYEE_EMAIL, EMPLOYEE_NAME, "lietus pār Lielupi rudenī",
                            municipality="Jelgava")
    # A mistake for the administrator to correct: the name lost its diacritics.
    live_server.execute("UPDATE municipality SET name = :wrong WHERE name = :right",
                        wrong="Livanu novads", right="Līvānu novads")
    return live_server


def test_admin_grants_a_regional_coordinator_role_corrects_a_municipality_and_reads_logs(
        people, new_journey):
    # The employee cannot sign in and asks for a new password.
    employee = new_journey("employee")
    employee.goto("/login")
    employee.click(employee.page.get_by_role("link", name="Aizmirsāt paroli?"))
    employee.heading("Paroles atjaunošana")
    employee.page.get_by_label("E-pasta adrese").fill(EMPLOYEE_EMAIL)
    employee.click(employee.page.get_by_role("button", name="Nosūtīt saiti"))
    employee.heading("Pārbaudiet e-pastu")

    # The administrator signs in.
    admin = new_journey("admin")
    page = admin.page
    admin.goto("/")
    admin.click(page.get_by_role("banner").get_by_role("link", name="Pieslēgties"))
    page.get_by_label("E-pasta adrese").fill(ADMIN_EMAIL)
    page.get_by_label("Parole", exact=True).fill(ADMIN_PASSWORD)
    admin.click(admin.main().get_by_role("button", name="Pieslēgties", exact=True))
    admin.click(page.get_by_role("navigation", name="Galvenā navigācija")
                .get_by_role("link", name="Administrēšana"))
    admin.heading("Administrēšana")
    subnav = page.get_by_role("navigation", name="Administrēšana")

    # Finds the employee.
    admin.click(subnav.get_by_role("link", name="Lietotāji"))
    page.get_by_label("Vārds vai e-pasts").fill("bērziņš")
    admin.click(page.get_by_role("button", name="Atlasīt"))
    users = page.get_by_role("table", name="Lietotāji")
    expect(users.get_by_role("row")).to_have_count(2)  # the header and Jānis
    expect(users).to_contain_text(EMPLOYEE_EMAIL)
    expect(users).to_contain_text("Jelgava")
    admin.click(users.get_by_role("link", name=EMPLOYEE_NAME))
    admin.heading(EMPLOYEE_NAME)

    # Grants the role of Zemgale's regional coordinator.
    page.get_by_label("Loma", exact=True).select_option(label="Koordinators")
    page.get_by_label("Plānošanas reģions (koordinatoriem)").select_option(
        label="Zemgales plānošanas reģions")
    admin.click(page.get_by_role("button", name="Piešķirt lomu"))
    admin.flash("Loma ir piešķirta.")
    roles = page.get_by_role("region", name="Lomas")
    expect(roles).to_contain_text("Koordinators, Zemgales plānošanas reģions")
    history = page.get_by_role("region", name="Vēsture")
    expect(history).to_contain_text("user.grant_role")
    expect(history).to_contain_text("coordinator:zemgale")

    # Corrects the municipality's name.
    admin.click(subnav.get_by_role("link", name="Klasifikatori"))
    admin.click(page.get_by_role("link", name="Labot Livanu novads"))
    admin.heading("Labot pašvaldību: Livanu novads")
    page.get_by_label("Oficiālais īsais nosaukums").fill("Līvānu novads")
    admin.click(page.get_by_role("button", name="Saglabāt"))
    admin.flash("Pašvaldības dati ir saglabāti.")
    expect(page.get_by_role("table", name="Pašvaldības")).to_contain_text("Līvānu novads")
    admin.does_not_see("Livanu novads")

    # Reads the audit log: who did what, before and after.
    admin.click(subnav.get_by_role("link", name="Audita žurnāls"))
    entries = page.get_by_role("table", name="Audita ieraksti")
    grant = entries.get_by_role("row").filter(has_text="user.grant_role").filter(
        has_text="coordinator:zemgale")
    expect(grant).to_contain_text("Ilze Kalniņa")  # who
    expect(grant).to_contain_text("[]")  # no roles before
    page.get_by_label("Darbība sākas ar").fill("municipality.")
    admin.click(page.get_by_role("button", name="Atlasīt"))
    rows = entries.get_by_role("row").filter(has_text="municipality.update")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Livanu novads")  # before
    expect(rows).to_contain_text("Līvānu novads")  # after
    expect(entries).not_to_contain_text("user.grant_role")

    # Reads the outbox: the reset e-mail the employee asked for.
    admin.click(subnav.get_by_role("link", name="Izsūtāmās vēstules"))
    page.get_by_label("Saņēmējs").fill(EMPLOYEE_EMAIL)
    admin.click(page.get_by_role("button", name="Atlasīt"))
    admin.click(page.get_by_role("link", name="Jaunas Talkas paroles iestatīšana"))
    admin.heading("Jaunas Talkas paroles iestatīšana")
    admin.sees(EMPLOYEE_EMAIL)
    admin.sees(f"Labdien, {EMPLOYEE_NAME}!")
    expect(admin.main().locator("pre a[href*='/password-reset/']")).to_have_count(1)

    # A stale link: the 404 page is a whole page, in Latvian, with a way back home.
    admin.goto("/admin/users/999999", status=404)
    admin.heading("Lapa nav atrasta")
    expect(admin.main().get_by_role("link", name="Uz sākumlapu")).to_be_visible()
