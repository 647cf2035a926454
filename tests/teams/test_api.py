"""The teams API: create, read, invite, accept, remove, hand over; who may do what."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.teams.models import Team
from tests.conftest import link_in, municipality
from tests.factories_teams import invite, make_team


def latvian(message: str, **variables) -> str:
    """The message as the Latvian catalog has it: the language of the API's (Latvian) users."""
    with force_locale("lv"):
        return gettext(message, **variables)


def fresh(team: Team) -> Team:
    db.session.expire_all()
    return db.session.get(Team, team.id)


def body(**changes) -> dict:
    data = {"name": "Latgales būvatļaujas", "municipality_id": municipality("Rēzekne").id,
            "partner_municipality_ids": [municipality("Rēzeknes novads").id,
                                         municipality("Ludzas novads").id]}
    data.update(changes)
    return data


def test_create_team_makes_the_caller_its_lead(client, make_user, token_for):
    user = make_user(name="Aivars Liepa", municipality="Rēzekne")
    response = client.post("/api/v1/teams", json=body(), headers=token_for(user))
    assert response.status_code == 201, response.json
    data = response.json
    assert data["name"] == "Latgales būvatļaujas"
    assert data["municipality"]["name"] == "Rēzekne"
    assert sorted(m["name"] for m in data["partner_municipalities"]) == ["Ludzas novads",
                                                                        "Rēzeknes novads"]
    assert data["members"] == [{"user_id": user.id, "name": "Aivars Liepa",
                                "email": user.email, "is_lead": True,
                                "joined_at": data["members"][0]["joined_at"]}]
    assert fresh(db.session.get(Team, data["id"])).is_lead(user)


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": None}, "name"),
    ({"municipality_id": 999999}, "municipality_id"),
    ({"municipality_id": "Rēzekne"}, "municipality_id"),
    ({"municipality_id": 2**80}, "municipality_id"),
    ({"partner_municipality_ids": [999999]}, "partner_municipality_ids"),
    ({"partner_municipality_ids": "Ludzas novads"}, "partner_municipality_ids"),
    ({"partner_municipality_ids": ["LEAD"]}, "partner_municipality_ids"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_team_input_is_422_with_the_field(client, make_user, token_for, changes, field):
    data = body(**changes)
    if data.get("partner_municipality_ids") == ["LEAD"]:
        data["partner_municipality_ids"] = [data["municipality_id"]]
    response = client.post("/api/v1/teams", json=data, headers=token_for(make_user()))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    assert db.session.scalar(select(Team)) is None


def test_missing_fields_and_broken_json(client, make_user, token_for):
    headers = token_for(make_user())
    response = client.post("/api/v1/teams", json={}, headers=headers)
    assert response.status_code == 422
    assert {"name", "municipality_id"} <= set(response.json["errors"])
    response = client.post("/api/v1/teams", data="{nope", headers=headers,
                           content_type="application/json")
    assert response.status_code == 400


def test_creating_needs_a_token(client):
    assert client.post("/api/v1/teams", json=body()).status_code == 401


def test_my_teams_list(client, make_user, token_for):
    me = make_user()
    make_team(me, name="B komanda")
    make_team(make_user(), name="A komanda", members=[me])
    make_team(make_user(), name="Sveša")
    response = client.get("/api/v1/teams?per_page=1", headers=token_for(me))
    assert response.status_code == 200
    assert response.json["total"] == 2
    assert [t["name"] for t in response.json["items"]] == ["A komanda"]


# --- who may read and manage -------------------------------------------------------------

READ = {"lead": 200, "member": 200, "coordinator": 200, "admin": 200, "other": 404,
        "anonymous": 401}
INVITE = {"lead": 201, "member": 403, "coordinator": 403, "admin": 403, "other": 404,
          "anonymous": 401}


@pytest.fixture
def people(make_user):
    return {"lead": make_user(), "member": make_user(municipality="Dobeles novads"),
            "other": make_user(),
            "coordinator": make_user(role="coordinator", region="zemgale"),  # the team's region
            "admin": make_user(role="admin")}


@pytest.mark.parametrize("role", list(READ))
def test_read_and_invite_permission_matrix(client, people, token_for, outbox, role):
    team = make_team(people["lead"], members=[people["member"]])
    headers = token_for(people[role]) if role != "anonymous" else {}
    response = client.get(f"/api/v1/teams/{team.id}", headers=headers)
    assert response.status_code == READ[role]
    if response.status_code == 200:
        emails = {m.get("email") for m in response.json["members"]}
        assert emails == {people["lead"].email, people["member"].email}
    else:
        assert "members" not in response.json
    response = client.post(f"/api/v1/teams/{team.id}/members", json={"email": "n@example.lv"},
                           headers=headers)
    assert response.status_code == INVITE[role]
    assert len(outbox("n@example.lv")) == (1 if role == "lead" else 0)


def test_unknown_team_is_404(client, people, token_for):
    headers = token_for(people["admin"])
    assert client.get("/api/v1/teams/424242", headers=headers).status_code == 404
    assert client.get("/api/v1/teams/99999999999999999999", headers=headers).status_code == 404


def test_pending_invitations_only_for_the_lead(client, people, token_for):
    team = make_team(people["lead"], members=[people["member"]])
    invite(team, "n@example.lv")
    lead_view = client.get(f"/api/v1/teams/{team.id}", headers=token_for(people["lead"])).json
    member_view = client.get(f"/api/v1/teams/{team.id}",
                             headers=token_for(people["member"])).json
    assert [i["email"] for i in lead_view["pending_invitations"]] == ["n@example.lv"]
    assert "pending_invitations" not in member_view


# --- invitations -----------------------------------------------------------------------

def test_invite_and_accept_through_the_api(client, people, token_for, outbox, make_user):
    team = make_team(people["lead"])
    response = client.post(f"/api/v1/teams/{team.id}/members", json={"email": "Guest@Example.lv"},
                           headers=token_for(people["lead"]))
    assert response.status_code == 201
    assert response.json["email"] == "guest@example.lv"
    assert "token" not in response.json
    link = link_in(outbox("guest@example.lv")[0], "/teams/invitations/")
    token = link.rsplit("/", 1)[1]

    guest = make_user("guest@example.lv")  # registers after the invitation
    headers = token_for(guest)
    response = client.post("/api/v1/teams/invitations/accept", json={"token": token},
                           headers=headers)
    assert response.status_code == 200
    assert fresh(team).is_member(guest)
    again = client.post("/api/v1/teams/invitations/accept", json={"token": token},
                        headers=headers)
    assert again.status_code == 409
    assert again.json["detail"] == latvian(
        "This invitation has already been used. If you accepted it, the team is on your "
        "“My teams” page; otherwise ask the team lead for a new invitation.")
    unknown = client.post("/api/v1/teams/invitations/accept", json={"token": "nope"},
                          headers=headers)
    assert unknown.status_code == 404


@pytest.mark.parametrize("spoil, status", [("expire", 409), ("revoke", 409)])
def test_expired_or_withdrawn_link_is_refused(client, people, token_for, spoil, status):
    from datetime import timedelta

    from app.core.clock import now_utc
    from app.core.formatting import fmt_datetime
    from app.teams.operations import revoke_invitation

    guest = people["other"]
    team = make_team(people["lead"])
    sent = now_utc() - timedelta(days=8) if spoil == "expire" else None
    invitation = invite(team, guest.email, now=sent)
    if spoil == "revoke":
        revoke_invitation(invitation, actor=people["lead"])
        db.session.commit()
    response = client.post("/api/v1/teams/invitations/accept", json={"token": invitation.token},
                           headers=token_for(guest))
    assert response.status_code == status
    with force_locale("lv"):
        detail = latvian(
            "This invitation expired on %(when)s. Ask the team lead to invite you again.",
            when=fmt_datetime(invitation.expires_at)) if spoil == "expire" else latvian(
            "This invitation has been withdrawn or replaced by a newer one. Use the link in "
            "the latest e-mail, or ask the team lead for a new invitation.")
    assert response.json["detail"] == detail
    assert not fresh(team).is_member(guest)


def test_accepting_while_already_a_member_keeps_one_membership(client, people, token_for):
    from app.teams.models import TeamMember

    guest = people["member"]
    team = make_team(people["lead"])
    invitation = invite(team, guest.email)
    team.members.append(TeamMember(user_id=guest.id, user=guest))  # joined meanwhile
    db.session.commit()
    response = client.post("/api/v1/teams/invitations/accept", json={"token": invitation.token},
                           headers=token_for(guest))
    assert response.status_code == 200
    assert [m["user_id"] for m in response.json["members"]].count(guest.id) == 1


def test_accepting_someone_elses_invitation_is_403(client, people, token_for):
    team = make_team(people["lead"])
    invitation = invite(team, "invited@example.lv")
    response = client.post("/api/v1/teams/invitations/accept",
                           json={"token": invitation.token}, headers=token_for(people["other"]))
    assert response.status_code == 403
    assert not fresh(team).is_member(people["other"])


@pytest.mark.parametrize("email", ["", "bad", "x@", None, 42])
def test_bad_invitation_address_is_422(client, people, token_for, outbox, email):
    team = make_team(people["lead"])
    response = client.post(f"/api/v1/teams/{team.id}/members", json={"email": email},
                           headers=token_for(people["lead"]))
    assert response.status_code == 422
    assert "email" in response.json["errors"]
    assert outbox() == []


def test_inviting_a_member_is_422(client, people, token_for, outbox):
    team = make_team(people["lead"], members=[people["member"]])
    response = client.post(f"/api/v1/teams/{team.id}/members",
                           json={"email": people["member"].email},
                           headers=token_for(people["lead"]))
    assert response.status_code == 422
    assert outbox() == []


def test_withdraw_an_invitation(client, people, token_for):
    team = make_team(people["lead"], members=[people["member"]])
    invitation = invite(team, "n@example.lv")
    path = f"/api/v1/teams/{team.id}/invitations/{invitation.id}"
    assert client.delete(path, headers=token_for(people["member"])).status_code == 403
    assert client.delete(path, headers=token_for(people["lead"])).status_code == 204
    assert client.delete(path, headers=token_for(people["lead"])).status_code == 409


# --- members ---------------------------------------------------------------------------

def test_remove_leave_and_hand_over(client, people, token_for, make_user):
    lead, member, third = people["lead"], people["member"], make_user()
    team = make_team(lead, members=[member, third])
    lead_h, member_h = token_for(lead), token_for(member)

    # A member cannot remove someone else, nor the lead.
    assert client.delete(f"/api/v1/teams/{team.id}/members/{third.id}",
                         headers=member_h).status_code == 403
    # The lead cannot remove themself.
    assert client.delete(f"/api/v1/teams/{team.id}/members/{lead.id}",
                         headers=lead_h).status_code == 409
    # The lead removes a member.
    assert client.delete(f"/api/v1/teams/{team.id}/members/{third.id}",
                         headers=lead_h).status_code == 204
    assert not fresh(team).is_member(third)
    assert client.delete(f"/api/v1/teams/{team.id}/members/{third.id}",
                         headers=lead_h).status_code == 404

    # Hand over; bad targets are 422.
    assert client.post(f"/api/v1/teams/{team.id}/lead", json={"user_id": third.id},
                       headers=lead_h).status_code == 422
    assert client.post(f"/api/v1/teams/{team.id}/lead", json={"user_id": "x"},
                       headers=lead_h).status_code == 422
    assert client.post(f"/api/v1/teams/{team.id}/lead", json={"user_id": 2**70},
                       headers=lead_h).status_code == 422
    assert client.post(f"/api/v1/teams/{team.id}/lead", json={"user_id": lead.id},
                       headers=member_h).status_code == 403
    response = client.post(f"/api/v1/teams/{team.id}/lead", json={"user_id": member.id},
                           headers=lead_h)
    assert response.status_code == 200
    assert {m["user_id"]: m["is_lead"] for m in response.json["members"]} == {
        lead.id: False, member.id: True}

    # The former lead leaves.
    assert client.delete(f"/api/v1/teams/{team.id}/members/{lead.id}",
                         headers=lead_h).status_code == 204
    assert [m.user_id for m in fresh(team).members] == [member.id]
    # The remaining lead cannot leave.
    assert client.delete(f"/api/v1/teams/{team.id}/members/{member.id}",
                         headers=member_h).status_code == 409


def test_lead_edits_the_team(client, people, token_for):
    team = make_team(people["lead"], members=[people["member"]])
    path = f"/api/v1/teams/{team.id}"
    assert client.patch(path, json={"name": "Jauns"},
                        headers=token_for(people["member"])).status_code == 403
    assert client.patch(path, json={"name": "Jauns"},
                        headers=token_for(people["other"])).status_code == 404
    assert fresh(team).name == "Dobeles komanda"  # neither changed anything
    response = client.patch(path, json={"name": "Jauns", "partner_municipality_ids": [
        municipality("Jelgava").id]}, headers=token_for(people["lead"]))
    assert response.status_code == 200
    assert response.json["name"] == "Jauns"
    assert response.json["partner_municipality_ids"] == [municipality("Jelgava").id]
    response = client.patch(path, json={"partner_municipality_ids": [team.municipality_id]},
                            headers=token_for(people["lead"]))
    assert response.status_code == 422


def test_my_teams_list_uses_a_fixed_number_of_queries(client, make_user, token_for,
                                                     count_queries):
    me = make_user()
    headers = token_for(me)
    client.get("/api/v1/teams", headers=headers)  # the token's first use is written down
    counts, made = [], 0
    for size in (2, 20):
        for i in range(made, size):
            team = make_team(make_user(), name=f"Komanda {i:02d}", partners=("Jelgava",),
                             members=[me, make_user()])
            invite(team, f"guest{i}@example.lv")
        made = size
        db.session.expire_all()
        with count_queries() as counter:
            response = client.get("/api/v1/teams?per_page=100", headers=headers)
        assert response.status_code == 200
        assert len(response.json["items"]) == size
        assert all(len(t["members"]) == 3 for t in response.json["items"])
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_openapi_lists_the_team_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/teams"])
    assert "get" in paths["/api/v1/teams/{team_id}"]
    assert "post" in paths["/api/v1/teams/{team_id}/members"]
