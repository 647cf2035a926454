"""Who may see and change a pilot: team member, another user, coordinators of its own and of
another region, a national coordinator, an administrator, and the anonymous visitor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from tests.conftest import login
from tests.factories_pilots import add_milestone, add_report, pilot_world

ROLES = ["member", "lead", "coordinator", "national", "admin", "other_coordinator", "outsider",
         "anonymous"]
INSIDERS = {"member", "lead", "coordinator", "national", "admin"}
MANAGERS = {"coordinator", "national", "admin"}


@pytest.fixture
def world(db):
    world = pilot_world()
    world.milestone = add_milestone(world.pilot)
    world.report = add_report(world.pilot, public=True)  # submitted, waiting
    world.internal = add_report(world.pilot, body="Tikai komandai.")
    return world


def _user(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _headers(token_for, world, role):
    user = _user(world, role)
    return token_for(user) if user else {}


@pytest.mark.parametrize("role", ROLES)
def test_the_pilot_page_is_public_and_its_internal_parts_are_for_insiders(client, world, role):
    """Everyone reads the public parts; the team and its coordinators the rest."""
    user = _user(world, role)
    if user:
        login(client, user)
    response = client.get(f"/pilots/{world.pilot.id}")
    assert response.status_code == 200
    assert ("Tikai komandai." in response.get_data(as_text=True)) is (role in INSIDERS)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_public_fields_to_anyone_and_internal_ones_to_insiders(
        client, token_for, world, role):
    response = client.get(f"/api/v1/pilots/{world.pilot.id}",
                          headers=_headers(token_for, world, role))
    assert response.status_code == 200
    body = response.json
    assert {"progress", "health", "spent_eur"} <= set(body)
    internal = role in INSIDERS
    assert ("version" in body) is internal
    assert ("expenses" in body) is internal
    assert ("evidence" in body["milestones"][0]) is internal
    bodies = [u["body"] for u in body["updates"]]
    assert ("Tikai komandai." in bodies) is internal


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_a_pilot(client, token_for, world, role):
    response = client.patch(f"/api/v1/pilots/{world.pilot.id}",
                            headers=_headers(token_for, world, role),
                            json={"title": f"Labots: {role}"})
    expected = 200 if role in INSIDERS else 401 if role == "anonymous" else 403
    assert response.status_code == expected
    db.session.expire_all()
    changed = db.session.get(Pilot, world.pilot.id).title == f"Labots: {role}"
    assert changed is (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_milestones_measurements_expenses_and_reports(client, token_for, world,
                                                                     role):
    headers = _headers(token_for, world, role)
    today = today_riga().isoformat()
    pid = world.pilot.id
    calls = [
        ("post", f"/api/v1/pilots/{pid}/milestones", {"title": "X", "due_date": today}),
        ("patch", f"/api/v1/milestones/{world.milestone.id}", {"status": "in_progress"}),
        ("post", f"/api/v1/pilots/{pid}/indicators", {"name": "Y", "direction": "increase",
                                                     "baseline": 1, "target": 2}),
        ("post", f"/api/v1/indicators/{world.pilot.indicators[0].id}/measurements",
         {"value": 100, "measured_on": today}),
        ("post", f"/api/v1/pilots/{pid}/expenses", {"amount_eur": "5", "spent_on": today,
                                                   "description": "Z"}),
        ("post", f"/api/v1/pilots/{pid}/updates", {"body": "Atskaite"}),
    ]
    expected_ok = role in INSIDERS
    for method, url, body in calls:
        response = getattr(client, method)(url, headers=headers, json=body)
        if expected_ok:
            assert response.status_code in (200, 201), (url, response.json)
        else:
            assert response.status_code == (401 if role == "anonymous" else 403), url


@pytest.mark.parametrize("role", ROLES)
def test_only_the_pilots_coordinators_approve_reports(client, token_for, world, role):
    response = client.post(f"/api/v1/updates/{world.report.id}/approve",
                           headers=_headers(token_for, world, role))
    if role in MANAGERS:
        assert response.status_code == 200
    elif role in ("member", "lead"):
        assert response.status_code == 403
    elif role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 404  # they may not know an unpublished report exists


@pytest.mark.parametrize("role", ROLES)
def test_the_portfolio_is_for_coordinators(client, world, role):
    user = _user(world, role)
    if user:
        login(client, user)
    response = client.get("/pilots/portfolio")
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in MANAGERS or role == "other_coordinator":
        assert response.status_code == 200
        shown = world.pilot.title in response.get_data(as_text=True)
        assert shown is (role in MANAGERS)  # another region's coordinator does not see it
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["member", "coordinator", "other_coordinator", "outsider"])
def test_team_pages_refuse_outsiders(client, world, role):
    login(client, _user(world, role))
    pid = world.pilot.id
    urls = [f"/pilots/{pid}/edit", f"/pilots/{pid}/record", f"/pilots/{pid}/milestones/new",
            f"/pilots/{pid}/indicators/new", f"/pilots/{pid}/updates/new",
            f"/milestones/{world.milestone.id}/edit", f"/updates/{world.internal.id}/edit"]
    for url in urls:
        status = client.get(url).status_code
        assert status == (200 if role in INSIDERS else 404), url
    post = client.post(f"/pilots/{pid}/edit", data={"title": "Svešs", "version": "1"})
    if role in INSIDERS:
        assert post.status_code != 404
    else:
        assert post.status_code == 404


def test_an_outsider_posting_to_the_team_forms_changes_nothing(client, world):
    login(client, world.outsider)
    pid = world.pilot.id
    today = today_riga().isoformat()
    statuses = []
    for url, data in [
        (f"/pilots/{pid}/expenses", {"e-amount_eur": "10", "e-spent_on": today,
                                     "e-description": "X"}),
        (f"/pilots/{pid}/measurements", {"m-indicator_id": str(world.pilot.indicators[0].id),
                                         "m-value": "1", "m-measured_on": today}),
        (f"/pilots/{pid}/status", {"status": "on_hold"}),
        (f"/updates/{world.report.id}/approve", {}),
    ]:
        statuses.append(client.post(url, data=data).status_code)
    # The team's forms are hidden from outsiders (404, as their pages are); a public
    # report is visible to everyone, so approving it is refused (403).
    assert statuses == [404, 404, 404, 403], statuses
    db.session.expire_all()
    pilot = db.session.get(Pilot, pid)
    assert pilot.expenses == [] and pilot.status.value == "active"
    assert world.pilot.indicators[0].measurements == []


def test_documents_are_never_public(client, world, token_for):
    from tests.pilots.test_pilot_pages import PDF

    login(client, world.member)
    today = today_riga().isoformat()
    response = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-amount_eur": "99,90", "e-spent_on": today, "e-description": "Rēķins",
        "e-document": (__import__("io").BytesIO(PDF), "rēķins.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.get(Pilot, world.pilot.id).documents[0]
    url = f"/pilots/{world.pilot.id}/documents/{document.id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    client.post("/logout")
    assert client.get(url).status_code == 404
    login(client, world.other_coordinator)
    assert client.get(url).status_code == 404
    public = client.get(f"/api/v1/pilots/{world.pilot.id}").json
    assert "expenses" not in public and "documents" not in str(public)


def test_an_ended_pilot_is_read_only_for_the_team(client, token_for, world):
    client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=token_for(world.coordinator),
                 json={"status": "discontinued", "status_reason": "Nav finansējuma"})
    login(client, world.member)
    assert client.get(f"/pilots/{world.pilot.id}").status_code == 200
    assert client.get(f"/pilots/{world.pilot.id}/record").status_code == 403
    due = (today_riga() + timedelta(days=3)).isoformat()
    assert client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                       headers=token_for(world.member),
                       json={"title": "X", "due_date": due}).status_code == 403
