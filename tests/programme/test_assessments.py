"""Answering an assessment as a municipality's named respondent, and what the public and a
municipality see of the results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.places.models import Municipality
from app.programme.models import (
    Answer,
    AssessmentResponse,
    AssessmentRound,
    Instrument,
    Question,
    RoundKind,
    Theme,
)
from tests.conftest import login

LEVELS = ["Nav", "Daļēji", "Pilnībā"]


@pytest.fixture
def instrument(db):
    found = Instrument(name="Pašnovērtējums")
    theme = Theme(name="Atklātība")
    theme.questions = [Question(text="Vai publicējat?", levels=LEVELS, asks_evidence=True),
                       Question(text="Vai mērāt?", levels=LEVELS)]
    found.themes.append(theme)
    today = today_riga()
    found.rounds = [AssessmentRound(kind=RoundKind.BASELINE, opens_on=today - timedelta(days=1),
                                    closes_on=today + timedelta(days=30))]
    db.session.add(found)
    db.session.commit()
    return found


def _answers(instrument, **values):
    first, second = instrument.themes[0].questions
    return {f"q{first.id}": values.get("first", ""), f"q{second.id}": values.get("second", ""),
            f"e{first.id}": values.get("evidence", ""), "action": values.get("action", "save")}


def test_the_first_to_open_becomes_the_named_respondent_and_keeps_a_draft(client, make_user,
                                                                          instrument):
    anna = make_user("anna@dobele.example.lv", name="Anna", municipality="Dobeles novads",
                     locale="en")
    janis = make_user("janis@dobele.example.lv", name="Jānis", municipality="Dobeles novads")
    round_id = instrument.rounds[0].id
    login(client, anna)
    assert client.get(f"/programme/assessments/rounds/{round_id}/answer").status_code == 200
    draft = client.post(f"/programme/assessments/rounds/{round_id}/answer",
                        data=_answers(instrument, first="2", evidence="Tīmekļa vietnē"))
    assert draft.status_code == 302
    # Submitting with a question unanswered keeps every answer on the page.
    early = client.post(f"/programme/assessments/rounds/{round_id}/answer",
                        data=_answers(instrument, first="3", action="submit"))
    assert early.status_code == 422
    page = early.get_data(as_text=True)
    assert "Answer this question before submitting" in page and 'value="3" checked' in page
    done = client.post(f"/programme/assessments/rounds/{round_id}/answer",
                       data=_answers(instrument, first="3", second="2", action="submit"))
    assert done.status_code == 302
    response = db.session.scalar(db.select(AssessmentResponse))
    assert response.submitted_at is not None and response.respondent_id == anna.id
    assert sorted(a.level for a in response.answers) == [2, 3]
    client.post("/logout")
    login(client, janis)  # same municipality, not the respondent
    refused = client.post(f"/programme/assessments/rounds/{round_id}/answer",
                          data=_answers(instrument, first="1", second="1", action="submit"))
    assert refused.status_code == 403


def test_results_are_published_by_region_only_with_three_respondents(client, instrument):
    round_ = instrument.rounds[0]
    questions = instrument.themes[0].questions
    zemgale = db.session.scalars(db.select(Municipality).where(
        Municipality.region_code == "zemgale").order_by(Municipality.id)).all()[:3]
    kurzeme = db.session.scalars(db.select(Municipality).where(
        Municipality.region_code == "kurzeme").order_by(Municipality.id)).all()[:2]
    for place, level in [(m, 3) for m in zemgale] + [(m, 1) for m in kurzeme]:
        response = AssessmentResponse(round_id=round_.id, municipality_id=place.id,
                                      submitted_at=now_utc())
        response.answers = [Answer(question_id=q.id, level=level) for q in questions]
        db.session.add(response)
    db.session.commit()
    page = client.get(f"/en/programme/assessments/{instrument.id}/results").get_data(as_text=True)
    assert "100" in page  # Zemgale: three municipalities at the top level
    assert page.count("too few") >= 4  # Kurzeme's two, and every empty region
    for place in zemgale + kurzeme:
        assert place.name not in page


def test_benchlearning_shows_my_place_and_only_leaders_who_agreed(client, make_user, instrument):
    round_ = instrument.rounds[0]
    questions = instrument.themes[0].questions
    places = db.session.scalars(db.select(Municipality).order_by(Municipality.id)).all()[:5]
    for n, place in enumerate(places):
        response = AssessmentResponse(round_id=round_.id, municipality_id=place.id,
                                      submitted_at=now_utc(), shares_contact=n != 4)
        response.answers = [Answer(question_id=q.id, level=1 + n % 3) for q in questions]
        db.session.add(response)
    db.session.commit()
    me = make_user(municipality=places[0].name, locale="en")
    login(client, me)
    page = client.get("/programme/benchlearning").get_data(as_text=True)
    assert "Your municipality" in page and "Atklātība" in page
    assert places[4].name not in page  # the best-scoring did not agree to be named
    assert places[2].name in page


def test_the_api_publishes_region_medians_and_nulls_small_groups(client, instrument):
    round_ = instrument.rounds[0]
    questions = instrument.themes[0].questions
    zemgale = db.session.scalars(db.select(Municipality).where(
        Municipality.region_code == "zemgale").order_by(Municipality.id)).all()[:3]
    kurzeme = db.session.scalars(db.select(Municipality).where(
        Municipality.region_code == "kurzeme").order_by(Municipality.id)).all()[:1]
    for place in zemgale + kurzeme:
        response = AssessmentResponse(round_id=round_.id, municipality_id=place.id,
                                      submitted_at=now_utc())
        response.answers = [Answer(question_id=q.id, level=2) for q in questions]
        db.session.add(response)
    db.session.commit()
    body = client.get(f"/api/v1/programme/assessments/{instrument.id}/results").json
    by_region = {r["region"]: r["baseline"] for r in body["results"]}
    assert by_region["zemgale"] == 50.0 and by_region["kurzeme"] is None
