"""Factory helpers for pilots (plain functions; the `db` fixture must be active).

A winner is made the way the programme makes one: a submitted idea decided through
app.ideas' status rules (record_decision: submitted → winner). Pilots are started
through the operation; `make_pilot` then stores the status asked for directly (with
its status-change row), so a test can start from any status.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from app.core.clock import now_utc, today_riga
from app.extensions import db

_numbers = itertools.count(1)


def make_user_in(municipality: str | None = "Dobeles novads", *, role=None, region=None,
                 name=None, locale="en"):
    """A committed, confirmed user (English, so tests read the source texts)."""
    from app.accounts import operations as account_ops
    from app.accounts.models import Role

    n = next(_numbers)
    user = account_ops.create_user(f"pilots{n}@pilots.example.lv", name or f"Lietotājs {n}",
                                   "a long and quiet evening", municipality_name=municipality)
    user.locale = locale
    if role:
        account_ops.grant_role(user, Role(role), region, actor=None)
    db.session.commit()
    return user


def make_winner(*, region="zemgale", municipality="Dobeles novads", partners=(), lead=None,
                members=(), hackathon=None, title=None, budget_eur="24500.00",
                indicators=None):
    """A winning idea of a hackathon in `results`, its team led by `lead` (made if None)."""
    from app.ideas.operations import record_decision
    from app.ideas.status import IdeaStatus
    from tests.factories_hackathons import make_coordinator, make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_teams import make_team

    n = next(_numbers)
    now = now_utc()
    if hackathon is None:
        hackathon = make_hackathon(region=region, phase="results",
                                   opens_at=now - timedelta(days=60),
                                   closes_at=now - timedelta(days=30),
                                   judging_closes_at=now - timedelta(days=10))
    lead = lead or make_user_in(municipality, name=f"Komandas vadītājs {n}")
    team = make_team(lead, name=f"Pilotkomanda {n}", municipality=municipality,
                     partners=partners, members=members)
    fields = {"title": title or f"Pilotideja {n}", "budget_eur": budget_eur}
    if indicators is not None:
        fields["indicators"] = indicators
    idea = make_idea(hackathon, team, status="submitted", **fields)
    record_decision(idea, IdeaStatus.WINNER, actor=make_coordinator(hackathon.region_code))
    db.session.commit()
    return idea


def make_pilot(idea=None, *, coordinator=None, status="active", start=None, end=None,
               budget="10000.00", evidence_required=False, indicators=(), **winner_kw):
    """A committed pilot of `idea` (a new winner if None), started by a coordinator of its
    hackathon, then stored in `status`. Default dates: started 60 days ago, ends in 300."""
    from app.pilots.creation import create_pilot
    from app.pilots.models import PilotStatusChange
    from app.pilots.states import PilotStatus
    from tests.factories_hackathons import make_coordinator

    idea = idea or make_winner(**winner_kw)
    coordinator = coordinator or make_coordinator(idea.hackathon.region_code)
    today = today_riga()
    pilot = create_pilot(idea, {
        "start_date": start or today - timedelta(days=60),
        "end_date": end or today + timedelta(days=300),
        "budget_eur": budget, "evidence_required": evidence_required,
        "indicators": list(indicators),
    }, actor=coordinator)
    if status != "planned":
        pilot.status_changes.append(PilotStatusChange(
            from_status=PilotStatus.PLANNED, to_status=PilotStatus(status), at=now_utc(),
            actor_id=coordinator.id, reason="factory"))
        pilot.status = PilotStatus(status)
    db.session.commit()
    return pilot


def add_milestone(pilot, *, title=None, due=None, weight="1", status="planned",
                  completed_on=None, evidence=""):
    """A milestone stored directly (no rules), committed."""
    from app.pilots.models_plan import Milestone
    from app.pilots.states import MilestoneStatus

    n = next(_numbers)
    milestone = Milestone(pilot=pilot, title=title or f"Posms {n}",
                          due_date=due or today_riga() + timedelta(days=30),
                          weight=Decimal(str(weight)), status=MilestoneStatus(status),
                          completed_on=completed_on, evidence_text=evidence)
    db.session.add(milestone)
    db.session.commit()
    return milestone


def add_expense(pilot, amount, *, on=None, description="Izdevumi"):
    from app.pilots.models_money import Expense

    expense = Expense(pilot=pilot, amount_eur=Decimal(str(amount)),
                      spent_on=on or today_riga(), description=description)
    db.session.add(expense)
    db.session.commit()
    return expense


def add_report(pilot, *, on=None, public=False, status=None, body="Viss notiek pēc plāna."):
    from app.pilots.models_reports import PilotUpdate
    from app.pilots.states import UpdateStatus

    update = PilotUpdate(pilot=pilot, reported_on=on or today_riga(), body=body, public=public,
                         status=UpdateStatus(status or ("submitted" if public else "internal")),
                         submitted_at=now_utc() if public else None)
    db.session.add(update)
    db.session.commit()
    return update


def make_coord(region: str | None = "zemgale"):
    """A coordinator of `region` (None: national) who reads English pages."""
    from tests.factories_hackathons import make_coordinator

    user = make_coordinator(region)
    user.locale = "en"
    db.session.commit()
    return user


INDICATOR = {"name": "Kļūdaino rēķinu skaits mēnesī", "unit": "rēķini",
             "direction": "decrease", "baseline": "120", "target": "30"}


def pilot_world(*, region="zemgale", evidence_required=False, status="active"):
    """The cast of the permission tests: a pilot with its team member, an outsider, the
    coordinators of its region and of another, a national one, an admin."""
    from tests.factories_hackathons import make_coordinator

    member = make_user_in("Dobeles novads", name="Komandas biedre")
    lead = make_user_in("Dobeles novads", name="Komandas vadītājs")
    idea = make_winner(region=region, lead=lead, members=(member,),
                       partners=("Bauskas novads",))
    coordinator = make_coordinator(region)
    coordinator.locale = "en"
    pilot = make_pilot(idea, coordinator=coordinator, status=status,
                       evidence_required=evidence_required, indicators=[dict(INDICATOR)])
    other_coordinator = make_coordinator("latgale")
    national = make_coordinator(None)
    admin = make_user_in(None, role="admin", name="Administratore")
    outsider = make_user_in("Rēzekne", name="Cits lietotājs")
    for user in (other_coordinator, national):
        user.locale = "en"
    db.session.commit()
    return SimpleNamespace(pilot=pilot, idea=idea, lead=lead, member=member,
                           coordinator=coordinator, other_coordinator=other_coordinator,
                           national=national, admin=admin, outsider=outsider)


def make_many_pilots(count: int, *, region="zemgale", hackathon=None, team=None,
                     milestones=3, expenses=3, reports=2):
    """`count` pilots stored directly (fast), each with milestones, expenses and reports,
    for query-count tests. Returns (hackathon, team)."""
    from app.ideas.models import Idea, ProposedIndicator
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
    if hackathon is None:
        hackathon = make_hackathon(region=region, phase="results",
                                   opens_at=now - timedelta(days=60),
                                   closes_at=now - timedelta(days=30),
                                   judging_closes_at=now - timedelta(days=10))
    if team is None:
        team = make_team(make_user_in("Dobeles novads"), name=f"Daudzkomanda {next(_numbers)}",
                         partners=("Bauskas novads",))
    statuses = list(PilotStatus)
    for i in range(count):
        idea = Idea(hackathon=hackathon, team=team, title=f"Ideja {i}", summary="Īsi.",
                    status=IdeaStatus.WINNER, budget_eur=Decimal("1000.00"),
                    created_at=now, updated_at=now, submitted_at=now)
        idea.indicators = [ProposedIndicator(position=0, name="Rādītājs", baseline="1",
                                             target="2")]
        pilot = Pilot(idea=idea, hackathon_id=hackathon.id, team=team, title=f"Pilots {i}",
                      summary="", lead_municipality_id=team.municipality_id,
                      region_code=team.municipality.region_code,
                      partner_municipalities=list(team.partner_municipalities),
                      start_date=today - timedelta(days=100 + i % 7),
                      end_date=today + timedelta(days=200), approved_budget_eur=Decimal(
                          "1000.00"), status=statuses[i % len(statuses)])
        for k in range(milestones):
            pilot.milestones.append(Milestone(
                title=f"Posms {k}", due_date=today + timedelta(days=(k * 20) - 25 + i % 5),
                weight=Decimal(k + 1), status=list(MilestoneStatus)[(i + k) % 4]))
        for k in range(expenses):
            pilot.expenses.append(Expense(amount_eur=Decimal("100.10") + k,
                                          spent_on=today - timedelta(days=k),
                                          description=f"Rēķins {k}"))
        for k in range(reports):
            pilot.updates.append(PilotUpdate(
                reported_on=today - timedelta(days=10 * k + i % 50), body="Atskaite",
                public=k == 0, status=UpdateStatus.SUBMITTED if k == 0 else
                UpdateStatus.INTERNAL, submitted_at=now))
        db.session.add(pilot)
    db.session.commit()
    return hackathon, team
