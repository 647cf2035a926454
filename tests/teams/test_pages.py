"""Team pages: create, the team page, invitations by e-mail, members, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.clock import now_utc
from app.core.formatting import fmt_datetime
from app.extensions import db
from app.teams.models import Team
from tests.conftest import DEFAULT_PASSWORD, link_in, login, municipality
from tests.factories_teams import invite, make_team
from tests.teams.helpers import in_latvian


def team_form(**changes) -> dict:
    data = {"name": "Jelgavas drošības komanda",
            "municipality_id": str(municipality("Jelgava").id),
            "partner_municipality_ids": [str(municipality("Jelgavas novads").id),
                                         str(municipality("Dobeles novads").id)]}
    data.update(changes)
    return data


def fresh(team: Team) -> Team:
    db.session.expire_all()
    return db.session.get(Team, team.id)


# --- creating a team -------------------------------------------------------------------

def test_new_team_form_groups_municipalities_by_region_with_labels(client, signed_in):
    signed_in(municipality="Kuldīgas novads")
    html = client.get("/teams/new").get_data(as_text=True)
    assert "<optgroup" in html
    assert '<legend>Kurzemes plānošanas reģions</legend>' in html
    kuldiga = municipality("Kuldīgas novads").id
    assert (f'<input type="checkbox" name="partner_municipality_ids" '
            f'id="partner_municipality_ids-{kuldiga}" value="{kuldiga}"') in html
    assert f'<label for="partner_municipality_ids-{kuldiga}">Kuldīgas novads</label>' in html
    # The user's own municipality is suggested as the lead.
    assert f'<option selected value="{kuldiga}">' in html or \
        f'<option value="{kuldiga}" selected>' in html


def test_signed_in_user_creates_a_team_and_leads_it(client, signed_in):
    user = signed_in(municipality="Jelgava")
    response = client.post("/teams/new", data=team_form())
    assert response.status_code == 302
    team = db.session.scalar(select(Team))
    assert response.headers["Location"].endswith(f"/teams/{team.id}")
    assert team.is_lead(user)
    assert [m.name for m in team.partner_municipalities] == ["Dobeles novads",
                                                              "Jelgavas novads"]
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Jelgavas drošības komanda" in page
    assert "Dobeles novads" in page
    assert user.email in page


@pytest.mark.parametrize("changes, message", [
    # The page shows the operation's messages, the same ones the API gives.
    ({"name": ""}, "Enter the team's name."),
    ({"name": "   "}, "Enter the team's name."),
    ({"name": "x" * 121}, "Use at most %(n)d characters."),
    ({"municipality_id": ""}, "Choose the lead municipality from the list."),
    ({"municipality_id": "999999"}, "Choose the lead municipality from the list."),
    ({"partner_municipality_ids": ["999999"]}, "Choose partner municipalities from the list."),
    ({"partner_municipality_ids": ["LEAD"]}, "The lead municipality cannot also be a partner."),
])
def test_bad_team_form_shows_inline_errors_and_keeps_the_text(client, signed_in, changes,
                                                              message):
    signed_in()
    data = team_form(**changes)
    data["partner_municipality_ids"] = [data["municipality_id"] if p == "LEAD" else p
                                        for p in data["partner_municipality_ids"]]
    response = client.post("/teams/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert in_latvian(message, n=120) in html
    assert 'class="error-message"' in html
    # The error summary links to the field, and the field is there to go to.
    field = next(iter(changes))
    assert f'href="#{field}"' in html and f'id="{field}"' in html
    if changes.get("name") is None:
        assert "Jelgavas drošības komanda" in html
    assert db.session.scalar(select(Team)) is None


def test_lead_edits_the_team(client, signed_in):
    lead = signed_in()
    team = make_team(lead)
    assert client.get(f"/teams/{team.id}/edit").status_code == 200
    response = client.post(f"/teams/{team.id}/edit", data=team_form(
        name="Jauns nosaukums", municipality_id=str(municipality("Dobeles novads").id),
        partner_municipality_ids=[str(municipality("Tukuma novads").id)]))
    assert response.status_code == 302
    team = fresh(team)
    assert team.name == "Jauns nosaukums"
    assert [m.name for m in team.partner_municipalities] == ["Tukuma novads"]


# --- invitations -----------------------------------------------------------------------

def test_invitation_flow_for_someone_who_registers_later(client, signed_in, outbox):
    lead = signed_in()
    team = make_team(lead, name="Dobeles komanda")
    response = client.post(f"/teams/{team.id}/invitations", data={"email": "Ilze@Example.LV"})
    assert response.status_code == 302
    assert "ilze@example.lv" in client.get(f"/teams/{team.id}").get_data(as_text=True)
    [mail] = outbox("ilze@example.lv")
    link = link_in(mail, "/teams/invitations/")
    client.post("/logout")

    # A visitor without an account sees the invitation and how to accept it.
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dobeles komanda" in html
    assert "i•••@example.lv" in html
    assert f'href="/login?next={link}"' in html
    assert 'method="post"' not in html.split("<main")[1]

    # They register, confirm, sign in through the link's next= and come back.
    client.post("/register", data={"name": "Ilze Vītola", "email": "ilze@example.lv",
                                   "municipality_id": "", "locale": "lv",
                                   "password": DEFAULT_PASSWORD,
                                   "password_again": DEFAULT_PASSWORD})
    client.post(link_in(outbox("ilze@example.lv")[-1], "/confirm/"))
    response = client.post("/login?next=" + link, data={"email": "ilze@example.lv",
                                                          "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == link

    page = client.get(link)
    assert page.status_code == 200
    assert in_latvian("Accept and join the team") in page.get_data(as_text=True)
    assert len(fresh(team).members) == 1  # showing the invitation changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/teams/{team.id}")
    assert len(fresh(team).members) == 2

    # The link works once.
    again = client.post(link)
    assert again.status_code == 409
    assert in_latvian("This invitation has already been used. If you accepted it, the team is "
                      "on your “My teams” page; otherwise ask the team lead for a new "
                      "invitation.") in again.get_data(as_text=True)
    assert len(fresh(team).members) == 2


def test_signed_out_post_to_the_link_goes_to_sign_in_and_changes_nothing(client, make_user,
                                                                        outbox):
    team = make_team(make_user())
    invitation = invite(team, "guest@example.lv")
    path = f"/teams/invitations/{invitation.token}"
    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"
    assert len(fresh(team).members) == 1


def test_expired_link_says_so(app, client, signed_in, make_user):
    guest = signed_in()
    team = make_team(make_user())
    invitation = invite(team, guest.email, now=now_utc() - timedelta(days=7, minutes=1))
    response = client.get(f"/teams/invitations/{invitation.token}")
    assert response.status_code == 409
    with app.test_request_context():
        expected = in_latvian("This invitation expired on %(when)s. Ask the team lead to "
                              "invite you again.", when=fmt_datetime(invitation.expires_at))
    assert expected in response.get_data(as_text=True)
    assert client.post(f"/teams/invitations/{invitation.token}").status_code == 409
    assert not fresh(team).is_member(guest)


def test_unknown_link_is_404_with_a_clear_message(client, signed_in):
    signed_in()
    response = client.get("/teams/invitations/not-a-real-token")
    assert response.status_code == 404
    assert in_latvian("The invitation does not work") in response.get_data(as_text=True)


def test_link_for_another_address_cannot_be_accepted(client, signed_in, make_user):
    team = make_team(make_user())
    invitation = invite(team, "invited@example.lv")
    stranger = signed_in()
    page = client.get(f"/teams/invitations/{invitation.token}")
    assert page.status_code == 403
    assert "i•••@example.lv" in page.get_data(as_text=True)
    assert client.post(f"/teams/invitations/{invitation.token}").status_code == 403
    assert not fresh(team).is_member(stranger)


def test_accepting_while_already_a_member_says_so_and_adds_nobody(client, signed_in,
                                                                  make_user):
    from app.teams.models import TeamMember

    guest = signed_in()
    team = make_team(make_user(), name="Dobeles komanda")
    invitation = invite(team, guest.email)
    team.members.append(TeamMember(user_id=guest.id, user=guest))  # joined meanwhile
    db.session.commit()
    response = client.post(f"/teams/invitations/{invitation.token}", follow_redirects=True)
    assert response.status_code == 200
    assert in_latvian("You are already a member of the team “%(name)s”.",
                      name="Dobeles komanda") in response.get_data(as_text=True)
    assert [m.user_id for m in fresh(team).members].count(guest.id) == 1


@pytest.mark.parametrize("email", ["", "nav-adrese", "a@@example.lv"])
def test_bad_invitation_address_shows_an_inline_error(client, signed_in, outbox, email):
    lead = signed_in()
    team = make_team(lead)
    response = client.post(f"/teams/{team.id}/invitations", data={"email": email})
    assert response.status_code == 422
    assert 'class="error-message"' in response.get_data(as_text=True)
    assert outbox() == []


def test_inviting_a_member_shows_an_inline_error(client, signed_in, make_user, outbox):
    member = make_user()
    team = make_team(signed_in(), members=[member])
    response = client.post(f"/teams/{team.id}/invitations", data={"email": member.email})
    assert response.status_code == 422
    assert in_latvian("This person is already a member of the team.") in response.get_data(
        as_text=True)
    assert outbox() == []


@pytest.mark.parametrize("role", ["member", "coordinator", "admin"])
def test_only_the_lead_sees_who_has_been_invited(client, signed_in, make_user, role):
    # Invitees have not joined: their addresses are for the lead (as in the API).
    lead = make_user()
    viewer = signed_in() if role == "member" else signed_in(role=role, region="riga")
    team = make_team(lead, members=[viewer] if role == "member" else [])
    invite(team, "pending.guest@example.lv")
    assert "pending.guest@example.lv" not in client.get(f"/teams/{team.id}").get_data(
        as_text=True)
    client.post("/logout")
    login(client, lead)
    assert "pending.guest@example.lv" in client.get(f"/teams/{team.id}").get_data(
        as_text=True)


def test_buttons_follow_the_predicates(client, signed_in, make_user):
    lead, member = make_user(), signed_in()
    team = make_team(lead, members=[member])
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f'action="/teams/{team.id}/leave"' in html  # a member may leave
    assert "/remove" not in html                       # but not remove anyone
    client.post("/logout")
    login(client, lead)
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f'action="/teams/{team.id}/leave"' not in html  # the lead hands over first
    assert f"/members/{member.id}/remove" in html
    assert f"/members/{lead.id}/remove" not in html


def test_lead_withdraws_an_invitation(client, signed_in):
    team = make_team(signed_in())
    invitation = invite(team, "guest@example.lv")
    response = client.post(f"/teams/{team.id}/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert fresh(team).pending_invitations() == []
    assert client.get(f"/teams/invitations/{invitation.token}").status_code == 409


# --- members ---------------------------------------------------------------------------

def test_lead_removes_a_member(client, signed_in, make_user):
    member = make_user(name="Pēteris Projekts")
    team = make_team(signed_in(), members=[member])
    assert client.post(f"/teams/{team.id}/members/{member.id}/remove").status_code == 302
    assert not fresh(team).is_member(member)


def test_lead_cannot_remove_themself(client, signed_in):
    lead = signed_in()
    team = make_team(lead)
    assert client.post(f"/teams/{team.id}/members/{lead.id}/remove").status_code == 409
    assert fresh(team).is_lead(lead)


def test_lead_hands_over_the_lead(client, signed_in, make_user):
    lead, member = signed_in(), make_user(municipality="Dobeles novads")
    team = make_team(lead, members=[member])
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f'<option value="{member.id}">' in html
    response = client.post(f"/teams/{team.id}/lead", data={"user_id": str(member.id)})
    assert response.status_code == 302
    team = fresh(team)
    assert team.is_lead(member) and team.is_member(lead) and not team.is_lead(lead)
    # The former lead no longer manages the team.
    assert client.post(f"/teams/{team.id}/members/{member.id}/remove").status_code == 403


def test_hand_over_to_a_stranger_is_refused(client, signed_in, make_user):
    lead, stranger = signed_in(), make_user()
    team = make_team(lead)
    response = client.post(f"/teams/{team.id}/lead", data={"user_id": str(stranger.id)})
    assert response.status_code == 422
    response = client.post(f"/teams/{team.id}/lead", data={"user_id": "abc"})
    assert response.status_code == 422
    assert fresh(team).is_lead(lead)


def test_member_leaves_and_lead_cannot(client, signed_in, make_user):
    lead = make_user()
    member = signed_in()
    team = make_team(lead, members=[member])
    assert client.post(f"/teams/{team.id}/leave").status_code == 302
    assert not fresh(team).is_member(member)
    assert client.get(f"/teams/{team.id}").status_code == 404

    client.post("/logout")
    login(client, lead)
    response = client.post(f"/teams/{team.id}/leave")
    assert response.status_code == 409
    assert in_latvian("Hand over the lead to another member before you leave the team.") in \
        response.get_data(as_text=True)
    assert fresh(team).is_lead(lead)


# --- who may do what -------------------------------------------------------------------

ROLES = ("lead", "member", "other", "coordinator", "admin", "anonymous")


@pytest.fixture
def cast(client, make_user):
    """cast(role) → signs `client` in as that role for a fresh team; returns (team, people)."""

    def factory(role):
        people = {"lead": make_user(), "member": make_user(municipality="Dobeles novads"),
                  "other": make_user(),
                  "coordinator": make_user(role="coordinator", region="latgale"),
                  "admin": make_user(role="admin"), "target": make_user()}
        team = make_team(people["lead"], members=[people["member"], people["target"]])
        if role != "anonymous":
            assert login(client, people[role]).status_code == 302
        return team, people

    return factory


PAGE_MATRIX = {
    # role: (view, edit, invite, remove, hand over, leave)
    "lead": (200, 200, 302, 302, 302, 302),
    "member": (200, 403, 403, 403, 403, 302),
    "other": (404, 404, 404, 404, 404, 404),
    "coordinator": (200, 403, 403, 403, 403, 403),
    "admin": (200, 403, 403, 403, 403, 403),
    "anonymous": (302, 302, 302, 302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(client, cast, outbox, role):
    team, people = cast(role)
    target = people["target"]
    got = (
        client.get(f"/teams/{team.id}").status_code,
        client.get(f"/teams/{team.id}/edit").status_code,
        client.post(f"/teams/{team.id}/invitations", data={"email": "n@example.lv"}).status_code,
        client.post(f"/teams/{team.id}/members/{target.id}/remove").status_code,
        client.post(f"/teams/{team.id}/lead", data={"user_id": str(people["member"].id)})
        .status_code,
        client.post(f"/teams/{team.id}/leave").status_code,
    )
    assert got == PAGE_MATRIX[role]
    if role not in ("lead", "member"):
        team = fresh(team)
        assert team.is_lead(people["lead"]) and team.is_member(target)
        assert team.is_member(people["member"])
        assert outbox() == []


def test_pages_of_a_team_that_does_not_exist_are_404(client, signed_in):
    signed_in(role="admin")
    assert client.get("/teams/987654").status_code == 404
    assert client.get("/teams/99999999999999999999").status_code == 404


def test_other_users_see_no_trace_of_a_team(client, signed_in, make_user):
    team = make_team(make_user(), name="Slepenā komanda")
    signed_in()
    assert "Slepenā komanda" not in client.get("/teams").get_data(as_text=True)
    assert client.get(f"/teams/{team.id}").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/teams")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_accepting_needs_the_forms_security_token(app, client, signed_in, make_user):
    guest = signed_in()
    team = make_team(make_user())
    invitation = invite(team, guest.email)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/teams/invitations/{invitation.token}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert not fresh(team).is_member(guest)


# --- my teams ---------------------------------------------------------------------------

def test_my_teams_lists_only_my_teams_with_my_role(client, signed_in, make_user):
    me = signed_in()
    make_team(me, name="Mana komanda", partners=("Tukuma novads",))
    make_team(make_user(), name="Cita komanda", members=[me])
    make_team(make_user(), name="Sveša komanda")
    html = client.get("/teams").get_data(as_text=True)
    assert "Mana komanda" in html and "Cita komanda" in html and "Sveša komanda" not in html
    assert "Tukuma novads" in html
    assert in_latvian("Team lead") in html and in_latvian("Member") in html
    assert 'aria-current="page"' in html


def _teams_page_queries(client, count_queries, user, make_user, n):
    for i in range(n):
        make_team(user if i % 2 else make_user(), name=f"Komanda {i:02d}",
                  partners=("Tukuma novads", "Jelgava"),
                  members=[] if i % 2 else [user, make_user()])
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get("/teams")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Komanda ") >= n
    return counter.count


def test_my_teams_page_uses_a_fixed_number_of_queries(client, signed_in, make_user,
                                                      count_queries, db):
    me = signed_in()
    small = _teams_page_queries(client, count_queries, me, make_user, 2)
    large = _teams_page_queries(client, count_queries, me, make_user, 18)  # 20 in all
    assert small == large, (small, large)
    assert small <= 8, small


def test_team_page_uses_a_fixed_number_of_queries(client, signed_in, make_user, count_queries):
    lead = signed_in()
    counts = []
    for size in (2, 20):
        team = make_team(lead, name=f"Komanda {size}", partners=("Jelgava", "Tukuma novads"),
                         members=[make_user(role="coordinator", region="riga") if i % 3 == 0
                                  else make_user() for i in range(size - 1)])
        for i in range(size // 2):
            invite(team, f"guest{size}-{i}@example.lv")
        db.session.expire_all()
        with count_queries() as counter:
            response = client.get(f"/teams/{team.id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("<tr>") >= size
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


# --- the directory and asking to join ----------------------------------------------------------

def test_the_directory_lists_teams_in_latvian_alphabetical_order(client, signed_in, make_user):
    """The directory is paged by the database, so the database orders it as Latvian is."""
    names = ["Āra komanda", "Čakstes komanda", "Kalna komanda", "Ķeguma komanda",
             "Zaļā komanda", "Žagatas komanda"]
    for n, name in enumerate(reversed(names)):
        make_team(make_user(f"vaditajs{n}@dobele.lv"), name=name)
    signed_in(municipality="Dobeles novads")
    page = client.get("/teams/directory").get_data(as_text=True)
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)


def test_the_directory_lists_teams_without_naming_their_members(client, signed_in, make_user):
    lead = make_user("vaditaja@cesis.example.lv", name="Vadītāja Slepena",
                     municipality="Cēsu novads")
    make_team(lead, name="Cēsu digitālā komanda", municipality="Cēsu novads")
    make_team(make_user(municipality="Jelgava"), name="Jelgavas komanda", municipality="Jelgava")
    signed_in(municipality="Dobeles novads")
    page = client.get("/teams/directory").get_data(as_text=True)
    assert "Cēsu digitālā komanda" in page and "Jelgavas komanda" in page
    assert "Vadītāja Slepena" not in page and "vaditaja@cesis" not in page
    found = client.get("/teams/directory?q=CESU+digitala").get_data(as_text=True)
    assert "Cēsu digitālā komanda" in found and "Jelgavas komanda" not in found
    by_region = client.get("/teams/directory?region=zemgale").get_data(as_text=True)
    assert "Jelgavas komanda" in by_region and "Cēsu digitālā komanda" not in by_region
    assert client.get("/teams/directory?q=%25%25_").status_code == 200
    client.post("/logout")
    assert client.get("/teams/directory").status_code == 302  # to sign in


def test_asking_to_join_mails_the_lead_who_decides_by_inviting(client, signed_in, make_user,
                                                               outbox):
    lead = make_user("vaditajs@cesis.example.lv", municipality="Cēsu novads")
    team = make_team(lead, name="Cēsu komanda", municipality="Cēsu novads")
    asker = signed_in(email="jautataja@dobele.example.lv", name="Ilze Jautātāja",
                      municipality="Dobeles novads")
    long = client.post(f"/teams/{team.id}/join-request", data={"message": "x" * 501})
    assert long.status_code == 422 and "x" * 501 in long.get_data(as_text=True)  # kept
    response = client.post(f"/teams/{team.id}/join-request",
                           data={"message": "Varu palīdzēt ar datu analīzi."})
    assert response.status_code == 302
    (mail,) = outbox("vaditajs@cesis.example.lv")
    assert "Ilze Jautātāja" in mail.body and "jautataja@dobele.example.lv" in mail.body
    assert "Varu palīdzēt ar datu analīzi." in mail.body
    assert not fresh(team).is_member(asker)  # only an invitation makes a member
    assert client.post(f"/teams/{team.id}/join-request").status_code == 302
    client.post("/logout")
    login(client, lead)
    again = client.post(f"/teams/{team.id}/join-request", data={"message": ""})
    assert again.status_code == 409  # already a member
    assert client.get("/teams/999999/join-request").status_code == 404


# --- whose contacts --------------------------------------------------------------------------

def test_a_coordinator_reads_e_mails_only_of_teams_of_her_region(client, make_user, token_for):
    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea

    lead = make_user("vaditajs@jelgava.example.lv", municipality="Jelgava")
    team = make_team(lead, name="Jelgavas komanda", municipality="Jelgava")
    kurzeme = make_user(role="coordinator", region="kurzeme")
    zemgale = make_user(role="coordinator", region="zemgale")
    national = make_user(role="coordinator", region=None)

    def sees(user) -> tuple[bool, bool]:
        client.post("/logout")
        login(client, user)
        page = client.get(f"/teams/{team.id}").get_data(as_text=True)
        api = client.get(f"/api/v1/teams/{team.id}", headers=token_for(user)).json
        return lead.email in page, any("email" in m for m in api["members"])

    assert sees(kurzeme) == (False, False)  # a Zemgale team: not hers
    assert sees(zemgale) == (True, True)
    assert sees(national) == (True, True)
    # Once the team enters a Kurzeme hackathon, its coordinator may reach it.
    make_idea(make_hackathon(region="kurzeme"), team, status="submitted")
    assert sees(kurzeme) == (True, True)
