"""An administrator opens an instrument's initial and final rounds for every municipality, and
may close one early: the page and the API answer the same refusals with the same status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.audit import AuditEntry
from app.core.clock import today_riga
from app.extensions import db
from app.programme.models import AssessmentResponse, AssessmentRound, RoundKind
from tests.conftest import login, read_in_english
from tests.factories_programme import make_instrument


def _rounds(instrument_id: int) -> list[AssessmentRound]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AssessmentRound).where(
        AssessmentRound.instrument_id == instrument_id).order_by(AssessmentRound.id)))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def _days(opens: int | None, closes: int) -> dict:
    today = today_riga()
    return {"opens_on": (today + timedelta(days=opens)).isoformat() if opens is not None
            else "", "closes_on": (today + timedelta(days=closes)).isoformat()}


@pytest.fixture
def admin(client, make_user):
    user = make_user(role="admin", locale="en")
    login(client, user)
    read_in_english(client)
    return user


@pytest.fixture
def fresh():
    """An instrument no round has been opened for."""
    return make_instrument(rounds=())


def test_an_admin_opens_the_initial_round_and_a_respondent_can_answer(client, admin, fresh,
                                                                      make_user):
    page = client.get(f"/programme/instruments/{fresh.id}/rounds")
    assert page.status_code == 200
    assert "No round has been opened yet." in page.get_data(as_text=True)
    response = client.post(f"/programme/instruments/{fresh.id}/rounds",
                           data={"kind": "baseline", **_days(None, 30)})
    assert response.status_code == 302
    (round_,) = _rounds(fresh.id)
    assert round_.kind == RoundKind.BASELINE and round_.opens_on == today_riga()
    assert round_.is_open(today_riga())
    (entry,) = _audit("assessment.round.open")
    assert entry.actor_id == admin.id and entry.object_id == str(round_.id)
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The initial assessment is open to every municipality" in listing
    assert "Close the round" in listing
    # The round offered next is the final one.
    assert 'value="final"' in listing and 'value="baseline"' not in listing

    client.post("/logout")
    respondent = make_user("zane@dobele.example.lv", municipality="Dobeles novads")
    login(client, respondent)
    assessments = client.get("/programme/assessments").get_data(as_text=True)
    assert f"/programme/assessments/rounds/{round_.id}/answer" in assessments
    question = fresh.themes[0].questions[0]
    saved = client.post(f"/programme/assessments/rounds/{round_.id}/answer",
                        data={f"q{question.id}": "2", "action": "save"})
    assert saved.status_code == 302
    stored = db.session.scalar(db.select(AssessmentResponse))
    assert stored.respondent_id == respondent.id and stored.answers[0].level == 2


def test_opening_a_round_twice_is_refused_on_the_page_and_in_the_api(client, admin, fresh,
                                                                    token_for):
    assert client.post(f"/programme/instruments/{fresh.id}/rounds",
                       data={"kind": "baseline", **_days(None, 30)}).status_code == 302
    again = client.post(f"/programme/instruments/{fresh.id}/rounds",
                        data={"kind": "baseline", **_days(1, 40)})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "initial assessment has been opened already" in page and 'role="alert"' in page
    api = client.post(f"/api/v1/programme/instruments/{fresh.id}/rounds",
                      json={"kind": "baseline", "closes_on": _days(None, 40)["closes_on"]},
                      headers=token_for(admin))
    assert api.status_code == 409
    assert "initial assessment has been opened already" in api.json["detail"]
    assert len(_rounds(fresh.id)) == 1


def test_the_final_round_comes_after_the_initial_one(client, admin, fresh):
    early = client.post(f"/programme/instruments/{fresh.id}/rounds",
                        data={"kind": "final", **_days(None, 30)})
    assert early.status_code == 409
    assert "Open the initial assessment first" in early.get_data(as_text=True)
    client.post(f"/programme/instruments/{fresh.id}/rounds",
                data={"kind": "baseline", **_days(-10, 10)})
    overlapping = client.post(f"/programme/instruments/{fresh.id}/rounds",
                              data={"kind": "final", **_days(5, 60)})
    assert overlapping.status_code == 422
    assert 'id="opens_on-error"' in overlapping.get_data(as_text=True)
    assert client.post(f"/programme/instruments/{fresh.id}/rounds",
                       data={"kind": "final", **_days(11, 60)}).status_code == 302
    assert [r.kind for r in _rounds(fresh.id)] == [RoundKind.BASELINE, RoundKind.FINAL]
    page = client.get(f"/programme/instruments/{fresh.id}/rounds").get_data(as_text=True)
    assert "Both rounds have been opened." in page


@pytest.mark.parametrize("data, field", [
    ({"kind": "baseline", **_days(5, 2)}, "closes_on"),
    ({"kind": "baseline", **_days(-20, -1)}, "closes_on"),
    ({"kind": "midterm", **_days(None, 5)}, "kind"),
    ({"kind": "baseline", "opens_on": "", "closes_on": "31.12.2026"}, "closes_on"),
], ids=["closes-before-opening", "already-over", "unknown-kind", "not-a-date"])
def test_bad_days_are_named_on_both_doors(client, admin, fresh, token_for, data, field):
    page = client.post(f"/programme/instruments/{fresh.id}/rounds", data=data)
    assert page.status_code == 422
    assert f'id="{field}-error"' in page.get_data(as_text=True)
    api = client.post(f"/api/v1/programme/instruments/{fresh.id}/rounds",
                      json={k: v for k, v in data.items() if v != ""},
                      headers=token_for(admin))
    assert api.status_code == 422 and field in api.json["errors"]
    assert _rounds(fresh.id) == []


def test_only_administrators_open_and_close_rounds(client, make_user, token_for):
    instrument = make_instrument()  # the baseline closed, the final open today
    final = next(r for r in instrument.rounds if r.kind == RoundKind.FINAL)
    body = {"kind": "baseline", **_days(None, 30)}
    for user in (make_user(role="coordinator", region=None),
                 make_user(role="coordinator", region="zemgale"),
                 make_user("ilze@dobele.example.lv", municipality="Dobeles novads")):
        login(client, user)
        assert client.get(f"/programme/instruments/{instrument.id}/rounds").status_code == 403
        assert client.post(f"/programme/instruments/{instrument.id}/rounds",
                           data=body).status_code == 403
        assert client.post(f"/programme/assessments/rounds/{final.id}/close").status_code == 403
        client.post("/logout")
        headers = token_for(user)
        assert client.post(f"/api/v1/programme/instruments/{instrument.id}/rounds", json=body,
                           headers=headers).status_code == 403
        assert client.post(f"/api/v1/programme/rounds/{final.id}/close",
                           headers=headers).status_code == 403
    # Signed out: the page asks to sign in, the API for a token.
    assert client.get(f"/programme/instruments/{instrument.id}/rounds").status_code == 302
    assert client.post(f"/api/v1/programme/rounds/{final.id}/close").status_code == 401
    assert client.post(f"/api/v1/programme/instruments/{instrument.id}/rounds",
                       json=body).status_code == 401
    assert all(r.closed_at is None for r in _rounds(instrument.id))
    assert _audit("assessment.round.open") == _audit("assessment.round.close") == []


def test_a_closed_round_freezes_its_answers(client, make_user, admin):
    instrument = make_instrument()
    final = next(r for r in instrument.rounds if r.kind == RoundKind.FINAL)
    question = instrument.themes[0].questions[0]
    client.post("/logout")
    respondent = make_user("maris@dobele.example.lv", municipality="Dobeles novads",
                           locale="en")
    login(client, respondent)
    answer_url = f"/programme/assessments/rounds/{final.id}/answer"
    assert client.post(answer_url, data={f"q{question.id}": "1",
                                         "action": "save"}).status_code == 302
    client.post("/logout")

    login(client, admin)
    closed = client.post(f"/programme/assessments/rounds/{final.id}/close")
    assert closed.status_code == 302
    (stored,) = [r for r in _rounds(instrument.id) if r.kind == RoundKind.FINAL]
    assert stored.closed_at is not None and stored.closes_on == today_riga()
    assert not stored.is_open(today_riga())
    (entry,) = _audit("assessment.round.close")
    assert entry.before["closes_on"] == (today_riga() + timedelta(days=30)).isoformat()
    assert "Closed" in client.get(closed.headers["Location"]).get_data(as_text=True)
    # Closing it again: the same refusal on both doors.
    again = client.post(f"/programme/assessments/rounds/{final.id}/close")
    assert again.status_code == 409 and "closed already" in again.get_data(as_text=True)
    client.post("/logout")

    login(client, respondent)
    page = client.get(answer_url).get_data(as_text=True)
    assert "This assessment round is closed" in page and "Submit the answers" not in page
    refused = client.post(answer_url, data={f"q{question.id}": "3", "action": "submit"})
    assert refused.status_code == 409
    db.session.expire_all()
    response = db.session.scalar(db.select(AssessmentResponse))
    assert response.submitted_at is None and response.answers[0].level == 1


def test_the_api_opens_and_closes_a_round(client, make_user, token_for, fresh):
    headers = token_for(make_user(role="admin", locale="en"))
    opened = client.post(f"/api/v1/programme/instruments/{fresh.id}/rounds", headers=headers,
                         json={"kind": "baseline", "closes_on": _days(None, 30)["closes_on"]})
    assert opened.status_code == 201, opened.json
    body = opened.json
    assert body["kind"] == "baseline" and body["status"] == "open"
    assert body["opens_on"] == today_riga().isoformat() and body["closed_at"] is None
    listed = client.get(f"/api/v1/programme/instruments/{fresh.id}").json
    assert [r["id"] for r in listed["rounds"]] == [body["id"]]
    closed = client.post(f"/api/v1/programme/rounds/{body['id']}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.json["status"] == "closed" and closed.json["closed_at"] is not None
    again = client.post(f"/api/v1/programme/rounds/{body['id']}/close", headers=headers)
    assert again.status_code == 409 and "closed already" in again.json["detail"]


def test_a_round_that_has_not_opened_cannot_be_closed(client, admin, fresh, token_for):
    client.post(f"/programme/instruments/{fresh.id}/rounds",
                data={"kind": "baseline", **_days(10, 40)})
    (round_,) = _rounds(fresh.id)
    assert round_.status(today_riga()).value == "scheduled"
    page = client.post(f"/programme/assessments/rounds/{round_.id}/close")
    assert page.status_code == 409 and "has not opened yet" in page.get_data(as_text=True)
    api = client.post(f"/api/v1/programme/rounds/{round_.id}/close", headers=token_for(admin))
    assert api.status_code == 409
    assert _rounds(fresh.id)[0].closed_at is None


def test_openapi_documents_the_rounds(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    opening = spec["paths"]["/api/v1/programme/instruments/{instrument_id}/rounds"]["post"]
    assert "201" in opening["responses"] and "requestBody" in opening
    closing = spec["paths"]["/api/v1/programme/rounds/{round_id}/close"]["post"]
    assert "200" in closing["responses"]
    for operation, status in ((opening, "201"), (closing, "200")):
        ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"kind", "opens_on", "closes_on", "status"} <= set(schema["properties"])
