"""The team's pages: one screen for a measurement or an expense, charts with their data
tables, the milestone timeline, the evidence rule, the conflict page, reports for approval."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.models_plan import Milestone
from tests.conftest import login, read_in_english
from tests.factories_pilots import add_milestone, add_report, pilot_world

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def world(db):
    return pilot_world()


def _day(offset: int = 0) -> str:
    return (today_riga() + timedelta(days=offset)).isoformat()


def test_one_screen_records_a_measurement_and_an_expense(client, world):
    login(client, world.member)
    pid = world.pilot.id
    page = client.get(f"/pilots/{pid}/record")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'action="/en/pilots/{pid}/measurements"' in text
    assert f'action="/en/pilots/{pid}/expenses"' in text
    indicator = world.pilot.indicators[0]
    saved = client.post(f"/pilots/{pid}/measurements", data={
        "m-indicator_id": str(indicator.id), "m-value": "96,5", "m-measured_on": _day(),
        "m-note": "Norēķinu sistēma"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/pilots/{pid}/record")
    spent = client.post(f"/pilots/{pid}/expenses", data={
        "e-amount_eur": "1 250,40", "e-spent_on": _day(-1), "e-description": "Skaitītāji",
        "e-document": (io.BytesIO(PDF), "rēķins.pdf")}, content_type="multipart/form-data")
    assert spent.status_code == 302
    db.session.expire_all()
    pilot = db.session.get(Pilot, pid)
    assert pilot.indicators[0].measurements[0].value == Decimal("96.5")
    assert pilot.spent_eur == Decimal("1250.40")
    assert pilot.expenses[0].document.filename == "rēķins.pdf"
    again = client.get(f"/pilots/{pid}/record").get_data(as_text=True)
    assert "Skaitītāji" in again  # listed under "recorded last"


def test_the_quick_screen_keeps_what_was_typed_when_something_is_wrong(client, world):
    login(client, world.member)
    pid = world.pilot.id
    response = client.post(f"/pilots/{pid}/expenses", data={
        "e-amount_eur": "-40", "e-spent_on": _day(), "e-description": "Degviela"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The amount cannot be negative." in text
    assert 'value="Degviela"' in text
    before = (world.pilot.indicators[0].baseline_on - timedelta(days=3)).isoformat()
    response = client.post(f"/pilots/{pid}/measurements", data={
        "m-indicator_id": str(world.pilot.indicators[0].id), "m-value": "80",
        "m-measured_on": before})
    assert response.status_code == 422
    assert "before the indicator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pilot, pid).expenses == []


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(client, world):
    login(client, world.member)
    response = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-amount_eur": "10", "e-spent_on": _day(), "e-description": "X",
        "e-document": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "rēķins.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Upload a PDF" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).expenses == []



def test_a_refused_expense_keeps_no_orphan_document_of_its_invoice(client, world):
    login(client, world.member)
    response = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-amount_eur": "-10", "e-spent_on": _day(), "e-description": "Rēķins bez summas",
        "e-document": (io.BytesIO(PDF), "rēķins.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'value="Rēķins bez summas"' in response.get_data(as_text=True)
    db.session.expire_all()
    pilot = db.session.get(Pilot, world.pilot.id)
    assert pilot.expenses == []
    assert pilot.documents == []  # the invoice stored with it went with the refused expense

def test_indicator_charts_have_a_data_table_beside_them(client, world, token_for):
    indicator = world.pilot.indicators[0]
    for offset, value in ((-40, "110"), (-20, "90"), (0, "75")):
        client.post(f"/api/v1/indicators/{indicator.id}/measurements",
                    headers=token_for(world.member),
                    json={"value": value, "measured_on": _day(offset), "note": "Uzskaite"})
    login(client, world.member)
    text = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert f'aria-labelledby="indicator-{indicator.id}-title indicator-{indicator.id}-desc"' \
        in text
    assert 'class="chart"' in text and "chart-line" in text
    assert '<table class="chart-table">' in text
    assert "50 %" in text  # the achievement of 75 against 120 → 30
    assert " style=" not in text  # the CSP allows no inline styles


def test_the_milestone_timeline_shows_what_is_overdue_in_words(client, world):
    add_milestone(world.pilot, title="Iepirkums", due=today_riga() - timedelta(days=5))
    add_milestone(world.pilot, title="Atklāšana", due=today_riga() + timedelta(days=40))
    login(client, world.member)
    text = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert text.index("Iepirkums") < text.index("Atklāšana")
    assert "Overdue by 5 days" in text
    assert 'class="ms-timeline"' in text


def test_marking_a_milestone_done_asks_for_evidence_where_required(client):
    world = pilot_world(evidence_required=True)
    milestone = add_milestone(world.pilot, title="Līgums")
    login(client, world.member)
    form = client.get(f"/milestones/{milestone.id}/edit?status=done")
    assert form.status_code == 200
    data = {"title": "Līgums", "due_date": milestone.due_date.isoformat(), "weight": "1",
            "status": "done", "completed_on": "", "evidence_text": "", "evidence_url": ""}
    refused = client.post(f"/milestones/{milestone.id}/edit", data=data)
    assert refused.status_code == 422
    assert "requires evidence" in refused.get_data(as_text=True)
    done = client.post(f"/milestones/{milestone.id}/edit", content_type="multipart/form-data",
                       data={**data, "document": (io.BytesIO(PDF), "akts.pdf")})
    assert done.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Milestone, milestone.id)
    assert saved.status.value == "done"
    assert saved.evidence_document.filename == "akts.pdf"


def test_a_stale_edit_shows_the_conflict_page_and_keeps_the_users_values(client, world,
                                                                         token_for):
    login(client, world.coordinator)
    form = client.get(f"/pilots/{world.pilot.id}/edit").get_data(as_text=True)
    import re

    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    version = version or re.search(r'type="hidden" name="version" value="(\d+)"', form)
    version = version or re.search(r'id="version" name="version" type="hidden" value="(\d+)"',
                                   form)
    assert version, form
    # Someone else saves first.
    client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=token_for(world.member),
                 json={"title": "Komandas nosaukums"})
    response = client.post(f"/pilots/{world.pilot.id}/edit", data={
        "version": version.group(1), "title": "Koordinatora nosaukums", "summary": "",
        "start_date": world.pilot.start_date.isoformat(),
        "end_date": world.pilot.end_date.isoformat(), "budget_eur": "10000.00",
        "lead_municipality_id": str(world.pilot.lead_municipality_id),
        "partner_municipality_ids": [str(m.id) for m in world.pilot.partner_municipalities],
        "coordinator_id": str(world.coordinator.id)})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Someone saved this pilot after you opened it" in text
    assert "Komandas nosaukums" in text  # theirs, beside the field
    assert 'value="Koordinatora nosaukums"' in text  # mine, still in the form
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).title == "Komandas nosaukums"


def test_a_coordinator_approves_or_returns_reports_from_the_pages(client, world, outbox):
    waiting = add_report(world.pilot, public=True, body="Publiskā atskaite.")
    waiting.created_by_id = world.member.id
    db.session.commit()
    other = add_report(world.pilot, public=True, body="Vēl viena.")
    login(client, world.coordinator)
    portfolio = client.get("/pilots/portfolio").get_data(as_text=True)
    assert "Publiskā atskaite." in portfolio
    first = portfolio[portfolio.index(f'id="waiting-{waiting.id}-h"'):]
    first = first[:first.index("</article>")]
    assert f'/pilots/{world.pilot.id}#reports' in first and world.pilot.title in first
    assert f"{world.member.name}." in first
    assert f'/pilots/{world.pilot.id}#report-{waiting.id}-h' in first
    later = portfolio[portfolio.index(f'id="waiting-{other.id}-h"'):].split("</article>")[0]
    assert "—." in later  # no author on record
    response = client.post(f"/updates/{waiting.id}/approve", data={"back": "portfolio"})
    assert response.status_code == 302 and "/pilots/portfolio" in response.headers["Location"]
    returned = client.post(f"/updates/{other.id}/return", data={"note": "Par īsu."})
    assert returned.status_code == 302
    db.session.expire_all()
    assert waiting.status.value == "approved" and other.status.value == "returned"
    assert any("Par īsu." in m.body for m in outbox(world.member.email))



def test_returning_a_report_without_a_note_says_what_is_missing(client, world):
    waiting = add_report(world.pilot, public=True, body="Atskaite bez piezīmes.")
    login(client, world.coordinator)
    response = client.post(f"/updates/{waiting.id}/return", data={"note": "  "},
                           follow_redirects=True)
    assert "Write what the team should change before returning the report." in \
        response.get_data(as_text=True)
    db.session.expire_all()
    assert waiting.status.value == "submitted"

def test_the_team_writes_a_public_report_that_waits_for_approval(client, world):
    login(client, world.member)
    response = client.post(f"/pilots/{world.pilot.id}/updates/new", data={
        "reported_on": "", "body": "Uzstādīti skaitītāji.", "public": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    update = db.session.get(Pilot, world.pilot.id).updates[0]
    assert update.status.value == "submitted" and update.reported_on == today_riga()


def test_the_status_form_and_the_evaluation_page(client, world):
    login(client, world.coordinator)
    response = client.post(f"/pilots/{world.pilot.id}/status",
                           data={"status": "completed", "reason": "Mērķi sasniegti."})
    assert response.status_code == 302
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert "Mērķi sasniegti." in page
    assert client.get(f"/pilots/{world.pilot.id}/evaluation").status_code == 200
    missing = client.post(f"/pilots/{world.pilot.id}/evaluation", data={"results": "Labi."})
    assert missing.status_code == 422
    saved = client.post(f"/pilots/{world.pilot.id}/evaluation", data={
        "results": "Kļūdu skaits samazinājās.", "lessons": "Sākt agrāk.",
        "recommendation": "adapt"})
    assert saved.status_code == 302
    assert "Kļūdu skaits samazinājās." in client.get(
        f"/pilots/{world.pilot.id}").get_data(as_text=True)


def test_the_status_choices_come_in_the_order_of_the_statuses(client, world):
    """The allowed moves are a set: listed as they come, they would change places from one
    process to the next."""
    import re

    from app.pilots.states import PILOT_TRANSITIONS, PilotStatus

    login(client, world.coordinator)
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    form = page[page.index('class="status-change"'):]
    form = form[:form.index("</select>")]
    shown = re.findall(r'<option value="([a-z_]+)"', form)
    assert len(shown) >= 2
    order = [s.value for s in PilotStatus]
    assert shown == sorted(shown, key=order.index)
    assert set(shown) <= {s.value for s in PILOT_TRANSITIONS[world.pilot.status]}


def test_my_pilots_lists_the_teams_pilots(client, world):
    login(client, world.member)
    text = client.get("/pilots/mine").get_data(as_text=True)
    assert world.pilot.title in text
    login(client, world.outsider)
    assert world.pilot.title not in client.get("/pilots/mine").get_data(as_text=True)


def test_adding_milestones_and_indicators_from_the_pages(client, world):
    login(client, world.member)
    pid = world.pilot.id
    bad = client.post(f"/pilots/{pid}/milestones/new", data={
        "title": "Iepirkums", "due_date": _day(20), "weight": "0"})
    assert bad.status_code == 422 and "more than zero" in bad.get_data(as_text=True)
    ok = client.post(f"/pilots/{pid}/milestones/new", data={
        "title": "Iepirkums", "due_date": _day(20), "weight": "2", "another": "1"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/milestones/new")
    indicator = client.post(f"/pilots/{pid}/indicators/new", data={
        "name": "Zvani klientu centram", "unit": "zvani", "direction": "decrease",
        "baseline": "400", "target": "250", "baseline_on": "", "target_on": ""})
    assert indicator.status_code == 302
    db.session.expire_all()
    pilot = db.session.get(Pilot, pid)
    assert [m.title for m in pilot.milestones] == ["Iepirkums"]
    assert pilot.indicators[-1].baseline_on == pilot.start_date


def test_the_quick_screen_works_with_csrf_protection(client, world, csrf_enabled):
    import re

    read_in_english(client)  # the member's account is in English: its pages are at /en/
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    client.post("/login", data={"email": world.member.email, "csrf_token": token,
                                "password": "a long and quiet evening"})
    text = client.get(f"/pilots/{world.pilot.id}/record").get_data(as_text=True)
    token = re.search(r'name="e-csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    refused = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-amount_eur": "10", "e-spent_on": _day(), "e-description": "Bez žetona"})
    assert refused.status_code == 400
    saved = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-csrf_token": token, "e-amount_eur": "10", "e-spent_on": _day(),
        "e-description": "Ar žetonu"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [e.description for e in db.session.get(Pilot, world.pilot.id).expenses] == [
        "Ar žetonu"]


def test_the_openapi_document_lists_the_pilot_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/ideas/{idea_id}/pilot", "/api/v1/pilots", "/api/v1/pilots/{pilot_id}",
                 "/api/v1/pilots/{pilot_id}/milestones", "/api/v1/milestones/{milestone_id}",
                 "/api/v1/pilots/{pilot_id}/indicators",
                 "/api/v1/indicators/{indicator_id}/measurements",
                 "/api/v1/pilots/{pilot_id}/expenses", "/api/v1/pilots/{pilot_id}/updates"):
        assert path in paths, path
    assert set(paths["/api/v1/pilots/{pilot_id}"]) >= {"get", "patch"}
