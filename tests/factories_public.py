"""Factory helpers for the public pages (plain functions; the `db` fixture must be active).

`public_world()` builds what the public pages show and what they must hide: a hackathon with
published results (a winner with a running pilot, a second winner, an idea not selected), an
idea still in judging elsewhere, a draft, and people with names and e-mail addresses that
must never appear on a public page.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from app.core.clock import now_utc, today_riga
from app.extensions import db

_numbers = itertools.count(1)


def person(name: str, municipality: str | None = "Dobeles novads", *, role=None, region=None,
           locale="en"):
    """A committed user with a recognisable name and e-mail address."""
    from app.accounts import operations as account_ops
    from app.accounts.models import Role

    n = next(_numbers)
    slug = name.lower().replace(" ", ".").encode("ascii", "ignore").decode()
    user = account_ops.create_user(f"{slug}.{n}@privata-adrese.example.lv", name,
                                   "a long and quiet evening", municipality_name=municipality)
    user.locale = locale
    if role:
        account_ops.grant_role(user, Role(role), region, actor=None)
    db.session.commit()
    return user


def publish(hackathon, winners, others=(), *, justification="", when=None, coordinator=None):
    """Publish results directly: the winners become winners, the others not selected, and a
    decision with a frozen ranking is stored (no e-mails, no rules)."""
    from app.hackathons.models import Phase
    from app.ideas.status import IdeaStatus
    from app.judging.models_results import WinnerDecision

    when = when or now_utc()
    ranking = []
    for rank, idea in enumerate([*winners, *others], start=1):
        idea.status = IdeaStatus.WINNER if idea in winners else IdeaStatus.NOT_SELECTED
        ranking.append({"idea_id": idea.id, "rank": rank, "score": 90.0 - rank,
                        "normalized_score": 1.5 - rank / 10, "reviews": 3, "flags": [],
                        "median": 80.0, "stdev": 3.0, "title": idea.title,
                        "municipality": idea.team.municipality.name, "round": 1})
    hackathon.phase = Phase.RESULTS
    db.session.add(WinnerDecision(
        hackathon_id=hackathon.id, idea_ids=[i.id for i in winners],
        justification=justification, departs_from_ranking=bool(justification),
        ranking=ranking, decided_by_id=getattr(coordinator, "id", None), decided_at=when,
        published_at=when))
    db.session.commit()


def public_world():
    """Everything the public tests need, committed."""
    from app.pilots.models import Replication
    from app.pilots.models_plan import Indicator, Measurement
    from app.pilots.models_reports import PilotEvaluation
    from app.pilots.states import Recommendation, ReplicationStatus
    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_judging import make_judge
    from tests.factories_pilots import add_expense, add_milestone, add_report, make_pilot
    from tests.factories_teams import make_team

    now = now_utc()
    today = today_riga()
    coordinator = person("Koordinatore Ilze Kalniņa", None, role="coordinator",
                         region="zemgale")
    lead = person("Anna Bērziņa", "Dobeles novads")
    member = person("Pēteris Ozols", "Dobeles novads")
    other_lead = person("Laura Liepa", "Jelgava")
    hackathon = make_hackathon(region="zemgale", phase="judging", title="Zemgales hakatons 2026",
                               theme="Komunālie pakalpojumi", created_by=coordinator,
                               opens_at=now - timedelta(days=60),
                               closes_at=now - timedelta(days=30),
                               judging_closes_at=now - timedelta(days=5))
    judge = make_judge(hackathon, "Valmieras novads", name="Jānis Vērtētājs")
    team = make_team(lead, name="Dobeles ūdens komanda", municipality="Dobeles novads",
                     partners=("Bauskas novads",), members=(member,))
    other_team = make_team(other_lead, name="Jelgavas komanda", municipality="Jelgava")
    winner = make_idea(hackathon, team, status="submitted", title="Viedie ūdens skaitītāji",
                       summary="Attālināti nolasāmi skaitītāji.")
    second = make_idea(hackathon, other_team, status="submitted", title="Jelgavas e-pakalpojumi",
                       summary="Vienota pieteikšanās.")
    loser = make_idea(hackathon, other_team, status="submitted", title="Neizvēlētā ideja",
                      summary="Netika izvēlēta.")
    publish(hackathon, [winner, second], [loser],
            justification="Abas idejas papildina viena otru.", coordinator=coordinator)

    judging = make_hackathon(region="kurzeme", phase="judging", title="Kurzemes hakatons",
                             theme="Jaunatnes darbs", opens_at=now - timedelta(days=20),
                             closes_at=now - timedelta(days=1))
    pending = make_idea(judging, team, status="submitted", title="Vēl vērtējamā ideja")
    draft = make_idea(judging, team, status="draft", title="Slepenais melnraksts")
    open_h = make_hackathon(region="vidzeme", phase="open", title="Vidzemes atvērtais hakatons")
    coming = make_hackathon(region="latgale", phase="open", title="Latgales nākamais hakatons",
                            opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=40),
                            judging_closes_at=now + timedelta(days=60))
    hidden = make_hackathon(region="riga", phase="draft", title="Rīgas melnraksta hakatons")

    pilot = make_pilot(winner, coordinator=coordinator, status="active", budget="20000.00",
                       start=today - timedelta(days=90), end=today + timedelta(days=270))
    add_milestone(pilot, title="Skaitītāju iepirkums", due=today - timedelta(days=40),
                  status="done", completed_on=today - timedelta(days=45),
                  evidence="Iekšējais līgums Nr. 7")
    add_milestone(pilot, title="Uzstādīšana", due=today - timedelta(days=10), status="done",
                  completed_on=today - timedelta(days=2))
    add_milestone(pilot, title="Norēķinu sasaiste", due=today + timedelta(days=60))
    add_expense(pilot, "1500.50", description="Rēķins par skaitītājiem")
    add_expense(pilot, "499.50", description="Uzstādīšanas darbi")
    indicator = Indicator(pilot=pilot, name="Kļūdaino rēķinu skaits", unit="rēķini",
                          direction="decrease", baseline_value=Decimal("120"),
                          baseline_on=today - timedelta(days=90), target_value=Decimal("30"),
                          target_on=today + timedelta(days=270))
    indicator.measurements = [
        Measurement(value=Decimal("100"), measured_on=today - timedelta(days=30),
                    note="Norēķinu sistēma"),
        Measurement(value=Decimal("80"), measured_on=today - timedelta(days=5),
                    note="Norēķinu sistēma")]
    db.session.add(indicator)
    db.session.add(Replication(pilot=pilot, municipality=_place("Tukuma novads"),
                               status=ReplicationStatus.CONSIDERING,
                               started_on=today - timedelta(days=3), note="Interese"))
    db.session.commit()
    published = add_report(pilot, public=True, status="approved",
                           body="Uzstādīti **200** skaitītāji.")
    published.reviewed_at = now - timedelta(hours=2)
    published.reviewed_by_id = coordinator.id
    waiting = add_report(pilot, public=True, status="submitted", body="Vēl nepārbaudīta ziņa.")
    internal = add_report(pilot, public=False, body="Iekšēja piezīme par piegādātāju.")
    db.session.commit()

    ended = make_pilot(second, coordinator=coordinator, status="completed", budget="5000.00",
                       start=today - timedelta(days=400), end=today - timedelta(days=10))
    db.session.add(PilotEvaluation(pilot=ended, results="Sasniegts mērķis.",
                                   lessons="Vajag vairāk laika.",
                                   recommendation=Recommendation.SCALE_UP))
    db.session.commit()
    return SimpleNamespace(
        coordinator=coordinator, lead=lead, member=member, other_lead=other_lead, judge=judge,
        people=[coordinator, lead, member, other_lead, judge],
        hackathon=hackathon, judging=judging, open=open_h, coming=coming, hidden=hidden,
        team=team, other_team=other_team, winner=winner, second=second, loser=loser,
        pending=pending, draft=draft, pilot=pilot, ended=ended, indicator=indicator,
        published=published, waiting=waiting, internal=internal)


def _place(name: str):
    from tests.factories_teams import _municipality

    return _municipality(name)


def many_winners(count: int, *, region="zemgale", municipality="Dobeles novads",
                 pilots: bool = True, year: int | None = None):
    """`count` published winners of one hackathon, each with a pilot that has milestones,
    expenses and an approved public report (stored directly, fast), for query counts."""
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus
    from app.pilots.models import Pilot
    from app.pilots.models_money import Expense
    from app.pilots.models_plan import Milestone
    from app.pilots.models_reports import PilotUpdate
    from app.pilots.states import MilestoneStatus, PilotStatus, UpdateStatus
    from tests.factories_hackathons import make_hackathon
    from tests.factories_teams import make_team

    now = now_utc()
    today = today_riga()
    hackathon = make_hackathon(region=region, phase="judging",
                               opens_at=now - timedelta(days=60),
                               closes_at=now - timedelta(days=30),
                               judging_closes_at=now - timedelta(days=10))
    team = make_team(person(f"Vadītājs {next(_numbers)}", municipality),
                     name=f"Daudzkomanda {next(_numbers)}", municipality=municipality,
                     partners=("Bauskas novads",))
    ideas = []
    for i in range(count):
        idea = Idea(hackathon=hackathon, team=team, title=f"Uzvarētāja {i}", summary="Īsi.",
                    status=IdeaStatus.SUBMITTED, budget_eur=Decimal("1000.00"),
                    created_at=now, updated_at=now, submitted_at=now)
        db.session.add(idea)
        ideas.append(idea)
    db.session.commit()
    when = now if year is None else now.replace(year=year, month=6, day=1)
    publish(hackathon, ideas, when=when)
    if pilots:
        for i, idea in enumerate(ideas):
            pilot = Pilot(idea=idea, hackathon_id=hackathon.id, team=team, title=f"Pilots {i}",
                          summary="", lead_municipality_id=team.municipality_id,
                          region_code=team.municipality.region_code,
                          partner_municipalities=list(team.partner_municipalities),
                          start_date=today - timedelta(days=100), end_date=today + timedelta(
                              days=200), approved_budget_eur=Decimal("1000.00"),
                          status=PilotStatus.ACTIVE)
            for k in range(3):
                pilot.milestones.append(Milestone(
                    title=f"Posms {k}", due_date=today + timedelta(days=k * 20 - 25),
                    weight=Decimal(1), status=list(MilestoneStatus)[(i + k) % 4],
                    completed_on=today - timedelta(days=30) if (i + k) % 4 == 2 else None))
            for k in range(2):
                pilot.expenses.append(Expense(amount_eur=Decimal("100.10") + k,
                                              spent_on=today - timedelta(days=k),
                                              description=f"Rēķins {k}"))
            pilot.updates.append(PilotUpdate(reported_on=today - timedelta(days=i % 30),
                                             body=f"Ziņa {i}", public=True,
                                             status=UpdateStatus.APPROVED, submitted_at=now,
                                             reviewed_at=now))
            db.session.add(pilot)
        db.session.commit()
    return SimpleNamespace(hackathon=hackathon, team=team, ideas=ideas)


