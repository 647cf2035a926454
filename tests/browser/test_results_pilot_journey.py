"""Journeys from the results to the pilot and to the public, journeys 4–6.

4. The coordinator moves the judged hackathon to "Results", chooses the SECOND idea of
   the ranking, is asked for the justification this needs, publishes it, and turns the
   winner into a pilot, which they start. A resident sees the results and the
   justification on the hackathon's public page.
5. The winning team plans two milestones, records a measurement and an expense, and
   writes a public progress report; a resident does not see the report until the
   coordinator approves it from the portfolio, and then does.
6. A resident, not signed in, starts at the home page, follows the links to the winner
   and its pilot, reads the chart's data table, the money spent and the published
   report, and downloads the open data: the winner and the pilot are in it, e-mail
   addresses are not. In Latvian and, switching with the site's language button, in
   English.

Each journey starts from its own state, built by tests/browser/scenarios.py in the live
server's database (a judged hackathon; published results with a pilot; a pilot under
way), so that each can run and fail alone (`-k`) and none depends on another module.
Everything is in Latvian, the default, except where journey 6 switches to English.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core.language import localised
from tests.browser.support import require_browser

require_browser()

from babel.dates import format_date  # noqa: E402
from babel.numbers import format_currency  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

JUSTIFICATION = ("Dobeles ūdens skaitītājus var uzstādīt jau šogad, un Zemgales "
                 "pašvaldības to var pārņemt bez jauna iepirkuma.")


# --- starting states -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def worlds(live_server):
    """The three starting states, built in one process (the app is loaded once)."""
    return live_server.scenario("results_ready", "pilot_ready", "pilot_running")


@pytest.fixture
def judged(worlds):
    """Journey 4: a hackathon in judging, every review in; ideas in ranking order."""
    return worlds["results_ready"]


@pytest.fixture
def pilot_ready(worlds):
    """Journey 5: results published (the second idea won, justified), its pilot active."""
    return worlds["pilot_ready"]


@pytest.fixture
def pilot_running(worlds):
    """Journey 6 (both languages): a pilot with milestones, measurements, money, reports."""
    return worlds["pilot_running"]


# --- what people do ------------------------------------------------------------------------------

def sign_in(journey, person: dict) -> None:
    """From the home page, with the sign-in form, as the person (their account is Latvian)."""
    page = journey.page
    journey.goto("/")
    journey.click(page.get_by_role("banner").get_by_role("link", name="Pieslēgties"))
    page.get_by_label("E-pasta adrese").fill(person["email"])
    page.get_by_label("Parole", exact=True).fill(person["password"])
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True))
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()


def main_nav(journey):
    return journey.page.get_by_role("navigation", name="Galvenā navigācija")


def today_riga() -> date:
    """Today as the site counts days (in Riga), whatever the machine's time zone."""
    return datetime.now(ZoneInfo("Europe/Riga")).date()


def money(value: str, lang: str = "lv") -> str:
    """An amount as the site writes it (Flask-Babel's format_currency in that language)."""
    return format_currency(Decimal(value), "EUR", locale=lang)


def short_date(value: str | date, lang: str = "lv") -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "short", locale="en_GB" if lang == "en" else lang)  # British order


def fact(section, term: str):
    """The <dd> that follows the <dt> `term` in a description list of `section`."""
    return section.locator("dt", has_text=re.compile(rf"^\s*{re.escape(term)}\s*$")).locator(
        "xpath=following-sibling::dd[1]")


# --- journey 4 -----------------------------------------------------------------------------------

def test_coordinator_publishes_a_justified_choice_and_turns_the_winner_into_a_pilot(
        judged, new_journey):
    first, second = judged["ideas"][:2]
    hackathon = judged["hackathon"]
    coordinator = new_journey("coordinator")
    page = coordinator.page
    sign_in(coordinator, judged["coordinator"])

    # The judged hackathon, from the list of hackathons; judging is over: on to the results.
    coordinator.click(main_nav(coordinator).get_by_role("link", name="Hakatoni"))
    # By its address: other journeys' worlds may share the title.
    coordinator.click(coordinator.main().locator(f'a[href="/hackathons/{hackathon["slug"]}"]'))
    coordinator.heading(hackathon["title"])
    manage = page.get_by_role("navigation", name="Hakatona pārvaldība")
    coordinator.click(manage.get_by_role("link", name="Fāze un vēsture"))
    coordinator.heading("Fāze un vēsture")
    page.get_by_label("Iemesls (nav obligāti)").fill("Visi vērtējumi ir iesniegti.")
    coordinator.click(page.get_by_role("button", name="Pāriet uz fāzi „Rezultāti”"))
    coordinator.flash("Hakatons tagad ir fāzē „Rezultāti”.")

    # The winners page shows the jury's ranking; the coordinator ticks the second idea.
    coordinator.click(manage.get_by_role("link", name="Uzvarējušās idejas"))
    coordinator.heading("Izvēlēties un publicēt uzvarējušās idejas")
    ranking = page.get_by_role("table", name="Vērtējumu tabula; atzīmējiet uzvarējušās idejas")
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(3)
    for n, idea in enumerate(judged["ideas"]):
        expect(rows.nth(n).locator("th")).to_contain_text(idea["title"])
        expect(rows.nth(n).locator("td.num").first).to_have_text(str(idea["rank"]))
    page.get_by_label(second["title"]).check()

    # Not the top of the ranking, and no justification: the page says what is missing,
    # and keeps the choice.
    coordinator.click(page.get_by_role("button", name="Publicēt rezultātus"), status=422)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Pamatojums: Izvēlētās idejas nav vērtējumu tabulas "
                                  "augstākajās vietās. Paskaidrojiet, kāpēc")
    expect(page.get_by_label(second["title"])).to_be_checked()
    expect(page.get_by_label(first["title"])).not_to_be_checked()
    justification = page.get_by_label("Pamatojums")
    expect(justification).to_have_attribute("aria-invalid", "true")

    # With the justification, the results are published.
    justification.fill(JUSTIFICATION)
    coordinator.click(page.get_by_role("button", name="Publicēt rezultātus"))
    coordinator.heading(f"Rezultāti: {hackathon['title']}")
    coordinator.sees(JUSTIFICATION)
    # Every team hears of it by e-mail, the winner too.
    assert judged["ideas"][1]["lead"]["email"] in {
        m.recipient for m in coordinator.server.outbox()}

    # A resident, not signed in, sees the results on the hackathon's public page.
    resident = new_journey("resident")
    resident.goto(f"/hackathons/{hackathon['slug']}")
    results = resident.page.get_by_role("region", name="Rezultāti", exact=True)
    expect(results.get_by_role("heading", name="Izvēles pamatojums")).to_be_visible()
    expect(results).to_contain_text("Uzvarējušās idejas nav noteiktas tikai pēc vietas vērtējumu "
                                    "tabulā. Koordinatori paskaidro, kāpēc:")
    expect(results.locator("blockquote")).to_have_text(JUSTIFICATION)
    public_ranking = results.get_by_role("table", name="Žūrijas vērtējumu tabula")
    marked = public_ranking.locator("tbody tr").filter(has_text="★ Uzvarējusī ideja")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(second["title"])
    expect(marked.locator("td.num").first).to_have_text("2")
    # The winner's card: the idea, its team and municipality; no pilot yet.
    card = results.get_by_role("listitem").filter(
        has=resident.page.get_by_role("link", name=second["title"], exact=True))
    expect(card).to_contain_text(second["team"])
    expect(card).to_contain_text("Dobeles novads")
    resident.click(card.get_by_role("link", name=second["title"], exact=True))
    resident.heading(second["title"])
    expect(resident.page.locator(".idea-status")).to_have_text("Uzvarējusī ideja")
    # Once the results are out every judged idea is public, with its outcome (as Decidim
    # and CONSUL show every proposal): the top of the ranking was not selected.
    resident.goto(f"/ideas/{first['id']}")
    expect(resident.page.locator(".idea-status")).to_have_text("Nav atlasīta")

    # The coordinator sees the ideas' outcome: the top of the ranking was not selected.
    coordinator.goto(f"/ideas/{first['id']}")
    expect(page.locator(".idea-status")).to_have_text("Nav atlasīta")

    # From the hackathon's page to the winner, and from the winner to its pilot.
    coordinator.click(page.get_by_role("link", name=hackathon["title"]).first)
    coordinator.click(page.get_by_role("region", name="Rezultāti", exact=True)
                      .get_by_role("heading", name=second["title"], exact=True)
                      .get_by_role("link"))
    coordinator.heading(second["title"])
    expect(page.locator(".idea-status")).to_have_text("Uzvarējusī ideja")
    coordinator.click(page.get_by_role("link", name="Uzsākt pilotprojektu"))
    coordinator.heading(f"Uzsākt idejas „{second['title']}” pilotprojektu")
    # What the idea proposed is carried over: title, budget, its indicator.
    expect(page.get_by_label("Nosaukums")).to_have_value(second["title"])
    expect(page.get_by_label("Apstiprinātais budžets (EUR)")).to_have_value("24500.00")
    expect(page.get_by_label("Rādītājs")).to_have_value(second["indicator"])
    expect(page.get_by_label("Iekļaut pilotprojektā")).to_be_checked()
    start = today_riga()
    page.get_by_label("Sākuma datums").fill(start.isoformat())
    page.get_by_label("Beigu datums").fill((start + timedelta(days=364)).isoformat())
    coordinator.click(coordinator.main().get_by_role("button", name="Uzsākt pilotprojektu"))
    coordinator.flash("Pilotprojekts ir uzsākts. Tagad ieplānojiet tā starpposma mērķus.")
    coordinator.heading(second["title"])
    expect(page.locator(".pilot-meta")).to_contain_text("Plānots")
    expect(page.get_by_role("table", name=f"Rādītāja „{second['indicator']}” mērījumi")
           ).to_be_visible()
    expect(fact(page.get_by_role("region", name="Finanses"), "Apstiprinātais budžets")
           ).to_have_text(money("24500.00"))

    # Work begins: the coordinator marks it active, with a reason on record.
    status = page.get_by_role("region", name="Statuss un tā vēsture")
    status.get_by_label("Jaunais statuss").select_option(label="Aktīvs")
    status.get_by_label("Iemesls (nav obligāti)").fill("Līgums ar piegādātāju noslēgts.")
    coordinator.click(status.get_by_role("button", name="Mainīt statusu"))
    coordinator.flash("Pilotprojekta statuss tagad ir „Aktīvs”.")
    history = page.get_by_role("region", name="Statuss un tā vēsture")
    expect(history.get_by_role("row").filter(has_text="Plānots → Aktīvs")).to_contain_text(
        "Līgums ar piegādātāju noslēgts.")

    # The winner's card on the public page now leads to the pilot.
    resident.goto(f"/hackathons/{hackathon['slug']}")
    results = resident.page.get_by_role("region", name="Rezultāti", exact=True)
    resident.click(results.get_by_role("link", name=f"Skatīt pilotprojektu (ideja "
                                                    f"„{second['title']}”)"))
    resident.heading(second["title"])
    expect(resident.page.locator(".pilot-meta")).to_contain_text("Aktīvs")


# --- journey 5 -----------------------------------------------------------------------------------

def test_team_keeps_its_pilot_up_to_date_and_the_coordinator_approves_the_report(
        pilot_ready, new_journey):
    pilot = pilot_ready["pilot"]
    winner = pilot_ready["winner"]
    today = today_riga()
    team = new_journey("team")
    page = team.page
    sign_in(team, winner["lead"])

    # The team lead finds the pilot among their pilots.
    team.click(main_nav(team).get_by_role("link", name="Mani pilotprojekti"))
    team.heading("Mani pilotprojekti")
    team.click(team.main().get_by_role("link", name=pilot["title"]))
    team.heading(pilot["title"])
    actions = page.get_by_role("navigation", name="Pilotprojekta informācijas atjaunināšana")

    # Two milestones, the second straight after the first.
    team.click(actions.get_by_role("link", name="Pievienot starpposma mērķi"))
    team.heading("Pievienot starpposma mērķi")
    page.get_by_label("Nosaukums").fill("Tīrīšanas maršrutu karte")
    page.get_by_label("Termiņš").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Apraksts").fill("Visi maršruti kartē ar tīrīšanas secību.")
    team.click(page.get_by_role("button", name="Saglabāt un pievienot vēl vienu"))
    team.flash("Starpposma mērķis ir pievienots.")
    team.heading("Pievienot starpposma mērķi")
    page.get_by_label("Nosaukums").fill("Iedzīvotāju paziņojumi")
    page.get_by_label("Termiņš").fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("Svars").fill("2")
    team.click(page.get_by_role("button", name="Saglabāt", exact=True))
    team.flash("Starpposma mērķis ir pievienots.")
    milestones = page.get_by_role("region", name="Starpposma mērķi")
    expect(milestones.get_by_role("heading", level=3)).to_have_text(
        ["Tīrīšanas maršrutu karte", "Iedzīvotāju paziņojumi"])

    # A measurement and an expense on the quick entry page.
    team.click(actions.get_by_role("link", name="Reģistrēt mērījumu vai izdevumus"))
    team.heading("Reģistrēt mērījumu vai izdevumus")
    measurement = page.get_by_role("region", name="Mērījums")
    expect(measurement.get_by_label("Rādītājs")).to_have_value(re.compile(r"\d+"))
    measurement.get_by_label("Vērtība").fill("310")
    expect(measurement.get_by_label("Mērījuma datums")).to_have_value(today.isoformat())
    measurement.get_by_label("Avots").fill("Klientu centra zvanu žurnāls")
    team.click(measurement.get_by_role("button", name="Saglabāt mērījumu"))
    team.flash(f"Rādītāja „{pilot['indicator']}” mērījums ir saglabāts.")
    expense = page.get_by_role("region", name="Izdevums")
    expense.get_by_label("Summa (EUR)").fill("1 250,50")
    expense.get_by_label("Kam izlietots").fill("Kartes izstrāde")
    team.click(expense.get_by_role("button", name="Saglabāt izdevumus"))
    team.flash(f"Izdevumi ({money('1250.50')}) ir reģistrēti.")
    team.click(page.get_by_role("link", name="Atpakaļ uz pilotprojektu"))

    # A progress report for the public, which waits for the coordinator.
    team.click(actions.get_by_role("link", name="Uzrakstīt progresa ziņojumu"))
    team.heading("Uzrakstīt progresa ziņojumu")
    page.get_by_label("Ziņojums").fill("Maršrutu karte ir gatava **trīs** pagastos.")
    page.get_by_label("Publicēt šo ziņojumu").check()
    team.click(page.get_by_role("button", name="Saglabāt ziņojumu"))
    team.flash("Ziņojums ir iesniegts: tas tiks publicēts, kad koordinators to apstiprinās.")
    reports = page.get_by_role("region", name="Progresa ziņojumi")
    expect(reports.locator("article")).to_have_count(1)
    expect(reports.locator("article")).to_contain_text("Gaida apstiprinājumu")

    # A resident sees the plan, the measurement and the money, but not the report yet.
    resident = new_journey("resident")
    resident.goto("/")
    resident.click(main_nav(resident).get_by_role("link", name="Pilotprojekti"))
    resident.click(resident.main().get_by_role("link", name=pilot["title"]))
    resident.heading(pilot["title"])
    public = resident.page
    expect(public.get_by_role("region", name="Starpposma mērķi")).to_contain_text(
        "Tīrīšanas maršrutu karte")
    chart_table = public.get_by_role("table", name=f"Rādītāja „{pilot['indicator']}” mērījumi")
    row = chart_table.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text(short_date(today))
    expect(row).to_contain_text("310")
    expect(row).to_contain_text("Klientu centra zvanu žurnāls")
    expect(fact(public.get_by_role("region", name="Finanses"), "Izlietots")).to_have_text(
        money("1250.50"))
    public_reports = public.get_by_role("region", name="Progresa ziņojumi")
    expect(public_reports).to_contain_text("Progresa ziņojumu vēl nav.")
    resident.does_not_see("Maršrutu karte ir gatava")
    resident.sees("Kartes izstrāde")  # each expense of public money is public, itemised

    # The coordinator approves it from the portfolio's list of reports waiting.
    coordinator = new_journey("coordinator")
    sign_in(coordinator, pilot_ready["coordinator"])
    coordinator.click(main_nav(coordinator).get_by_role("link", name="Pilotprojektu portfelis"))
    waiting = coordinator.page.get_by_role("region", name="Ziņojumi, kas gaida apstiprinājumu")
    report = waiting.get_by_role("article").filter(has_text=pilot["title"])
    expect(report).to_have_count(1)
    expect(report).to_contain_text(winner["lead"]["name"])
    report.get_by_text("Lasīt ziņojumu").click()
    expect(report).to_contain_text("Maršrutu karte ir gatava")
    coordinator.click(report.get_by_role("button", name="Apstiprināt un publicēt"))
    coordinator.flash("Ziņojums ir apstiprināts un publicēts.")
    expect(waiting.get_by_role("article").filter(has_text=pilot["title"])).to_have_count(0)

    # Now the resident reads it, as written (Markdown shown as emphasis).
    resident.goto(f"/pilots/{pilot['id']}")
    public_reports = public.get_by_role("region", name="Progresa ziņojumi")
    expect(public_reports.locator("article")).to_have_count(1)
    expect(public_reports.locator("article")).to_contain_text("Maršrutu karte ir gatava")
    expect(public_reports.locator("article strong")).to_have_text("trīs")
    # …and the team sees it published.
    team.goto(f"/pilots/{pilot['id']}")
    expect(reports.locator("article")).to_contain_text("Publicēts")


# --- journey 6 -----------------------------------------------------------------------------------

TEXT = {
    "lv": {
        "latest_winners": "Jaunākās uzvarējušās idejas",
        "winner": "Uzvarējusī ideja",
        "follow_pilot": "Šī ideja ir kļuvusi par pilotprojektu — sekojiet tā norisei",
        "milestones": "Starpposma mērķi",
        "done": "Izpildīts",
        "measurements": "Rādītāja „{}” mērījumi",
        "money": "Finanses",
        "spent": "Izlietots",
        "approved": "Apstiprinātais budžets",
        "reports": "Progresa ziņojumi",
        "about": "Par šo vietni",
        "open_data": "Atvērtie dati",
        "tables": "Publiskās tabulas un to lejupielāde",
        "ideas_table": "Uzvarējušās idejas",
        "pilots_table": "Pilotprojekti",
        "reports_table": "Progresa ziņojumi",
    },
    "en": {
        "latest_winners": "Latest winners",
        "winner": "Winner",
        "follow_pilot": "This idea is now a pilot: follow it",
        "milestones": "Milestones",
        "done": "Done",
        "measurements": "Measurements of “{}”",
        "money": "Money",
        "spent": "Spent",
        "approved": "Approved budget",
        "reports": "Progress reports",
        "about": "About this site",
        "open_data": "Open data",
        "tables": "Public tables and their downloads",
        "ideas_table": "Winning ideas",
        "pilots_table": "Pilots",
        "reports_table": "Progress reports",
    },
}


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_resident_finds_the_winner_and_its_pilot_reads_its_data_and_downloads_them(
        pilot_running, journey, lang):
    t = TEXT[lang]
    winner = pilot_running["winner"]
    pilot = pilot_running["pilot"]
    page = journey.page
    idea_href = localised(f"/ideas/{winner['id']}", lang)  # links keep the page's language

    # The home page, in Latvian; the English reader switches with the site's button.
    journey.goto("/")
    journey.language_is("lv")
    if lang == "en":
        journey.click(page.get_by_role("link", name="English"))
        journey.language_is("en")

    # The latest winners: this one, with its team; its title leads to the idea.
    winners = page.get_by_role("region", name=t["latest_winners"])
    # By the idea's address: other journeys' worlds may hold winners of the same title.
    card = winners.get_by_role("listitem").filter(
        has=page.locator(f'a[href="{idea_href}"]'))
    expect(card).to_contain_text(winner["team"])
    expect(card).to_contain_text(winner["municipality"])
    journey.click(card.get_by_role("link", name=winner["title"], exact=True))
    journey.heading(winner["title"])
    expect(page.locator(".idea-status")).to_have_text(t["winner"])
    journey.sees(winner["summary"])

    # The idea page leads on to its pilot.
    journey.click(journey.main().get_by_role("link", name=t["follow_pilot"]))
    journey.heading(pilot["title"])
    assert page.url.endswith(f"/pilots/{pilot['id']}")

    # Its milestones, the first of them done.
    milestones = page.get_by_role("region", name=t["milestones"])
    expect(milestones.get_by_role("heading", level=3)).to_have_text(pilot["milestones"])
    expect(milestones.get_by_role("listitem").first).to_contain_text(t["done"])

    # The chart's data table: every measurement with its date and source, oldest first.
    table = page.get_by_role("table", name=t["measurements"].format(pilot["indicator"]))
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(pilot["measurements"]))
    for n, measured in enumerate(pilot["measurements"]):
        expect(rows.nth(n).locator("th")).to_have_text(short_date(measured["measured_on"], lang))
        expect(rows.nth(n).locator("td").first).to_have_text(measured["value"])
        expect(rows.nth(n)).to_contain_text(measured["note"])

    # The money: approved and spent.
    money_section = page.get_by_role("region", name=t["money"])
    expect(fact(money_section, t["approved"])).to_have_text(money(pilot["budget"], lang))
    expect(fact(money_section, t["spent"])).to_have_text(money(pilot["spent"], lang))

    # The approved report, and nothing that is not approved or not public.
    reports = page.get_by_role("region", name=t["reports"])
    expect(reports.locator("article")).to_have_count(1)
    expect(reports).to_contain_text(pilot["approved_report"])
    journey.does_not_see(pilot["waiting_report"])
    journey.does_not_see(pilot["internal_report"])

    # The open data, from the link at the foot of every page.
    footer = page.get_by_role("navigation", name=t["about"])
    journey.click(footer.get_by_role("link", name=t["open_data"]))
    journey.heading(t["open_data"])
    tables = page.get_by_role("table", name=t["tables"])

    # The winning ideas as CSV, downloaded as a file.
    with page.expect_download() as download:
        tables.get_by_role("link", name=f"CSV {t['ideas_table']}", exact=True).click()
    assert download.value.suggested_filename == "talka-ideas.csv"
    ideas_csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    ideas = {row["id"]: row for row in csv.DictReader(io.StringIO(ideas_csv))}
    assert ideas[str(winner["id"])]["title"] == winner["title"]
    assert ideas[str(winner["id"])]["team_name"] == winner["team"]
    for other in pilot_running["ideas"]:
        if other["id"] != winner["id"]:  # ideas not chosen stay unpublished
            assert str(other["id"]) not in ideas and other["title"] not in ideas_csv

    # The pilots and the reports as JSON, in the reader's language.
    def download_json(table_title: str) -> tuple[str, dict]:
        link = tables.get_by_role("link", name=f"JSON {table_title}", exact=True)
        response = page.request.get(journey.url(link.get_attribute("href")))
        assert response.ok, f"{link.get_attribute('href')} answered {response.status}"
        body = response.text()
        return body, json.loads(body)

    pilots_json, pilots = download_json(t["pilots_table"])
    assert pilots["title"] == t["pilots_table"]
    row = next(r for r in pilots["rows"] if r["id"] == pilot["id"])
    assert row["title"] == pilot["title"] and row["idea_id"] == winner["id"]
    assert row["status"] == "active"
    assert Decimal(str(row["spent_eur"])) == Decimal(pilot["spent"])
    reports_json, reports_data = download_json(t["reports_table"])
    bodies = [r["body"] for r in reports_data["rows"] if r["pilot_id"] == pilot["id"]]
    assert len(bodies) == 1 and pilot["approved_report"] in bodies[0]

    # No personal data: no e-mail address at all, and none of these people's.
    people = [pilot_running["coordinator"], *pilot_running["judges"],
              *(idea["lead"] for idea in pilot_running["ideas"])]
    for name, text in (("ideas.csv", ideas_csv), ("pilots.json", pilots_json),
                       ("pilot_updates.json", reports_json)):
        found = EMAIL.search(text)
        assert found is None, f"{name} holds an e-mail address: {found.group(0)}"
        for person in people:
            assert person["email"] not in text, f"{name} holds {person['email']}"
        assert pilot["waiting_report"] not in text and pilot["internal_report"] not in text
