"""Journeys (in Latvian) through one idea hackathon, as the people in it live it.

One story, told in the order it happens; each step is a test, and the steps share what
they made through the module's `story` dict (a failed step skips the ones after it):

1. A Zemgale coordinator sets up a hackathon: its details, two weighted criteria and a
   jury of three; then opens it.
2. A municipal employee of Dobele registers, confirms the e-mail address from the
   outbox, creates a team with a partner municipality and invites a colleague, who
   accepts from the invitation e-mail. She writes the idea with the KEYBOARD ALONE
   (every field reached with one Tab, in reading order, each with a visible focus),
   saves the draft, attaches a PDF and submits; the whole team is told by e-mail.
3. Two more teams submit ideas (through the API: their journeys are not the point), and
   the coordinator closes submissions early by starting judging on the phase page; the
   assignments are built on their own, two judges per idea, none from the idea's
   municipalities.
4. A judge scores the Dobele idea with the KEYBOARD ALONE, submits the review, declares
   a conflict of interest (with its reason) on the other idea, and sees "1 of 1".
5. The coordinator's dashboard shows the conflict and its reason, the idea with another
   judge, and everyone's progress.

Only the people the story is about register; the others are made as operators make
them (`flask create-user`), in one process. Nothing is written to the database behind
the app's back: the outbox is only read.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

RIGA = ZoneInfo("Europe/Riga")
PASSWORD = "liepas zied Dobeles pilsdrupās"

COORDINATOR = {"email": "ieva.zarina@zpr.lv", "name": "Ieva Zariņa", "role": "coordinator",
               "region": "zemgale"}
EMPLOYEE = {"email": "marta.liepina@dobele.lv", "name": "Marta Liepiņa"}  # registers
COLLEAGUE = {"email": "karlis.vitols@dobele.lv", "name": "Kārlis Vītols",
             "municipality": "Dobeles novads"}
# The authors of the two other ideas (made through the API).
BAUSKA = {"email": "ruta.kaleja@bauska.lv", "name": "Rūta Kalēja",
          "municipality": "Bauskas novads"}
AIZKRAUKLE = {"email": "edgars.ozols@aizkraukle.lv", "name": "Edgars Ozols",
              "municipality": "Aizkraukles novads"}
# The jury. The judge of the story is from Aizkraukle, so she never gets Aizkraukle's
# idea: with two judges per idea and three ideas, she gets exactly the other two.
JUDGE = {"email": "dace.berzina@aizkraukle.lv", "name": "Dace Bērziņa",
         "municipality": "Aizkraukles novads"}
JUDGE_RIGA = {"email": "juris.kalnins@riga.lv", "name": "Juris Kalniņš", "municipality": "Rīga"}
JUDGE_CESIS = {"email": "laima.priede@cesis.lv", "name": "Laima Priede",
               "municipality": "Cēsu novads"}
JUDGES = (JUDGE, JUDGE_RIGA, JUDGE_CESIS)

HACKATHON = "Drošāka Zemgale 2026: komunālo pakalpojumu ideju hakatons"
CRITERIA = (
    {"name": "Ietekme uz iedzīvotājiem", "weight": "2", "max": "10",
     "what": "Cik daudz iedzīvotāju ieguvums būs un cik tas būs jūtams."},
    {"name": "Īstenojamība", "weight": "1", "max": "10",
     "what": "Vai budžets, laiks un komanda ir reāli."},
)
TEAM = "Dobeles un Jelgavas novada komunālā komanda"
IDEA = {  # short texts: every character is a key press
    "title": "Ūdens noplūžu brīdinājumi",
    "summary": "Viedie skaitītāji ziņo par noplūdēm tūlīt.",
    "problem": "Zudumi: 18 % ūdens.",
    "solution": "400 skaitītāju un SMS.",
    "target_group": "2 000 iedzīvotāju.",
    "expected_impact": "Mazāki rēķini.",
    "indicator": ("Ūdens zudumi", "18 %", "8 %"),
    "budget": "48000",
    "months": "12",
    "partners": "SIA “Dobeles ūdens”.",
}
OTHER_IDEAS = {
    "bauska": {"title": "Ielu apgaismojums pēc pieprasījuma", "team": "Bauskas drošības komanda"},
    "aizkraukle": {"title": "Drošs ceļš uz skolu", "team": "Aizkraukles skolēnu ceļu komanda"},
}


@pytest.fixture(scope="module")
def story(live_server):
    """What the steps share; the cast (all but the employee) is made first, in one go."""
    live_server.scenario("staff_domains")  # the employee registers with a Dobele work address
    people = [COORDINATOR, COLLEAGUE, BAUSKA, AIZKRAUKLE, *JUDGES]
    tokens = live_server.create_users([{**p, "password": PASSWORD} for p in people],
                                      tokens_for=(BAUSKA["email"], AIZKRAUKLE["email"]))
    return {"tokens": tokens}


def needs(story: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in story]
    if missing:
        pytest.skip(f"an earlier step of the story did not finish ({', '.join(missing)})")


# --- small steps every person takes -------------------------------------------------------

def sign_in(journey, email: str) -> None:
    """On the sign-in page (or sent to it): the e-mail address, the password, the button."""
    page = journey.page
    if "/login" not in page.url:
        journey.goto("/login")
    page.get_by_label("E-pasta adrese").fill(email)
    page.get_by_label("Parole", exact=True).fill(PASSWORD)
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True))


def resume(journey, story: dict, who: str) -> None:
    """Come back in the same browser session as an earlier step (no second sign-in: the
    sign-in limit per address is shared by every journey of the test session)."""
    journey.page.context.add_cookies(story[f"{who}_cookies"])


def keep_session(journey, story: dict, who: str) -> None:
    story[f"{who}_cookies"] = journey.page.context.cookies()


def riga_input(moment: datetime) -> str:
    """A moment as a datetime-local field takes it (Latvian time)."""
    return moment.astimezone(RIGA).strftime("%Y-%m-%dT%H:%M")


def tab_through(journey, fields: list[tuple[str, object, str | None]], *,
                from_afar: bool = False) -> list[str]:
    """Keyboard alone: each (what, locator, text) is the NEXT stop of the Tab key (the
    first one may be further when `from_afar`); its focus is visible; the text is typed.
    Returns the focused elements in order."""
    order = []
    for what, target, text in fields:
        far = from_afar and not order
        passed = journey.tab_to(target, limit=80 if far else 1)
        assert far or len(passed) == 1, f"{what}: Tab went through {passed}"
        order.append(journey.focused())
        journey.assert_focus_visible()
        if text:
            journey.type(text)
    return order


def reviews_done(page):
    """The dashboard's "Reviews done" figure."""
    return page.locator("dl.facts dt", has_text="Pabeigtie vērtējumi").locator("+ dd")


def small_pdf(text: str) -> bytes:
    """A valid one-page PDF (with a correct cross-reference table) saying `text` (ASCII)."""
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


# --- 1. the coordinator sets up the hackathon and opens it -----------------------------------

def test_coordinator_sets_up_a_hackathon_with_criteria_and_a_jury_and_opens_it(
        story, new_journey):
    coordinator = new_journey("coordinator")
    page = coordinator.page
    sign_in(coordinator, COORDINATOR["email"])
    coordinator.click(page.get_by_role("navigation", name="Galvenā navigācija")
                      .get_by_role("link", name="Hakatoni"))
    coordinator.click(coordinator.main().get_by_role("link", name="Jauns hakatons"))
    coordinator.heading("Jauns hakatons")

    # The details: submissions open an hour ago and close in two weeks (Latvian time).
    now = datetime.now(RIGA)
    page.get_by_label("Nosaukums").fill(HACKATHON)
    expect(page.get_by_label("Organizējošais plānošanas reģions")
           .locator("option:checked")).to_have_text("Zemgales plānošanas reģions")
    page.get_by_label("Publiskā pakalpojuma tēma").fill("Komunālie un sabiedriskās drošības "
                                                        "pakalpojumi")
    page.get_by_label("Pieteikšanās sākums").fill(riga_input(now - timedelta(hours=1)))
    page.get_by_label("Iesniegšanas termiņš").fill(riga_input(now + timedelta(days=14)))
    page.get_by_label("Vērtēšanas beigas").fill(riga_input(now + timedelta(days=35)))
    page.get_by_label("Apraksts un noteikumi").fill(
        "Idejas **drošākiem** un lētākiem komunālajiem pakalpojumiem Zemgalē.")
    page.get_by_label("Vērtējumu skaits katrai idejai").fill("2")
    coordinator.click(page.get_by_role("button", name="Saglabāt kā melnrakstu"))
    coordinator.flash("Hakatons ir saglabāts kā melnraksts. Pievienojiet vērtēšanas kritērijus "
                      "un pēc tam atveriet hakatonu.")
    coordinator.heading("Vērtēšanas kritēriji")
    story["slug"] = re.search(r"/hackathons/([^/]+)/criteria", page.url).group(1)

    # Two criteria, the first weighing twice as much.
    for criterion in CRITERIA:
        page.get_by_label("Nosaukums", exact=True).fill(criterion["name"])
        page.get_by_label("Ko vērtētāji ņem vērā").fill(criterion["what"])
        page.get_by_label("Svars").fill(criterion["weight"])
        page.get_by_label("Maksimālais punktu skaits").fill(criterion["max"])
        coordinator.click(page.get_by_role("button", name="Pievienot kritēriju"))
        coordinator.flash("Kritērijs ir pievienots.")
    table = page.get_by_role("table", name="Vērtēšanas kritēriji")
    expect(table.get_by_role("row")).to_have_count(3)
    first = table.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_contain_text("Ietekme uz iedzīvotājiem")
    expect(first.get_by_role("cell").nth(1)).to_have_text("2")  # the weight

    # The jury: three judges from three other municipalities, each told by e-mail.
    manage = page.get_by_role("navigation", name="Hakatona pārvaldība")
    coordinator.click(manage.get_by_role("link", name="Žūrija"))
    coordinator.heading("Žūrija")
    for judge in JUDGES:
        page.get_by_label("Vērtētāja e-pasta adrese").fill(judge["email"])
        coordinator.click(page.get_by_role("button", name="Pievienot žūrijai"))
        coordinator.flash(f"{judge['name']} tagad ir žūrijas sastāvā; paziņojums nosūtīts "
                          "pa e-pastu.")
    jury = page.get_by_role("table", name="Žūrijas locekļi")
    expect(jury.get_by_role("row")).to_have_count(4)
    expect(jury).to_contain_text("Aizkraukles novads")
    mail = coordinator.server.last_mail(JUDGE["email"])
    assert mail.subject == f"Jūs esat hakatona „{HACKATHON}” žūrijas sastāvā"
    story["judge_mail_link"] = mail.link("/reviews")

    # Open it. (The jury page has the judging menu, without the phase page: back through
    # the public page, which has the whole management menu.)
    coordinator.click(page.get_by_role("navigation", name="Vērtēšana")
                      .get_by_role("link", name="Publiskā lapa"))
    coordinator.click(manage.get_by_role("link", name="Fāze un vēsture"))
    coordinator.click(page.get_by_role("button", name="Pāriet uz fāzi „Pieteikšanās atvērta”"))
    coordinator.flash("Hakatons tagad ir fāzē „Pieteikšanās atvērta”.")
    expect(page.get_by_role("table", name="Fāžu vēsture")).to_contain_text(COORDINATOR["name"])

    keep_session(coordinator, story, "coordinator")


# --- 2. the municipal team: register, team, colleague, the idea by keyboard, PDF, submit ------

def test_employee_registers_forms_a_team_and_submits_an_idea_written_by_keyboard(
        story, new_journey):
    needs(story, "slug")
    employee = new_journey("employee")
    page = employee.page

    # She finds the hackathon: open, with its criteria…
    employee.goto("/hackathons/")
    employee.click(employee.main().get_by_role("link", name=HACKATHON))
    expect(page.locator(".hackathon-meta .phase")).to_have_text("Pieteikšanās atvērta")
    expect(page.get_by_role("table", name="Vērtēšanas kritēriji")).to_contain_text("Īstenojamība")

    # …registers, and confirms her address from the e-mail.
    employee.click(page.get_by_role("banner").get_by_role("link", name="Reģistrēties",
                                                                   exact=True))
    page.get_by_label("Vārds un uzvārds").fill(EMPLOYEE["name"])
    page.get_by_label("E-pasta adrese").fill(EMPLOYEE["email"])
    page.get_by_label("Pašvaldība, kurā strādājat").select_option(label="Dobeles novads")
    page.get_by_label("Parole", exact=True).fill(PASSWORD)
    page.get_by_label("Parole vēlreiz").fill(PASSWORD)
    employee.click(employee.main().get_by_role("button", name="Reģistrēties"))
    employee.heading("Pārbaudiet e-pastu")
    employee.goto(employee.server.last_mail(EMPLOYEE["email"]).link("/confirm/"))
    employee.click(page.get_by_role("button", name="Apstiprināt manu e-pasta adresi"))
    employee.flash("Jūsu e-pasta adrese ir apstiprināta.")
    sign_in(employee, EMPLOYEE["email"])
    expect(page.get_by_role("banner").get_by_role("link", name=EMPLOYEE["name"])).to_be_visible()

    # A team: Dobele leads (from her profile), Jelgavas novads is the partner.
    employee.click(page.get_by_role("navigation", name="Galvenā navigācija")
                   .get_by_role("link", name="Manas komandas"))
    employee.click(employee.main().get_by_role("link", name="Izveidot komandu"))
    page.get_by_label("Komandas nosaukums").fill(TEAM)
    expect(page.get_by_label("Vadošā pašvaldība").locator("option:checked")
           ).to_have_text("Dobeles novads")
    page.get_by_label("Jelgavas novads", exact=True).check()
    employee.click(page.get_by_role("button", name="Izveidot komandu"))
    employee.flash("Komanda ir izveidota. Jūs to vadāt: uzaiciniet komandas dalībniekus.")
    employee.heading(TEAM)
    employee.sees("Jelgavas novads")
    team_url = page.url

    # She invites her colleague…
    page.get_by_label("Uzaicināmās personas e-pasta adrese").fill(COLLEAGUE["email"])
    employee.click(page.get_by_role("button", name="Nosūtīt uzaicinājumu"))
    employee.flash(f"Uzaicinājums ir nosūtīts uz adresi {COLLEAGUE['email']}.")
    expect(page.get_by_role("table", name="Neatbildētie uzaicinājumi")
           ).to_contain_text(COLLEAGUE["email"])

    # …who opens the link in the e-mail, signs in from there and accepts.
    colleague = new_journey("colleague")
    invitation = colleague.server.last_mail(COLLEAGUE["email"])
    assert invitation.subject == f"Uzaicinājums pievienoties komandai „{TEAM}” Talkā"
    colleague.goto(invitation.link("/teams/invitations/"))
    colleague.heading(f"Uzaicinājums pievienoties komandai „{TEAM}”")
    colleague.click(colleague.main().get_by_role("link", name="Pieslēgties, lai pieņemtu"))
    sign_in(colleague, COLLEAGUE["email"])
    colleague.heading(f"Uzaicinājums pievienoties komandai „{TEAM}”")
    colleague.click(colleague.page.get_by_role("button", name="Pieņemt un pievienoties komandai"))
    colleague.flash(f"Laipni lūdzam komandā „{TEAM}”!")
    expect(colleague.page.get_by_role("table", name="Komandas dalībnieki")
           ).to_contain_text(EMPLOYEE["name"])

    employee.goto(team_url.removeprefix(employee.server.url))
    members = page.get_by_role("table", name="Komandas dalībnieki")
    expect(members.get_by_role("row")).to_have_count(3)
    expect(members.get_by_role("row", name=re.compile(COLLEAGUE["name"]))
           ).to_contain_text("Dalībnieks")
    employee.sees("Neviens uzaicinājums negaida atbildi.")

    # The idea, by keyboard alone: from the hackathon's page to the saved draft.
    employee.goto(f"/hackathons/{story['slug']}")
    employee.tab_to(employee.main().get_by_role("link", name="Rakstīt ideju"))
    employee.assert_focus_visible()
    employee.press("Enter")
    employee.heading(f"Jauna ideja hakatonam „{HACKATHON}”")
    expect(page.get_by_label("Komanda").locator("option:checked")
           ).to_have_text(f"{TEAM} (Dobeles novads)")
    name, baseline, target = IDEA["indicator"]
    order = tab_through(employee, from_afar=True, fields=[
        ("team", page.get_by_label("Komanda"), None),  # her only team is chosen already
        ("title", page.locator("#title"), IDEA["title"]),
        ("summary", page.get_by_label("Īss kopsavilkums"), IDEA["summary"]),
        ("problem", page.get_by_label("Problēma"), IDEA["problem"]),
        ("solution", page.get_by_label("Piedāvātais risinājums"), IDEA["solution"]),
        ("target group", page.get_by_label("Mērķa grupa"), IDEA["target_group"]),
        ("impact", page.get_by_label("Sagaidāmā ietekme"), IDEA["expected_impact"]),
        ("indicator", page.get_by_role("group", name="1. rādītājs").get_by_label("Nosaukums"),
         name),
        ("baseline", page.get_by_role("group", name="1. rādītājs")
         .get_by_label("Bāzes vērtība"), baseline),
        ("target", page.get_by_role("group", name="1. rādītājs")
         .get_by_label("Mērķa vērtība"), target),
    ])
    # Two empty indicator rows (three fields each) come next; then the budget.
    passed = employee.tab_to(page.get_by_label("Plānotais budžets (EUR)"), limit=7)
    assert len(passed) == 7, passed
    employee.assert_focus_visible()
    employee.type(IDEA["budget"])
    order.append(employee.focused())
    order += tab_through(employee, [
        ("months", page.get_by_label("Ilgums mēnešos"), IDEA["months"]),
        ("partners", page.get_by_label("Partneri"), IDEA["partners"]),
        ("save", page.get_by_role("button", name="Saglabāt melnrakstu"), None),
    ])
    assert order == ["select#team_id", "input#title", "textarea#summary", "textarea#problem",
                     "textarea#solution", "textarea#target_group", "textarea#expected_impact",
                     "input#indicators-0-name", "input#indicators-0-baseline",
                     "input#indicators-0-target", "input#budget_eur", "input#duration_months",
                     "textarea#partners", 'button "Saglabāt melnrakstu"']
    employee.press("Enter")
    employee.flash("Ideja ir saglabāta.")
    employee.heading(IDEA["title"])
    expect(page.locator(".idea-meta .idea-status")).to_have_text("Melnraksts")
    employee.sees("Šis ir melnraksts, un to redz tikai komanda.")
    employee.does_not_see("Lai ideju varētu iesniegt, vēl jāaizpilda:")
    idea_url = page.url.removeprefix(employee.server.url)
    story["idea_id"] = int(idea_url.rsplit("/", 1)[1])

    # A PDF: the cost estimate.
    pdf = small_pdf("Dobele: udens skaititaju tames aprekins")
    employee.click(employee.main().get_by_role("link", name="Pielikumi", exact=True))
    employee.heading("Pielikumi")
    page.get_by_label("Datne").set_input_files(
        {"name": "Tāmes aprēķins.pdf", "mimeType": "application/pdf", "buffer": pdf})
    employee.click(page.get_by_role("button", name="Augšupielādēt"))
    employee.flash("Datne „Tāmes aprēķins.pdf” ir pievienota.")
    expect(page.get_by_role("table", name="Pievienotās datnes")).to_contain_text("PDF")
    story["pdf"] = pdf

    # Submit: the idea shows as submitted, and the whole team is told.
    employee.click(page.get_by_role("link", name="Atpakaļ uz ideju"))
    employee.click(page.get_by_role("button", name="Iesniegt ideju"))
    employee.flash("Ideja ir iesniegta; tās reģistrācijas numurs ir TLK-")  # a receipt
    expect(page.locator(".idea-meta .idea-status")).to_have_text("Iesniegts")
    employee.sees("Iesniegta: ")
    employee.sees("Pašvaldība: Dobeles novads; partnerpašvaldības: Jelgavas novads")
    expect(page.get_by_role("region", name="Pielikumi").get_by_role(
        "link", name="Tāmes aprēķins.pdf")).to_be_visible()
    for person in (EMPLOYEE, COLLEAGUE):
        mail = employee.server.last_mail(person["email"])
        assert mail.subject == f"Ideja iesniegta: {IDEA['title']}"
        assert mail.link("/ideas/") == idea_url
    story["submitted"] = True


# --- 3. two more ideas; the coordinator closes submissions and starts judging -----------------

def submit_through_the_api(server, slug: str, author: dict, idea: dict, token: str) -> int:
    """A team of `author`'s municipality submits `idea` through /api/v1 (with a token)."""
    status, municipalities = server.api_get("/api/v1/municipalities?region=zemgale")
    assert status == 200
    municipality = next(m["id"] for m in municipalities if m["name"] == author["municipality"])
    status, hackathons = server.api_get("/api/v1/hackathons?per_page=100", token)
    hackathon = next(h["id"] for h in hackathons["items"] if h["slug"] == slug)
    status, team = server.api_send("POST", "/api/v1/teams", token, {
        "name": idea["team"], "municipality_id": municipality})
    assert status == 201, team
    status, body = server.api_send("POST", f"/api/v1/hackathons/{hackathon}/ideas", token, {
        "team_id": team["id"], "title": idea["title"],
        "summary": "Īss kopsavilkums.", "problem": "Problēma.", "solution": "Risinājums.",
        "target_group": "Iedzīvotāji.", "expected_impact": "Ietekme.",
        "budget_eur": "20000", "duration_months": 6,
        "indicators": [{"name": "Rādītājs", "baseline": "1", "target": "2"}]})
    assert status == 201, body
    status, body = server.api_send("POST", f"/api/v1/ideas/{body['id']}/submit", token)
    assert status == 200 and body["status"] == "submitted", body
    return body["id"]


def test_coordinator_starts_judging_early_and_every_idea_gets_two_judges(story, new_journey,
                                                                          live_server):
    needs(story, "submitted", "coordinator_cookies")
    for author, key in zip((BAUSKA, AIZKRAUKLE), OTHER_IDEAS, strict=True):
        story[f"{key}_id"] = submit_through_the_api(live_server, story["slug"], author,
                                                    OTHER_IDEAS[key],
                                                    story["tokens"][author["email"]])

    coordinator = new_journey("coordinator")
    page = coordinator.page
    resume(coordinator, story, "coordinator")
    coordinator.goto(f"/hackathons/{story['slug']}/phase")
    page.get_by_label("Iemesls (nav obligāti)").fill("Visas pašvaldības jau iesniegušas idejas.")
    coordinator.click(page.get_by_role("button", name="Pāriet uz fāzi „Vērtēšana”"))
    coordinator.flash("Hakatons tagad ir fāzē „Vērtēšana”.")
    expect(page.get_by_role("table", name="Fāžu vēsture")
           ).to_contain_text("Visas pašvaldības jau iesniegušas idejas.")

    # The dashboard: assignments built when judging started, two per judge.
    manage = page.get_by_role("navigation", name="Hakatona pārvaldība")
    coordinator.click(manage.get_by_role("link", name="Vērtēšana", exact=True))
    coordinator.heading("Vērtēšanas pārskats")
    expect(reviews_done(page)).to_have_text("0 no 6")
    assignments = page.get_by_role("region", name="Ideju sadale vērtētājiem")
    expect(assignments).to_contain_text("automātiski, sākoties vērtēšanai")
    expect(assignments).to_contain_text(
        "Visām iesniegtajām idejām ir piešķirts pilns vērtētāju skaits.")
    judges = page.get_by_role("table", name="Vērtēšanas gaita pa vērtētājiem")
    for judge in JUDGES:
        expect(judges.get_by_role("row", name=re.compile(judge["name"]))).to_contain_text("0 no 2")
    ranking = page.get_by_role("table", name="Vērtējumu tabula ar sadalījumu pa kritērijiem")
    expect(ranking.get_by_role("row")).to_have_count(4)
    # Nobody judges an idea of their own municipality.
    expect(ranking.get_by_role("row", name=re.compile(OTHER_IDEAS["aizkraukle"]["title"]))
           ).not_to_contain_text(JUDGE["name"])
    keep_session(coordinator, story, "coordinator")
    story["judging"] = True


# --- 4. the judge: scores by keyboard, declares a conflict, submits ----------------------------

def test_judge_scores_by_keyboard_declares_a_conflict_and_sees_one_of_one(story, new_journey):
    needs(story, "judging", "judge_mail_link")
    judge = new_journey("judge")
    page = judge.page

    # From the link in the e-mail: signed out, so first the sign-in page.
    judge.goto(story["judge_mail_link"])
    sign_in(judge, JUDGE["email"])
    judge.heading("Mani vērtējumi")
    assignment_mail = judge.server.last_mail(JUDGE["email"])
    assert assignment_mail.subject == f"Idejas vērtēšanai hakatonā „{HACKATHON}” (2)"
    mine = page.get_by_role("region", name=HACKATHON)
    expect(mine).to_contain_text("Paveikts: 0 no 2")
    rows = mine.get_by_role(
        "table", name=f"Hakatonā „{HACKATHON}” jums vērtēšanai piešķirtās idejas")
    expect(rows.get_by_role("row")).to_have_count(3)
    expect(rows).not_to_contain_text(OTHER_IDEAS["aizkraukle"]["title"])  # her own municipality

    # The Dobele idea: its text, team and PDF are there to read.
    judge.click(rows.get_by_role("link", name=IDEA["title"]))
    judge.heading(f"Vērtējums: {IDEA['title']}")
    judge.sees(TEAM)
    judge.sees(IDEA["problem"])
    attachment = judge.main().get_by_role("link", name="Tāmes aprēķins.pdf")
    download = page.context.request.get(judge.url(attachment.get_attribute("href")))
    assert download.ok and download.body() == story["pdf"]

    # Scored with the keyboard alone, from the top of the page to "Submit".
    impact = page.get_by_role("group", name=re.compile("^Ietekme uz iedzīvotājiem"))
    feasibility = page.get_by_role("group", name=re.compile("^Īstenojamība"))
    score_label = "Punkti (0–10, ar soli 0,5)"
    order = tab_through(judge, from_afar=True, fields=[
        ("impact score", impact.get_by_label(score_label), "8"),
        ("impact comment", impact.get_by_label(
            "Komentārs par kritēriju „Ietekme uz iedzīvotājiem” (nav obligāti)"),
         "Jūtams ieguvums."),
        ("feasibility score", feasibility.get_by_label(score_label), "7"),
        ("feasibility comment", feasibility.get_by_label(
            "Komentārs par kritēriju „Īstenojamība” (nav obligāti)"), None),
        ("overall comment", page.get_by_label("Kopējais komentārs"),
         "Labi pamatota."),
        ("save", page.get_by_role("button", name="Saglabāt", exact=True), None),
        ("save and next", page.get_by_role("button", name="Saglabāt un turpināt ar nākamo"),
         None),
        ("submit", page.get_by_role("button", name="Iesniegt vērtējumu"), None),
    ])
    assert [o.split("#")[0].split(" ")[0] for o in order] == [
        "input", "textarea", "input", "textarea", "textarea", "button", "button", "button"]
    judge.press("Enter")
    judge.flash(f"Jūsu vērtējums par ideju „{IDEA['title']}” ir iesniegts. Paldies!")

    # Open work first: she is sent straight on to her other idea. Her brother works there;
    # the conflict goes on record with its reason.
    bauska = OTHER_IDEAS["bauska"]["title"]
    judge.sees(bauska)
    judge.click(page.get_by_role("link", name="Man ir interešu konflikts saistībā ar šo ideju"))
    judge.heading("Deklarēt interešu konfliktu")
    page.get_by_label("Kāpēc jums ir interešu konflikts?").fill(
        "Mans brālis vada Bauskas novada pašvaldības apgaismojuma nodaļu.")
    judge.click(page.get_by_role("button", name="Deklarēt interešu konfliktu"))
    judge.flash("Jūsu interešu konflikts ir reģistrēts; šī ideja jums vairs nav jāvērtē. "
                "Idejai ir piešķirts cits vērtētājs.")
    judge.heading("Mani vērtējumi")
    expect(mine).to_contain_text("Paveikts: 1 no 1")
    expect(rows.get_by_role("row", name=re.compile(IDEA["title"]))).to_contain_text("✓ Iesniegts")
    conflicted = rows.get_by_role("row", name=re.compile(bauska))
    expect(conflicted).to_contain_text("✗ Interešu konflikts")
    expect(conflicted.get_by_role("link")).to_have_count(0)  # no longer hers to open
    story["conflict"] = True


# --- 5. the coordinator sees the conflict and the idea with another judge ---------------------

def test_coordinator_sees_the_conflict_and_the_idea_moved_to_another_judge(story, new_journey):
    needs(story, "conflict", "coordinator_cookies")
    coordinator = new_journey("coordinator")
    page = coordinator.page
    resume(coordinator, story, "coordinator")
    coordinator.goto(f"/hackathons/{story['slug']}/judging")
    coordinator.heading("Vērtēšanas pārskats")
    expect(reviews_done(page)).to_have_text("1 no 6")

    conflicts = page.get_by_role("table", name="Deklarētie interešu konflikti")
    expect(conflicts.get_by_role("row")).to_have_count(2)
    row = conflicts.get_by_role("row").nth(1)
    expect(row).to_contain_text(JUDGE["name"])
    expect(row).to_contain_text(OTHER_IDEAS["bauska"]["title"])
    expect(row).to_contain_text("Mans brālis vada Bauskas novada pašvaldības apgaismojuma nodaļu.")

    assignments = page.get_by_role("region", name="Ideju sadale vērtētājiem")
    expect(assignments).to_contain_text("pēc deklarēta interešu konflikta")
    expect(assignments).to_contain_text(
        "Visām iesniegtajām idejām ir piešķirts pilns vērtētāju skaits.")

    # Progress: she is done with her one idea; one of the others now has three.
    judges = page.get_by_role("table", name="Vērtēšanas gaita pa vērtētājiem")
    mine = judges.get_by_role("row", name=re.compile(JUDGE["name"]))
    expect(mine).to_contain_text("1 no 1")
    expect(mine).to_contain_text("Izpildīts")
    others = [judges.get_by_role("row", name=re.compile(j["name"])).inner_text()
              for j in (JUDGE_RIGA, JUDGE_CESIS)]
    assert sorted("0 no 3" in text for text in others) == [False, True], others
    assert all("0 no 2" in text or "0 no 3" in text for text in others), others
    taker = (JUDGE_RIGA, JUDGE_CESIS)[["0 no 3" in text for text in others].index(True)]

    # The Bauska idea: her review marked as a conflict, two judges still to score it.
    ranking = page.get_by_role("table", name="Vērtējumu tabula ar sadalījumu pa kritērijiem")
    bauska = ranking.get_by_role("row", name=re.compile(OTHER_IDEAS["bauska"]["title"]))
    expect(bauska).to_contain_text(f"{JUDGE['name']}: Interešu konflikts")
    expect(bauska).to_contain_text(f"{taker['name']}: Gaida vērtējumu")
    dobele = ranking.get_by_role("row", name=re.compile(IDEA["title"]))
    expect(dobele).to_contain_text(f"{JUDGE['name']}: ")
    expect(dobele).to_contain_text("1 no 2")

    # The judge who took it over was told.
    mail = coordinator.server.last_mail(taker["email"])
    assert mail.subject == f"Idejas vērtēšanai hakatonā „{HACKATHON}” (1)"
