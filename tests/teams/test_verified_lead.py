"""Only people verified as working for a municipality lead a team for it; others are told
how to be verified, and what they typed stays in the form."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.affiliation import verify_by_operator
from app.accounts.models import Affiliation, AffiliationStatus
from app.core.audit import AuditEntry
from app.extensions import db
from app.places.models import MunicipalityDomain
from app.teams.models import Team
from tests.conftest import login, municipality
from tests.factories_teams import make_team


def jelgava_team(**changes) -> dict:
    data = {"name": "Jelgavas drošības komanda", "municipality_id": str(municipality("Jelgava").id)}
    data.update(changes)
    return data


def teams() -> int:
    return db.session.scalar(select(func.count(Team.id)))


def jelgava_domain(domain: str = "jelgava.example.lv") -> None:
    db.session.add(MunicipalityDomain(municipality_id=municipality("Jelgava").id, domain=domain))
    db.session.commit()


def test_unverified_user_cannot_lead_for_jelgava_on_the_page_and_keeps_her_input(
        client, signed_in):
    jelgava_domain()
    signed_in(email="anna@gmail.example")
    response = client.post("/teams/new", data=jelgava_team())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert teams() == 0
    assert "@jelgava.example.lv" in html  # how to be verified: the domain…
    assert 'href="/account/verification"' in html  # …or a request to the coordinator
    assert 'value="Jelgavas drošības komanda"' in html


def test_unverified_user_cannot_lead_for_jelgava_through_the_api(client, make_user, token_for):
    user = make_user(email="anna@gmail.example")
    response = client.post("/api/v1/teams", headers=token_for(user), json={
        "name": "Jelgavas drošības komanda", "municipality_id": municipality("Jelgava").id})
    assert response.status_code == 422
    assert "municipality_id" in response.get_json()["errors"]
    assert teams() == 0


def test_a_confirmed_address_at_the_municipalitys_domain_verifies(client, signed_in):
    jelgava_domain()
    signed_in(email="anna.berzina@jelgava.example.lv")
    assert client.post("/teams/new", data=jelgava_team()).status_code == 302
    assert teams() == 1


def test_an_unconfirmed_address_at_the_domain_does_not_verify(make_user):
    jelgava_domain()
    user = make_user(email="anna@jelgava.example.lv", confirmed=False)
    assert not user.is_verified_member(municipality("Jelgava").id)


def test_an_operators_account_with_a_municipality_is_verified(make_user):
    user = make_user(municipality="Jelgava")
    assert user.is_verified_member(municipality("Jelgava").id)
    assert not user.is_verified_member(municipality("Dobeles novads").id)


def test_changing_the_lead_municipality_needs_verification_too(client, signed_in):
    user = signed_in(municipality="Dobeles novads")
    team = make_team(user, municipality="Dobeles novads")
    response = client.post(f"/teams/{team.id}/edit", data=jelgava_team(name=team.name))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Team, team.id).municipality.name == "Dobeles novads"


def test_the_lead_cannot_be_handed_to_an_unverified_member(client, signed_in, make_user):
    lead = signed_in(municipality="Dobeles novads")
    other = make_user(email="peteris@gmail.example")
    team = make_team(lead, municipality="Dobeles novads", members=[other])
    response = client.post(f"/teams/{team.id}/lead", data={"user_id": str(other.id)})
    assert response.status_code == 422
    assert "nav verificēts" in response.get_data(as_text=True)
    verify_by_operator(other, municipality("Dobeles novads"))
    db.session.commit()
    assert client.post(f"/teams/{team.id}/lead", data={"user_id": str(other.id)}).status_code == 302


# --- asking, approving, declining ------------------------------------------------------------

def test_a_request_approved_by_the_regions_coordinator_lets_her_lead(client, app, make_user):
    person = make_user(email="anna@gmail.example")
    zemgale = make_user(role="coordinator", region="zemgale")
    kurzeme = make_user(role="coordinator", region="kurzeme")
    login(client, person)
    response = client.post("/account/verification", data={
        "municipality_id": str(municipality("Jelgava").id), "note": "Sociālais dienests"})
    assert response.status_code == 302
    found = db.session.scalar(select(Affiliation))
    assert found.status == AffiliationStatus.PENDING
    assert client.post("/teams/new", data=jelgava_team()).status_code == 422

    other = app.test_client()
    login(other, kurzeme)
    assert "anna@gmail.example" not in other.get("/verifications").get_data(as_text=True)
    assert other.post(f"/verifications/{found.id}/approve").status_code == 403

    coordinator = app.test_client()
    login(coordinator, zemgale)
    assert "anna@gmail.example" in coordinator.get("/verifications").get_data(as_text=True)
    assert coordinator.post(f"/verifications/{found.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Affiliation, found.id).status == AffiliationStatus.APPROVED
    assert client.post("/teams/new", data=jelgava_team()).status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "affiliation.approve"))


def test_a_decline_needs_a_reason_which_the_person_reads(client, app, make_user):
    person = make_user(email="anna@gmail.example")
    zemgale = make_user(role="coordinator", region="zemgale")
    login(client, person)
    client.post("/account/verification", data={"municipality_id": str(municipality("Jelgava").id)})
    found = db.session.scalar(select(Affiliation))

    coordinator = app.test_client()
    login(coordinator, zemgale)
    assert coordinator.post(f"/verifications/{found.id}/decline",
                            data={"reason": "  "}).status_code == 422
    assert coordinator.post(f"/verifications/{found.id}/decline",
                            data={"reason": "Nav atrasta pašvaldības darbinieku sarakstā."}
                            ).status_code == 302
    assert coordinator.post(f"/verifications/{found.id}/approve").status_code == 409
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "affiliation.decline"))
    assert entry is not None
    page = client.get("/account/verification").get_data(as_text=True)
    assert "Nav atrasta pašvaldības darbinieku sarakstā." in page
    assert not person.is_verified_member(municipality("Jelgava").id)


def test_nobody_decides_her_own_request(client, make_user):
    coordinator = make_user(role="coordinator", region="zemgale", email="z@gmail.example")
    login(client, coordinator)
    client.post("/account/verification", data={"municipality_id": str(municipality("Jelgava").id)})
    found = db.session.scalar(select(Affiliation))
    assert client.post(f"/verifications/{found.id}/approve").status_code == 403


def test_admin_sets_a_municipalitys_staff_domains(client, signed_in):
    signed_in(role="admin")
    jelgava = municipality("Jelgava")
    response = client.post(f"/admin/municipalities/{jelgava.id}", data={
        "name": "Jelgava", "kind": "state_city", "region_code": "zemgale",
        "staff_domains": "@jelgava.example.lv, Dome.Jelgava.example.lv"})
    assert response.status_code == 302
    db.session.expire_all()
    assert municipality("Jelgava").domain_names == ["dome.jelgava.example.lv",
                                                    "jelgava.example.lv"]
    dobele = municipality("Dobeles novads")
    taken = client.post(f"/admin/municipalities/{dobele.id}", data={
        "name": "Dobeles novads", "kind": "county", "region_code": "zemgale",
        "staff_domains": "jelgava.example.lv"})
    assert taken.status_code == 422
    assert "Jelgava" in taken.get_data(as_text=True)
    bad = client.post(f"/admin/municipalities/{dobele.id}", data={
        "name": "Dobeles novads", "kind": "county", "region_code": "zemgale",
        "staff_domains": "not a domain!"})
    assert bad.status_code == 422


def test_only_a_verified_member_becomes_her_municipalitys_named_respondent(client, make_user):
    from datetime import timedelta

    from app.core.clock import today_riga
    from app.programme.models import AssessmentResponse, AssessmentRound, Instrument, RoundKind

    instrument = Instrument(name="Pašnovērtējums")
    instrument.rounds = [AssessmentRound(kind=RoundKind.BASELINE,
                                         opens_on=today_riga() - timedelta(days=1),
                                         closes_on=today_riga() + timedelta(days=30))]
    db.session.add(instrument)
    person = make_user(email="anna@gmail.example")
    person.municipality_id = municipality("Jelgava").id  # chosen in her profile, not verified
    db.session.commit()
    login(client, person)
    path = f"/programme/assessments/rounds/{instrument.rounds[0].id}/answer"
    assert client.get(path).status_code == 403
    assert db.session.scalar(select(func.count(AssessmentResponse.id))) == 0
    verify_by_operator(person, municipality("Jelgava"))
    db.session.commit()
    assert client.get(path).status_code == 200
