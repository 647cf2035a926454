"""Journeys (in Latvian) through the programme's own measures: people trained and the
assessment of municipal services.

1. A Zemgale coordinator records a workshop and imports its sign-in sheet: the first file
   has a row with an unknown municipality, so nothing is imported and the line is named;
   the corrected file is imported.
2. A resident reads the public indicator dashboard: the people trained in Zemgale, and no
   name of anyone trained.
3. An administrator writes an assessment instrument in the editor (one theme, then a second
   question added to it), and opens its initial round for every municipality.
4. Dobele's respondent answers it: a draft is saved and found again, submitting with a
   question unanswered keeps every answer, the complete answers are submitted.

Steps share what they made through the module's `story` dict; a failed step skips those
that need it. People are made as operators make them (`flask create-user`); the only
thing set up behind the app's back is the assessment round (it has no page of its own).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "zemgales lauki plaukst rudzu vārpās"
COORDINATOR = {"email": "dzintra.lauka@zpr.lv", "name": "Dzintra Lauka", "role": "coordinator",
               "region": "zemgale", "password": PASSWORD}
ADMIN = {"email": "arvis.metodikis@talka.lv", "name": "Arvis Metodiķis", "role": "admin",
         "password": PASSWORD}
RESPONDENT = {"email": "liga.ozola@dobele.lv", "name": "Līga Ozola",
              "municipality": "Dobeles novads", "password": PASSWORD}

TRAINED = ("Aija Mācību-Dalībniece", "Roberts Sarakstiņš")
INSTRUMENT = "Labas pārvaldības pašnovērtējums 2026"
THEME = "Atklātība"
FIRST = "Vai pašvaldība publicē lēmumu projektus?"
SECOND = "Vai pašvaldība mēra pakalpojumu kvalitāti?"
LEVELS = "Nē\nDaļēji\nPilnībā"


@pytest.fixture(scope="module")
def story(live_server):
    live_server.scenario("staff_domains")  # dobele.lv addresses are Dobele's staff
    live_server.create_users([COORDINATOR, ADMIN, RESPONDENT])
    return {}


def needs(story: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in story]
    if missing:
        pytest.skip(f"an earlier step did not finish: {', '.join(missing)}")


def zemgale_row(page):
    regions = page.get_by_role("table", name="Pa plānošanas reģioniem")
    return regions.get_by_role("row").filter(has=page.get_by_role(
        "rowheader", name=re.compile("Zemgale")))


def today_riga() -> date:
    return datetime.now(ZoneInfo("Europe/Riga")).date()


def keep_session(journey, story: dict, who: str) -> None:
    story[f"{who}_cookies"] = journey.page.context.cookies()


def resume(journey, story: dict, who: str) -> None:
    """The same browser session as an earlier step (no second sign-in)."""
    journey.page.context.add_cookies(story[f"{who}_cookies"])


def sign_in(journey, person: dict) -> None:
    page = journey.page
    journey.goto("/login")
    page.get_by_label("E-pasta adrese").fill(person["email"])
    page.get_by_label("Parole", exact=True).fill(person["password"])
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True))
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()


def test_coordinator_records_a_workshop_and_imports_its_corrected_sign_in_sheet(
        story, new_journey, tmp_path):
    journey = new_journey("coordinator")
    page = journey.page
    sign_in(journey, COORDINATOR)
    journey.goto("/programme/")
    # Other journeys on the same server may have trained people already: the figures the
    # resident reads later are these plus the two of this workshop.
    story["zemgale_before"] = int(zemgale_row(page).get_by_role("cell").first.inner_text())
    workshops = re.search(r"Darbnīca: (\d+)", journey.main().inner_text())
    story["workshops_before"] = int(workshops.group(1)) if workshops else 0
    journey.click(page.get_by_role("link", name="Pasākumi un dalībnieki"))
    journey.click(page.get_by_role("link", name="Reģistrēt pasākumu"))
    journey.heading("Reģistrēt pasākumu")
    page.get_by_label("Nosaukums").fill("Atvērto datu darbnīca Jelgavā")
    page.get_by_label("Pasākuma veids").select_option(label="Darbnīca")
    page.get_by_label("Formāts").select_option(label="Klātienē")
    page.get_by_label("Plānošanas reģions").select_option(value="zemgale")
    page.get_by_label("Pirmā diena").fill((today_riga() - timedelta(days=7)).isoformat())
    page.get_by_label("Vieta vai saite").fill("Jelgava, Lielā iela 11")
    journey.click(page.get_by_role("button", name="Saglabāt pasākumu"))
    journey.flash("Pasākums ir reģistrēts. Tagad pievienojiet dalībniekus.")
    journey.heading("Atvērto datu darbnīca Jelgavā")

    # The sign-in sheet as the organiser typed it: the second row names no real place.
    bad = tmp_path / "dalibnieki.csv"
    bad.write_text("vārds;e-pasts;pašvaldība\n"
                   f"{TRAINED[0]};aija@jelgava.example.lv;Jelgava\n"
                   f"{TRAINED[1]};;Atlantīdas novads\n", encoding="utf-8")
    page.get_by_label("Dalībnieku reģistrācijas lapa (CSV)").set_input_files(str(bad))
    journey.click(page.get_by_role("button", name="Importēt"), status=422)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nekas netika importēts")
    expect(alert).to_contain_text("3. rinda")
    expect(alert).to_contain_text("Nezināma pašvaldība „Atlantīdas novads”")
    expect(page.get_by_role("heading", name="0 dalībnieku")).to_be_visible()

    fixed = tmp_path / "dalibnieki-laboti.csv"
    fixed.write_text(bad.read_text(encoding="utf-8").replace("Atlantīdas novads",
                                                             "Jelgavas novads"),
                     encoding="utf-8")
    page.get_by_label("Dalībnieku reģistrācijas lapa (CSV)").set_input_files(str(fixed))
    journey.click(page.get_by_role("button", name="Importēt"))
    journey.flash("Importēts. Pievienoti: 2; jau bija sarakstā: 0.")
    expect(page.get_by_role("heading", name="2 dalībnieki")).to_be_visible()
    table = page.get_by_role("table", name="Dalībnieki")
    for name in TRAINED:
        expect(table.get_by_role("rowheader", name=name)).to_be_visible()
    expect(table).to_contain_text("dalibnieki-laboti.csv")
    story["event"] = True


def test_a_resident_reads_the_indicator_and_sees_no_name(story, journey):
    needs(story, "event")
    page = journey.page
    journey.goto("/")
    journey.goto("/programme/")
    journey.heading("Apmācītās personas")
    zemgale = story["zemgale_before"] + 2
    expect(zemgale_row(page).get_by_role("cell").first).to_have_text(str(zemgale))
    expect(journey.main()).to_contain_text(f"Darbnīca: {story['workshops_before'] + 2}")
    for name in TRAINED:
        journey.does_not_see(name)
    with page.expect_download() as download:
        page.get_by_role("link", name="Lejupielādēt skaitļus (CSV)").click()
    figures = download.value.path().read_text(encoding="utf-8")
    assert f"region,zemgale,{zemgale},260" in figures
    assert not any(name in figures for name in TRAINED)


def test_an_administrator_writes_an_assessment_instrument(story, new_journey):
    admin = new_journey("admin")
    page = admin.page
    sign_in(admin, ADMIN)
    admin.goto("/programme/assessments")
    admin.click(page.get_by_role("link", name="Pārvaldīt novērtēšanas instrumentus"))
    admin.click(page.get_by_role("link", name="Jauns instruments"))
    admin.heading("Jauns novērtēšanas instruments")
    page.get_by_label("Nosaukums", exact=True).fill(INSTRUMENT)
    theme = page.get_by_role("group", name="Jauna tēma (atstājiet tukšu, ja nevajag)")
    theme.get_by_label("Tēma", exact=True).fill(THEME)
    question = theme.get_by_role("group", name=re.compile("jauns jautājums"))
    question.get_by_label("Jautājums").fill(FIRST)
    question.get_by_label("Skalas līmeņi, sākot ar zemāko").fill(LEVELS)
    question.get_by_label("Prasīt apliecinājumu").check()
    admin.click(page.get_by_role("button", name="Saglabāt instrumentu"))
    admin.flash("Instruments ir saglabāts.")
    admin.heading("Labot instrumentu")

    # A second question, in the empty row the saved theme now offers.
    theme = page.get_by_role("group", name="1. tēma", exact=True)
    expect(theme.get_by_role("group", name="1. tēma, 1. jautājums")
           .get_by_label("Jautājums")).to_have_value(FIRST)
    question = theme.get_by_role("group", name="1. tēma, jauns jautājums (atstājiet tukšu, "
                                               "ja nevajag)")
    question.get_by_label("Jautājums").fill(SECOND)
    question.get_by_label("Skalas līmeņi, sākot ar zemāko").fill(LEVELS)
    admin.click(page.get_by_role("button", name="Saglabāt instrumentu"))
    admin.flash("Instruments ir saglabāts.")
    expect(page.get_by_role("group", name="1. tēma, 2. jautājums")
           .get_by_label("Jautājums")).to_have_value(SECOND)
    story["instrument"] = int(re.search(r"/instruments/(\d+)/edit", page.url).group(1))
    keep_session(admin, story, "admin")


def test_the_administrator_opens_the_initial_round_for_every_municipality(story, new_journey):
    needs(story, "instrument")
    admin = new_journey("admin")
    page = admin.page
    resume(admin, story, "admin")
    admin.goto("/programme/instruments")
    admin.click(page.get_by_role("link", name=re.compile(rf"^Kārtas\W+{INSTRUMENT}$")))
    admin.heading(f"Novērtēšanas kārtas: {INSTRUMENT}")
    admin.sees("Neviena kārta vēl nav atvērta.")
    expect(page.get_by_label("Kārta").locator("option:checked")).to_have_text(
        "Sākotnējais novērtējums")
    closes = today_riga() + timedelta(days=30)
    page.get_by_label("Pēdējā diena, kad pieņem atbildes").fill(closes.isoformat())
    admin.click(page.get_by_role("button", name="Atvērt kārtu visām pašvaldībām"))
    admin.flash("Sākotnējais novērtējums ir atvērts visām pašvaldībām no ")
    rounds = page.get_by_role("table", name="Kārtas")
    row = rounds.get_by_role("row").filter(has=page.get_by_role(
        "rowheader", name="Sākotnējais novērtējums"))
    expect(row).to_contain_text("Atvērta: atbildes tiek pieņemtas")
    expect(row.get_by_role("button", name="Slēgt kārtu")).to_be_visible()
    # The initial round is open once: what the form offers next is the final one.
    expect(page.get_by_label("Kārta").locator("option")).to_have_text(
        ["Noslēguma novērtējums"])
    story["round"] = True


def test_dobeles_respondent_keeps_a_draft_and_then_submits(story, new_journey):
    needs(story, "round")
    journey = new_journey("respondent")
    page = journey.page
    sign_in(journey, RESPONDENT)
    journey.goto("/programme/assessments")
    section = page.get_by_role("region", name=INSTRUMENT)
    journey.click(section.get_by_role("link", name="atbildēt pašvaldības vārdā"))
    journey.sees("Norīkotais respondents: Līga Ozola")
    first = page.get_by_role("group", name=FIRST)
    first.get_by_label("2: Daļēji").check()
    first.get_by_label("Apliecinājums vai komentārs (nav obligāti)").fill(
        "Projekti tiek publicēti TAP portālā, bet ne visi.")
    journey.click(page.get_by_role("button", name="Saglabāt melnrakstu"))
    journey.flash("Melnraksts ir saglabāts.")

    # Away and back: the draft is where she left it.
    journey.goto("/programme/assessments")
    journey.click(page.get_by_role("region", name=INSTRUMENT)
                  .get_by_role("link", name="turpināt melnrakstu"))
    first = page.get_by_role("group", name=FIRST)
    expect(first.get_by_label("2: Daļēji")).to_be_checked()
    expect(first.get_by_label("Apliecinājums vai komentārs (nav obligāti)")).to_have_value(
        "Projekti tiek publicēti TAP portālā, bet ne visi.")

    # Submitting with the second question unanswered: refused, nothing lost.
    first.get_by_label("3: Pilnībā").check()
    journey.click(page.get_by_role("button", name="Iesniegt atbildes"), status=422)
    expect(page.get_by_role("alert")).to_contain_text("Dažas atbildes jāprecizē")
    second = page.get_by_role("group", name=SECOND)
    expect(second).to_contain_text("Pirms iesniegšanas atbildiet uz šo jautājumu.")
    expect(page.get_by_role("group", name=FIRST).get_by_label("3: Pilnībā")).to_be_checked()

    second.get_by_label("1: Nē").check()
    journey.click(page.get_by_role("button", name="Iesniegt atbildes"))
    journey.flash("Atbildes ir iesniegtas. Paldies!")
    journey.sees("Tās vairs nevar mainīt.")
    expect(page.get_by_role("button", name="Iesniegt atbildes")).to_have_count(0)
    journey.goto("/programme/assessments")
    expect(page.get_by_role("region", name=INSTRUMENT)).to_contain_text(
        "jūsu pašvaldība ir iesniegusi atbildes")
