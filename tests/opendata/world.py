"""The open-data tests' world: everything public, everything that must stay private, and
people with names and e-mail addresses that must never appear in any export.

Results are published through the real operation (judging.publish_results), so the
ranking in the exports is the one the jury's reviews produce.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from app.core.clock import now_utc, today_riga
from app.extensions import db

# Words that are in the database but must never be in the open data.
SECRETS = (
    "SLEPENS-ŽŪRIJAS-KOMENTĀRS", "SLEPENS-KRITĒRIJA-KOMENTĀRS", "IEKŠĒJA-PIEZĪME",
    "NEAPSTIPRINĀTA-ZIŅA", "PRIVĀTS-RĒĶINS", "SLEPENI-PIERĀDĪJUMI", "MELNRAKSTA-IDEJA",
    "MELNRAKSTA-HAKATONS", "ZAUDĒTĀJAS-PROBLĒMA", "PARTNERU-KONTAKTPERSONA",
    "INTEREŠU-KONFLIKTA-IEMESLS", "VĒRTĒŠANĀ-ESOŠA-IDEJA", "NEDERĪGUMA-IEMESLS",
)

PEOPLE = {
    # role: (name, e-mail) — distinctive, so that a scan finds any leak
    "coordinator": ("Ksenofonts Koordinatorovskis", "ksenofonts.slepenais@privatpasts.example"),
    "national": ("Melānija Valstiskā-Pārraudze", "melanija.parraudze@privatpasts.example"),
    "lead": ("Zigfrīds Komandvadonis", "zigfrids.komandvadonis@privatpasts.example"),
    "member": ("Ottilija Komandbiedrene", "ottilija.biedrene@privatpasts.example"),
    "judge_a": ("Hieronīms Vērtētājsons", "hieronims.vertetajs@privatpasts.example"),
    "judge_b": ("Brunhilde Žūrijniece", "brunhilde.zurija@privatpasts.example"),
    "judge_c": ("Teodosijs Neitrālais", "teodosijs.neitralais@privatpasts.example"),
    "other_lead": ("Leokādija Otrāvadone", "leokadija.otra@privatpasts.example"),
}

# People trained at the programme's events (not users) and an assessment's respondent:
# counted and summed in the open data, never named.
TRAINED = (("Eižens Apmācītais", "eizens.apmacitais@privatpasts.example"),
           ("Genovefa Mācekle", "genovefa.macekle@privatpasts.example"),
           ("Bonifācijs Klausītājs", ""))
RESPONDENT = ("Kunigunde Respondente", "kunigunde.respondente@privatpasts.example")


def _person(role: str, municipality: str | None):
    from app.accounts import operations as account_ops
    from app.accounts.models import Role

    name, email = PEOPLE[role]
    user = account_ops.create_user(email, name, "a long and quiet evening",
                                   municipality_name=municipality)
    user.locale = "en"
    if role == "coordinator":
        account_ops.grant_role(user, Role.COORDINATOR, "zemgale", actor=None)
    if role == "national":
        account_ops.grant_role(user, Role.COORDINATOR, None, actor=None)
    db.session.commit()
    return user


def open_data_world():
    """A zemgale hackathon with published results (a winner running a pilot, an idea not
    selected, a withdrawn and an ineligible one), a hackathon still judging, a draft
    hackathon, a draft idea, and the people behind all of it."""
    from app.hackathons.models import Phase
    from app.judging.deciding import publish_results
    from app.judging.models import ConflictDeclaration, JuryMember
    from app.judging.models_reviews import Review
    from app.pilots.models import Replication
    from app.pilots.models_money import Expense, FundingLine
    from app.pilots.models_plan import Indicator, Measurement, Milestone
    from app.pilots.models_reports import PilotEvaluation, PilotUpdate
    from app.pilots.states import (
        FundingKind,
        MilestoneStatus,
        Recommendation,
        ReplicationStatus,
        UpdateStatus,
    )
    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_judging import make_review
    from tests.factories_pilots import make_pilot
    from tests.factories_teams import _municipality, make_team

    now = now_utc()
    today = today_riga()
    people = {role: _person(role, place) for role, place in (
        ("coordinator", None), ("national", None), ("lead", "Dobeles novads"),
        ("member", "Dobeles novads"), ("judge_a", "Valmieras novads"),
        ("judge_b", "Kuldīgas novads"), ("judge_c", "Rēzekne"), ("other_lead", "Jelgava"))}
    coordinator = people["coordinator"]
    hackathon = make_hackathon(region="zemgale", phase="judging", criteria=2,
                               created_by=coordinator, title="Zemgales ūdens hakatons",
                               opens_at=now - timedelta(days=60),
                               closes_at=now - timedelta(days=30),
                               judging_closes_at=now - timedelta(days=2))
    team = make_team(people["lead"], name="Dobeles ūdens komanda", municipality="Dobeles novads",
                     partners=("Bauskas novads",), members=(people["member"],))
    other_team = make_team(people["other_lead"], name="Jelgavas komanda", municipality="Jelgava")
    winner = make_idea(hackathon, team, status="submitted", title="Viedie ūdens skaitītāji",
                       summary="Attālināti nolasāmi ūdens skaitītāji.",
                       partners="PARTNERU-KONTAKTPERSONA: Zigfrīds, tālr. 20000000")
    loser = make_idea(hackathon, other_team, status="submitted", title="Jelgavas e-pakalpojumi",
                      problem="ZAUDĒTĀJAS-PROBLĒMA")
    second = make_idea(hackathon, team, status="submitted", title="Otrais pilots")
    make_idea(hackathon, other_team, status="withdrawn", title="Atsauktā ideja")
    make_idea(hackathon, other_team, status="ineligible", title="Nederīgā ideja",
              problem="NEDERĪGUMA-IEMESLS")
    judges = [people["judge_a"], people["judge_b"], people["judge_c"]]
    for judge in judges:
        db.session.add(JuryMember(hackathon_id=hackathon.id, user_id=judge.id,
                                  added_by_id=coordinator.id))
    db.session.commit()
    for k, judge in enumerate(judges):
        make_review(winner, judge, status="submitted", scores={0: 9 - k, 1: 8},
                    comment="SLEPENS-ŽŪRIJAS-KOMENTĀRS")
        make_review(loser, judge, status="submitted", scores={0: 4 + k, 1: 5})
        make_review(second, judge, status="submitted", scores={0: 7, 1: 7})
    for review in db.session.query(Review).all():
        for score in review.scores:
            score.comment = "SLEPENS-KRITĒRIJA-KOMENTĀRS"
    db.session.add(ConflictDeclaration(hackathon_id=hackathon.id, idea_id=loser.id,
                                       judge_id=people["judge_c"].id,
                                       reason="INTEREŠU-KONFLIKTA-IEMESLS"))
    hackathon.phase = Phase.RESULTS
    db.session.commit()
    publish_results(hackathon, {"idea_ids": [winner.id, second.id], "justification":
                                "Labākā ideja pēc žūrijas vērtējuma."}, actor=coordinator)
    db.session.commit()
    # An erratum: the published justification named the wrong criterion.
    from app.judging.errata import correct_results

    correct_results(hackathon, {"reason": "Pamatojumā bija nosaukts cits kritērijs.",
                                "justification": "Labākās idejas pēc žūrijas vērtējuma."},
                    actor=coordinator)
    db.session.commit()

    judging = make_hackathon(region="kurzeme", phase="judging", created_by=coordinator,
                             title="Kurzemes hakatons", eligible_regions=["kurzeme", "zemgale"],
                             opens_at=now - timedelta(days=20),
                             closes_at=now - timedelta(days=1))
    in_judging = make_idea(judging, team, status="submitted", title="VĒRTĒŠANĀ-ESOŠA-IDEJA")
    draft = make_idea(judging, team, status="draft", title="MELNRAKSTA-IDEJA")
    hidden = make_hackathon(region="riga", phase="draft", created_by=coordinator,
                            title="MELNRAKSTA-HAKATONS")

    pilot = make_pilot(winner, coordinator=coordinator, status="active", budget="20000.00",
                       start=today - timedelta(days=90), end=today + timedelta(days=270))
    pilot.created_by_id = pilot.updated_by_id = people["national"].id
    tukums = _municipality("Tukuma novads")
    pid, lead_id, member_id = pilot.id, people["lead"].id, people["member"].id
    coordinator_id = coordinator.id
    db.session.add_all([
        Milestone(pilot_id=pid, title="Skaitītāju iepirkums",
                  due_date=today - timedelta(days=40),
                  weight=Decimal("1"), status=MilestoneStatus.DONE,
                  completed_on=today - timedelta(days=45),
                  evidence_text="SLEPENI-PIERĀDĪJUMI: līgums ar Zigfrīdu"),
        Milestone(pilot_id=pid, title="Uzstādīšana", due_date=today + timedelta(days=60),
                  weight=Decimal("2"), status=MilestoneStatus.IN_PROGRESS),
        FundingLine(pilot_id=pid, kind=FundingKind.PROGRAMME, amount_eur=Decimal("17000.00")),
        FundingLine(pilot_id=pid, kind=FundingKind.MUNICIPAL, label="Dobeles novads",
                    amount_eur=Decimal("3000.00")),
        Expense(pilot_id=pid, spent_on=today - timedelta(days=40),
                amount_eur=Decimal("1500.50"),
                description="Skaitītāju uzstādīšanas konsultācija",
                created_by_id=lead_id),
        Expense(pilot_id=pid, spent_on=today - timedelta(days=39),
                amount_eur=Decimal("499.50"),
                description="Skaitītāju iegāde", created_by_id=member_id),
        Expense(pilot_id=pid, spent_on=today - timedelta(days=5), amount_eur=Decimal("0.05"),
                description="Bankas komisija", created_by_id=member_id),
    ])
    indicator = Indicator(pilot_id=pid, name="Kļūdaino rēķinu skaits", unit="rēķini",
                          direction="decrease", baseline_value=Decimal("120"),
                          baseline_on=today - timedelta(days=90), target_value=Decimal("30"),
                          target_on=today + timedelta(days=270))
    indicator.measurements = [
        Measurement(value=Decimal("100.5"), measured_on=today - timedelta(days=30),
                    note="Norēķinu sistēma", created_by_id=member_id),
        Measurement(value=Decimal("-2.25"), measured_on=today - timedelta(days=5),
                    note="=1+1 (pārbaude)", created_by_id=member_id)]
    db.session.add(indicator)
    db.session.add_all([
        PilotUpdate(pilot_id=pid, reported_on=today - timedelta(days=10), public=True,
                    status=UpdateStatus.APPROVED, body="Uzstādīti **200** skaitītāji.",
                    created_by_id=lead_id, submitted_at=now - timedelta(days=10),
                    reviewed_at=now - timedelta(days=9), reviewed_by_id=coordinator_id),
        PilotUpdate(pilot_id=pid, reported_on=today - timedelta(days=2), public=True,
                    status=UpdateStatus.SUBMITTED, body="NEAPSTIPRINĀTA-ZIŅA",
                    created_by_id=lead_id, submitted_at=now),
        PilotUpdate(pilot_id=pid, reported_on=today - timedelta(days=1), public=False,
                    status=UpdateStatus.INTERNAL, body="IEKŠĒJA-PIEZĪME par Ottiliju",
                    created_by_id=member_id),
        Replication(pilot_id=pid, municipality=tukums,
                    status=ReplicationStatus.CONSIDERING, started_on=today - timedelta(days=3),
                    note="Interese", created_by_id=coordinator_id),
    ])
    db.session.commit()

    ended = make_pilot(second, coordinator=coordinator, status="completed",
                       budget="5000.00", start=today - timedelta(days=400),
                       end=today - timedelta(days=10))
    db.session.add(PilotEvaluation(pilot=ended, results="Sasniegts mērķis.",
                                   lessons="Vajag vairāk laika.",
                                   recommendation=Recommendation.SCALE_UP,
                                   evaluated_by_id=people["lead"].id))
    db.session.commit()
    programme = programme_world(coordinator)
    pilot.assessment_theme_id = programme.instrument.themes[0].id
    db.session.commit()
    return SimpleNamespace(people=people, hackathon=hackathon, programme=programme,
                           judging=judging, hidden=hidden,
                           team=team, winner=winner, loser=loser, in_judging=in_judging,
                           draft=draft, pilot=pilot, ended=ended, indicator=indicator,
                           coordinator=coordinator)


def programme_world(coordinator):
    """Two events with three people trained (one of them at both), and an assessment that
    three Zemgale municipalities and one Kurzeme municipality answered at both rounds, with
    evidence that must stay private."""
    from app.accounts import operations as account_ops
    from app.places.models import Municipality
    from app.programme.models import (
        Attendance,
        Event,
        EventFormat,
        EventKind,
        Person,
        RoundKind,
    )
    from tests.factories_programme import answer_round, make_instrument, round_of

    today = today_riga()
    places = {m.name: m for m in db.session.scalars(db.select(Municipality))}
    first = Event(title="Datu pārvaldības darbnīca", kind=EventKind.WORKSHOP,
                  format=EventFormat.IN_PERSON, region_code="zemgale",
                  starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=400),
                  created_by_id=coordinator.id)
    second = Event(title="Tiešsaistes seminārs", kind=EventKind.NATIONAL_EVENT,
                   format=EventFormat.ONLINE, region_code=None,
                   starts_on=today - timedelta(days=20), ends_on=today - timedelta(days=20),
                   created_by_id=coordinator.id)
    trained = [Person(name=name, email=email or None, municipality=places["Dobeles novads"],
                      region_code="zemgale") for name, email in TRAINED]
    db.session.add_all([first, second, *trained])
    db.session.flush()
    for event, people in ((first, trained[:2]), (second, trained[1:])):
        for person in people:
            event.attendances.append(Attendance(person=person, region_code="zemgale",
                                                municipality=places["Dobeles novads"],
                                                source="saraksts-ar-vardiem.csv"))
    db.session.commit()

    instrument = make_instrument(name="Labas pārvaldības pašnovērtējums",
                                 themes=(("Atklātība", 1),))
    zemgale = [places[n] for n in ("Jelgava", "Jelgavas novads", "Jēkabpils novads")]
    alone = places["Kuldīgas novads"]
    answer_round(round_of(instrument, RoundKind.BASELINE),
                 {zemgale[0]: 1, zemgale[1]: 1, zemgale[2]: 2, alone: 1})
    answer_round(round_of(instrument, RoundKind.FINAL),
                 {zemgale[0]: 3, zemgale[1]: 2, zemgale[2]: 3, alone: 3})
    respondent = account_ops.create_user(RESPONDENT[1], RESPONDENT[0],
                                         "a long and quiet evening",
                                         municipality_name="Kuldīgas novads")
    from app.programme.models import AssessmentResponse

    for response in db.session.scalars(db.select(AssessmentResponse).where(
            AssessmentResponse.municipality_id == alone.id)):
        response.respondent_id = respondent.id
        for answer in response.answers:
            answer.evidence = "SLEPENI-PAŠNOVĒRTĒJUMA-PIERĀDĪJUMI"
    db.session.commit()
    return SimpleNamespace(events=(first, second), trained=trained, instrument=instrument,
                           zemgale=zemgale, alone=alone)


def make_volume_coordinators() -> None:
    """The demo coordinators app.demo.volume runs its hackathons with (without the rest of
    the demo, which is slower)."""
    from app.accounts import operations as account_ops
    from app.accounts.models import Role
    from app.demo.volume import COORDINATORS

    for region, email in COORDINATORS.items():
        user = account_ops.create_user(email, f"Koordinators {region}",
                                       "a long and quiet evening")
        account_ops.grant_role(user, Role.COORDINATOR, region, actor=None)
    db.session.commit()
