"""Team rules in the service layer: creating, inviting, accepting, removing, handing over."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.formatting import fmt_datetime
from app.extensions import db
from app.teams import operations as ops
from app.teams.models import Team, TeamMember
from tests.conftest import municipality
from tests.factories_teams import invite, make_team


@pytest.fixture(autouse=True)
def request_context(app, db):
    # Messages are lazy strings: the locale selector reads the request's session.
    with app.test_request_context():
        yield


USED = ("This invitation has already been used. If you accepted it, the team is on your "
        "“My teams” page; otherwise ask the team lead for a new invitation.")
WITHDRAWN = ("This invitation has been withdrawn or replaced by a newer one. Use the link in "
             "the latest e-mail, or ask the team lead for a new invitation.")
LINK_INVALID = ("This invitation link is not valid. Copy the whole link from the e-mail, or "
                "ask the team lead for a new invitation.")


def latvian(message: str, **variables) -> str:
    """A pattern for the whole message as the Latvian catalog has it (the request's locale)."""
    with force_locale("lv"):
        return "^" + re.escape(gettext(message, **variables)) + "$"


def audit_actions(team):
    return [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "team",
                                 AuditEntry.object_id == str(team.id)).order_by(AuditEntry.id))]


def test_creator_becomes_the_only_lead(make_user):
    lead = make_user(municipality="Dobeles novads")
    team = ops.create_team({"name": "  Dobeles   komanda ",
                            "municipality_id": municipality("Dobeles novads").id,
                            "partner_municipality_ids": [municipality("Tukuma novads").id,
                                                         municipality("Jelgava").id]},
                           actor=lead)
    db.session.commit()
    assert team.name == "Dobeles komanda"
    assert [(m.user_id, m.is_lead) for m in team.members] == [(lead.id, True)]
    assert team.is_lead(lead) and team.is_member(lead) and team.can_manage(lead)
    assert [m.name for m in team.partner_municipalities] == ["Jelgava", "Tukuma novads"]
    assert team.municipality_ids() == {municipality(n).id for n in
                                       ("Dobeles novads", "Tukuma novads", "Jelgava")}
    assert audit_actions(team) == ["team.create"]


def test_a_user_may_be_in_several_teams(make_user):
    user = make_user()
    first = make_team(user, name="Pirmā")
    second = make_team(make_user(), name="Otrā", members=[user])
    assert first.is_lead(user) and second.is_member(user) and not second.is_lead(user)


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"municipality_id": None}, "municipality_id"),
    ({"municipality_id": 999999}, "municipality_id"),
    ({"municipality_id": "Dobele"}, "municipality_id"),
    ({"municipality_id": 2**70}, "municipality_id"),
    ({"partner_municipality_ids": [999999]}, "partner_municipality_ids"),
    ({"partner_municipality_ids": ["x"]}, "partner_municipality_ids"),
    ({"partner_municipality_ids": ["LEAD"]}, "partner_municipality_ids"),
])
def test_bad_team_input_is_refused_and_nothing_is_created(make_user, data, field):
    lead_id = municipality("Dobeles novads").id
    full = {"name": "Komanda", "municipality_id": lead_id, "partner_municipality_ids": []}
    full.update(data)
    full["partner_municipality_ids"] = [lead_id if p == "LEAD" else p
                                        for p in full["partner_municipality_ids"]]
    with pytest.raises(Invalid) as caught:
        ops.create_team(full, actor=make_user())
    assert field in caught.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Team)) is None


def test_name_of_exactly_120_characters_is_fine_and_partners_count_once(make_user):
    tukums = municipality("Tukuma novads").id
    team = ops.create_team({"name": "x" * 120, "municipality_id": municipality("Rīga").id,
                            "partner_municipality_ids": [tukums, str(tukums)]},
                           actor=make_user(municipality="Rīga"))
    assert len(team.name) == 120
    assert [m.id for m in team.partner_municipalities] == [tukums]


def test_invitation_is_mailed_in_latvian_to_someone_without_an_account(make_user, outbox):
    lead = make_user(name="Jānis Bērziņš")
    team = make_team(lead, name="Zemgales drošība")
    invitation = invite(team, "Jauna.Persona@Example.LV")
    assert invitation.email == "jauna.persona@example.lv"
    [mail] = outbox("jauna.persona@example.lv")
    assert "Zemgales drošība" in mail.subject
    assert "Jānis Bērziņš" in mail.body
    assert invitation.token in mail.body
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    # The token is stored only as a digest.
    assert invitation.token not in invitation.token_hash


def test_invitation_is_mailed_in_the_invitees_language(make_user, outbox):
    guest = make_user(locale="en")
    team = make_team(make_user())
    invite(team, guest.email)
    [mail] = outbox(guest.email)
    assert "Invitation to join the team" in mail.subject


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 250 + "@example.lv",
                                   "two@example.lv, three@example.lv"])
def test_malformed_invitation_address_is_refused(make_user, outbox, email):
    team = make_team(make_user())
    with pytest.raises(Invalid) as caught:
        ops.invite_member(team, email, actor=team.lead.user)
    assert "email" in caught.value.errors
    assert outbox() == []


def test_inviting_a_member_is_refused(make_user, outbox):
    member = make_user()
    team = make_team(make_user(), members=[member])
    with pytest.raises(Invalid) as caught:
        ops.invite_member(team, member.email.upper(), actor=team.lead.user)
    assert "email" in caught.value.errors
    assert outbox() == []


def test_only_the_lead_invites(make_user):
    member = make_user()
    team = make_team(make_user(), members=[member])
    with pytest.raises(NotAllowed):
        ops.invite_member(team, "x@example.lv", actor=member)


def test_invitation_works_once(make_user):
    guest = make_user()
    team = make_team(make_user())
    invitation = invite(team, guest.email)
    member = ops.accept_invitation(invitation.token, user=guest)
    db.session.commit()
    assert team.is_member(guest) and not member.is_lead
    with pytest.raises(WrongState, match=latvian(USED)):
        ops.accept_invitation(invitation.token, user=guest)
    assert audit_actions(team) == ["team.create", "team.invite", "team.member_join"]


def test_invitation_expires_after_seven_days(make_user):
    guest = make_user()
    team = make_team(make_user())
    sent = now_utc()
    invitation = invite(team, guest.email, now=sent)
    almost = sent + timedelta(days=7) - timedelta(seconds=1)
    expired = latvian("This invitation expired on %(when)s. Ask the team lead to invite you "
                      "again.", when=fmt_datetime(invitation.expires_at))
    with pytest.raises(WrongState, match=expired):
        ops.accept_invitation(invitation.token, user=guest, now=sent + timedelta(days=7))
    ops.accept_invitation(invitation.token, user=guest, now=almost)
    assert team.is_member(guest)


def test_invitation_for_another_address_is_refused(make_user):
    team = make_team(make_user())
    invitation = invite(team, "invited@example.lv")
    stranger = make_user()
    with pytest.raises(NotAllowed):
        ops.accept_invitation(invitation.token, user=stranger)
    assert not team.is_member(stranger)


def test_unknown_or_mangled_token_is_refused(make_user):
    with pytest.raises(WrongState, match=latvian(LINK_INVALID)):
        ops.accept_invitation("nonsense", user=make_user())
    with pytest.raises(WrongState, match=latvian(LINK_INVALID)):
        ops.accept_invitation("x" * 5000, user=make_user())


@pytest.mark.parametrize("other_request, message", [
    ("accept", USED),       # a second tab, a double click
    ("revoke", WITHDRAWN),  # the lead withdraws it at that moment
], ids=["accept", "revoke"])
def test_link_used_by_another_request_meanwhile_is_refused(app, make_user, other_request,
                                                           message):
    from app.accounts.models import User

    guest = make_user()
    team = make_team(make_user())
    invitation = invite(team, guest.email)
    # This request has read the invitation while it was still pending...
    assert ops.find_invitation(invitation.token).is_pending()
    assert not team.is_member(guest)
    # ...when another request, with its own session, accepts or withdraws it and commits.
    with app.app_context():
        other = ops.find_invitation(invitation.token)
        if other_request == "accept":
            ops.accept_invitation(invitation.token, user=db.session.get(User, guest.id))
        else:
            ops.revoke_invitation(other, actor=db.session.get(User, team.lead.user_id))
        db.session.commit()
    with pytest.raises(WrongState, match=latvian(message)):
        ops.accept_invitation(invitation.token, user=guest)
    db.session.rollback()
    joined = db.session.scalars(select(TeamMember.user_id).where(
        TeamMember.team_id == team.id, TeamMember.user_id == guest.id)).all()
    assert joined == ([guest.id] if other_request == "accept" else [])


def test_accepting_while_already_a_member_adds_no_second_membership(make_user):
    guest = make_user()
    team = make_team(make_user())
    invitation = invite(team, guest.email)
    team.members.append(TeamMember(user_id=guest.id, user=guest))  # joined meanwhile
    db.session.commit()
    member = ops.accept_invitation(invitation.token, user=guest)
    db.session.commit()
    db.session.expire_all()
    assert [m.user_id for m in team.members].count(guest.id) == 1
    assert member.user_id == guest.id and not member.is_lead
    assert team.pending_invitations() == []  # the link is used up
    assert "team.member_join" not in audit_actions(team)


def test_new_invitation_replaces_the_pending_one(make_user):
    guest = make_user()
    team = make_team(make_user())
    first = invite(team, guest.email)
    second = invite(team, guest.email)
    with pytest.raises(WrongState, match=latvian(WITHDRAWN)):
        ops.accept_invitation(first.token, user=guest)
    ops.accept_invitation(second.token, user=guest)
    assert team.is_member(guest)


def test_withdrawn_invitation_stops_working(make_user):
    guest = make_user()
    team = make_team(make_user())
    invitation = invite(team, guest.email)
    ops.revoke_invitation(invitation, actor=team.lead.user)
    with pytest.raises(WrongState):
        ops.accept_invitation(invitation.token, user=guest)
    assert team.pending_invitations() == []


def test_lead_removes_a_member_but_not_themself(make_user):
    lead, member = make_user(), make_user()
    team = make_team(lead, members=[member])
    with pytest.raises(WrongState):
        ops.remove_member(team, lead, actor=lead)
    ops.remove_member(team, member, actor=lead)
    db.session.commit()
    assert not team.is_member(member)
    assert audit_actions(team)[-1] == "team.member_remove"


def test_a_member_cannot_remove_another(make_user):
    lead, one, two = make_user(), make_user(), make_user()
    team = make_team(lead, members=[one, two])
    with pytest.raises(NotAllowed):
        ops.remove_member(team, two, actor=one)
    with pytest.raises(NotAllowed):
        ops.remove_member(team, lead, actor=one)
    assert team.is_member(two)


def test_a_member_leaves(make_user):
    member = make_user()
    team = make_team(make_user(), members=[member])
    ops.leave_team(team, user=member)
    db.session.commit()
    assert not team.is_member(member)
    assert audit_actions(team)[-1] == "team.member_leave"


def test_the_lead_hands_over_and_stays_as_member(make_user):
    lead, member = make_user(), make_user(municipality="Dobeles novads")
    team = make_team(lead, members=[member])
    ops.hand_over_lead(team, member, actor=lead)
    db.session.commit()
    db.session.expire_all()
    leads = db.session.scalars(select(TeamMember).where(TeamMember.team_id == team.id,
                                                        TeamMember.is_lead)).all()
    assert [m.user_id for m in leads] == [member.id]
    assert team.is_member(lead) and not team.is_lead(lead)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "team.lead_handover"))
    assert entry.before == {"lead_user_id": lead.id}
    assert entry.after == {"lead_user_id": member.id}
    # The former lead may now leave.
    ops.leave_team(team, user=lead)
    assert not team.is_member(lead)


def test_hand_over_to_a_non_member_or_by_a_member_is_refused(make_user):
    lead, member, outsider = make_user(), make_user(), make_user()
    team = make_team(lead, members=[member])
    with pytest.raises(Invalid):
        ops.hand_over_lead(team, outsider, actor=lead)
    with pytest.raises(Invalid):
        ops.hand_over_lead(team, lead, actor=lead)
    with pytest.raises(Invalid):
        ops.hand_over_lead(team, None, actor=lead)  # an unknown user id
    with pytest.raises(NotAllowed):
        ops.hand_over_lead(team, member, actor=member)
    assert team.is_lead(lead)


def test_the_lead_cannot_leave(make_user):
    lead = make_user()
    team = make_team(lead)
    with pytest.raises(WrongState, match=latvian(
            "Hand over the lead to another member before you leave the team.")):
        ops.leave_team(team, user=lead)


def test_the_database_refuses_a_second_lead(make_user):
    from sqlalchemy.exc import IntegrityError

    lead, member = make_user(), make_user()
    team = make_team(lead, members=[member])
    team.membership(member).is_lead = True
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_predicates_for_everyone(make_user):
    from flask_login import AnonymousUserMixin

    lead, member, other = make_user(), make_user(), make_user()
    coordinator = make_user(role="coordinator", region="kurzeme")
    admin = make_user(role="admin")
    team = make_team(lead, members=[member])
    table = {
        "lead": (lead, True, True, True),
        "member": (member, True, False, True),
        "other": (other, False, False, False),
        "coordinator": (coordinator, False, False, True),
        "admin": (admin, False, False, True),
        "anonymous": (AnonymousUserMixin(), False, False, False),
    }
    for who, (user, is_member, can_manage, can_view) in table.items():
        assert team.is_member(user) is is_member, who
        assert team.can_manage(user) is can_manage, who
        assert team.can_view(user) is can_view, who
        assert team.can_see_invitations(user) is can_manage, who
        assert team.can_leave(user) is (who == "member"), who


@pytest.mark.parametrize("actor, target, allowed", [
    ("lead", "member", True),
    ("lead", "lead", False),         # the lead hands over first
    ("member", "member", True),      # leaving
    ("member", "other_member", False),
    ("member", "lead", False),
    ("admin", "member", False),
    ("lead", "outsider", False),
])
def test_who_may_remove_whom(make_user, actor, target, allowed):
    people = {"lead": make_user(), "member": make_user(), "other_member": make_user(),
              "admin": make_user(role="admin"), "outsider": make_user()}
    team = make_team(people["lead"], members=[people["member"], people["other_member"]])
    assert team.can_remove(people[actor], people[target]) is allowed
    # The operation applies the same rule.
    if allowed:
        ops.remove_member(team, people[target], actor=people[actor])
        assert not team.is_member(people[target])
    else:
        with pytest.raises((NotAllowed, WrongState)):
            ops.remove_member(team, people[target], actor=people[actor])


def test_a_hand_over_after_another_one_committed_is_refused_clearly(make_user):
    """Two browsers of the lead hand over at once to different members: the second one reads
    the lead the first one made and is refused, not a 500 from the one-lead index."""
    lead, first, second = make_user(), make_user(), make_user()
    team = make_team(lead, members=[first, second])
    assert team.is_lead(lead)  # this request has loaded the team and its members
    with db.engine.begin() as other:  # the other request commits its hand-over meanwhile
        other.execute(update(TeamMember).where(TeamMember.team_id == team.id,
                                               TeamMember.user_id == lead.id)
                      .values(is_lead=False))
        other.execute(update(TeamMember).where(TeamMember.team_id == team.id,
                                               TeamMember.user_id == first.id)
                      .values(is_lead=True))
    with pytest.raises(NotAllowed):
        ops.hand_over_lead(team, second, actor=lead)
    db.session.rollback()
    leads = db.session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id,
                                                                TeamMember.is_lead)).all()
    assert leads == [first.id]
