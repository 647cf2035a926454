"""A copy of my data (mine only, audited), and erasure that keeps the records whole."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.judging.queries import load_ranking
from app.privacy.erasure import text_columns
from app.privacy.models import Erasure
from tests.conftest import login
from tests.opendata.world import PEOPLE, open_data_world


def _every_text_in_the_database() -> str:
    parts = []
    for table in db.metadata.sorted_tables:
        columns = text_columns(table)
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if value is not None:
                    parts.append(value if isinstance(value, str)
                                 else json.dumps(value, ensure_ascii=False))
    return "\n".join(parts).casefold()


def _ranking(hackathon):
    return [(r.idea.id, r.ranked) for r in load_ranking(hackathon).rows]


def test_a_person_downloads_their_data_and_nobody_elses(client, db):
    world = open_data_world()
    judge = world.people["judge_a"]
    login(client, judge)
    response = client.post("/account/my-data")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    copy = response.get_json()
    assert copy["account"]["email"] == judge.email
    assert copy["sessions"] and copy["sessions"][0]["ip"]
    assert "sign_in" in {e["event"] for e in copy["security_events"]}
    assert {r["idea"] for r in copy["reviews"]} >= {"Viedie ūdens skaitītāji"}
    assert any(s["comment"] == "SLEPENS-KRITĒRIJA-KOMENTĀRS"
               for r in copy["reviews"] for s in r["scores"])
    text = response.get_data(as_text=True)
    for role, (name, email) in PEOPLE.items():
        if role != "judge_a":
            assert name not in text and email not in text, role
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
    assert entry.actor_id == judge.id


def test_a_team_lead_gets_their_teams_and_ideas(client, db):
    world = open_data_world()
    lead = world.people["lead"]
    login(client, lead)
    copy = client.post("/account/my-data").get_json()
    assert {t["team"] for t in copy["teams"]} == {"Dobeles ūdens komanda"}
    assert copy["teams"][0]["is_lead"] is True
    assert "Ottilija" not in json.dumps(copy, ensure_ascii=False)  # the other member


def test_an_admin_erases_a_person_and_the_records_stay_whole(client, db, make_user):
    world = open_data_world()
    judge = world.people["judge_b"]
    name, email, judge_id = judge.name, judge.email, judge.id
    before = _ranking(world.hackathon)
    admin = make_user("admin@talka.lv", name="Admins Adminovskis", role="admin")
    login(client, admin)
    page = client.get(f"/admin/users/{judge_id}/erase")
    assert page.status_code == 200
    response = client.post(f"/admin/users/{judge_id}/erase",
                           data={"reason": "Lūdza pa e-pastu 3. decembrī."})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    everything = _every_text_in_the_database()
    assert name.casefold() not in everything
    assert email.casefold() not in everything
    erasure = db.session.get(Erasure, judge_id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry.actor_id == admin.id and entry.object_id == str(judge_id)
    assert entry.after["reason"] == "Lūdza pa e-pastu 3. decembrī."
    assert entry.after["pseudonym"] == erasure.pseudonym
    assert _ranking(world.hackathon) == before
    # The reviews stay, by the same (now pseudonymous) judge.
    from app.judging.models_reviews import Review

    assert db.session.scalars(select(Review).where(Review.judge_id == judge_id)).all()
    assert erasure.pseudonym in db.session.get(type(judge), judge_id).name
    # The person cannot sign in any more.
    client.post("/logout")
    assert login(client, email).status_code == 422


def test_erasure_needs_a_reason(client, db, make_user):
    person = make_user(name="Persona Bezvārdiņa")
    admin = make_user(role="admin")
    login(client, admin)
    response = client.post(f"/admin/users/{person.id}/erase", data={"reason": ""})
    assert response.status_code == 422
    assert db.session.get(Erasure, person.id) is None


def test_a_sole_team_lead_is_told_to_hand_over_first(client, db, make_user):
    world = open_data_world()
    admin = make_user(role="admin")
    login(client, admin)
    response = client.post(f"/admin/users/{world.people['lead'].id}/erase",
                           data={"reason": "Pieprasījums"})
    assert response.status_code == 409
    assert "Dobeles ūdens komanda" in response.get_data(as_text=True)
    assert db.session.get(Erasure, world.people["lead"].id) is None


def test_a_judge_of_a_hackathon_still_judging_is_told_what_must_happen(client, db, make_user):
    from app.judging.models import JuryMember

    world = open_data_world()
    judge = world.people["judge_c"]
    db.session.add(JuryMember(hackathon_id=world.judging.id, user_id=judge.id))
    db.session.commit()
    login(client, judge)
    response = client.post("/account/close", data={"password": "a long and quiet evening"})
    assert response.status_code == 409
    assert "Kurzemes hakatons" in response.get_data(as_text=True)


def test_a_person_closes_their_own_account(client, db, make_user):
    person = make_user("ieva.aizgajeja@example.lv", name="Ieva Aizgājēja")
    login(client, person)
    assert client.get("/account/close").status_code == 200
    wrong = client.post("/account/close", data={"password": "not my password at all"})
    assert wrong.status_code == 422
    response = client.post("/account/close", data={"password": "a long and quiet evening"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # signed out
    everything = _every_text_in_the_database()
    assert "ieva.aizgajeja@example.lv" not in everything
    assert "ieva aizgājēja" not in everything
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry.after["own_request"] is True
