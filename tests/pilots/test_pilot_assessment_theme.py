"""A pilot names the assessment theme it addresses: its team or coordinators choose it, the
pilot page and the API show it."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.pilots.models import Pilot
from app.programme.models import Theme
from tests.conftest import login
from tests.factories_pilots import pilot_world
from tests.factories_programme import make_instrument


@pytest.fixture
def world(db):
    found = pilot_world()
    found.instrument = make_instrument()
    found.theme = found.instrument.themes[1]
    return found


def _edit_form(world, **changes) -> dict:
    pilot = world.pilot
    return {"version": str(pilot.version), "title": pilot.title, "summary": pilot.summary,
            "assessment_theme_id": str(world.theme.id), **changes}


def test_the_team_chooses_the_theme_in_the_pilot_form_and_the_page_shows_it(client, world):
    login(client, world.member)
    form = client.get(f"/pilots/{world.pilot.id}/edit").get_data(as_text=True)
    assert "Iedzīvotāju līdzdalība" in form  # offered among the choices
    saved = client.post(f"/pilots/{world.pilot.id}/edit", data=_edit_form(world))
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).assessment_theme_id == world.theme.id
    client.post("/logout")
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert "Iedzīvotāju līdzdalība" in page
    report = f"/programme/assessments/{world.instrument.id}/final-report"
    assert f"{report}#theme-zemgale-{world.theme.id}" in page


def test_an_unknown_theme_is_refused_beside_the_field(client, world):
    login(client, world.coordinator)
    response = client.post(f"/pilots/{world.pilot.id}/edit", data=_edit_form(
        world, assessment_theme_id="999999",
        start_date=world.pilot.start_date.isoformat(), end_date=world.pilot.end_date.isoformat(),
        budget_eur="10000.00", lead_municipality_id=str(world.pilot.lead_municipality_id),
        coordinator_id=str(world.coordinator.id),
        partner_municipality_ids=[str(m.id) for m in world.pilot.partner_municipalities]))
    assert response.status_code == 422
    assert "Choose one of the assessment themes offered." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).assessment_theme_id is None


def test_the_api_reads_and_sets_the_theme_for_those_who_may_edit(client, token_for, world):
    url = f"/api/v1/pilots/{world.pilot.id}"
    assert client.get(url).json["assessment_theme"] is None
    set_ = client.patch(url, headers=token_for(world.member),
                        json={"assessment_theme_id": world.theme.id})
    assert set_.status_code == 200
    assert set_.json["assessment_theme"] == {"id": world.theme.id,
                                             "name": "Iedzīvotāju līdzdalība",
                                             "instrument_id": world.instrument.id}
    listed = client.get("/api/v1/pilots").json["items"][0]
    assert listed["assessment_theme"]["id"] == world.theme.id
    refused = client.patch(url, headers=token_for(world.outsider),
                           json={"assessment_theme_id": None})
    assert refused.status_code == 403
    bad = client.patch(url, headers=token_for(world.member), json={"assessment_theme_id": "x"})
    assert bad.status_code == 422
    cleared = client.patch(url, headers=token_for(world.member),
                           json={"assessment_theme_id": None})
    assert cleared.status_code == 200 and cleared.json["assessment_theme"] is None


def test_removing_a_theme_from_an_unanswered_instrument_leaves_the_pilot_without_one(
        client, token_for, world):
    client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=token_for(world.member),
                 json={"assessment_theme_id": world.theme.id})
    db.session.delete(db.session.get(Theme, world.theme.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).assessment_theme_id is None
