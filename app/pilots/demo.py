"""Demo pilots in every status and health, with a year of history; safe to run again.

The current demo hackathons are too young to have running pilots, so the demo adds
last year's national hackathon, closed, whose winning ideas (decided through the
ideas' status rules) became pilots a year ago. Everything after that goes through the
pilot operations with dates in the past: milestones, monthly measurements, expenses,
reports (public ones approved by a coordinator, one still waiting), status changes,
final evaluations and replication. The winner of the current Vidzeme hackathon, if
there is one, gets a planned pilot. A pilot whose idea already has one is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.operations import find_user_by_email
from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea, IdeaRevision, ProposedIndicator
from app.ideas.status import IdeaStatus
from app.pilots import creation as creation_ops
from app.pilots import evaluation as evaluation_ops
from app.pilots import funding as funding_ops
from app.pilots import lifecycle as lifecycle_ops
from app.pilots import plan as plan_ops
from app.pilots import reports as reports_ops
from app.pilots.models import Pilot
from app.places.models import Municipality
from app.teams.models import Team

NATIONAL = "koordinators@varam.gov.lv"
PAST_TITLE = "Pašvaldību pakalpojumu ideju hakatons 2025"


@dataclass(frozen=True)
class Plan:
    """One demo pilot: its idea, its team's region, and the shape of its year."""

    team_region: str
    title: str
    summary: str
    status: str
    budget: str
    started_days_ago: int
    runs_days: int
    indicator: tuple[str, str, str, str, str]  # name, unit, direction, baseline, target
    values: tuple[str, ...]  # monthly measurements, oldest first
    milestones: tuple[tuple[str, int, str], ...]  # title, due (days from start), status
    spent: tuple[str, ...]  # expenses, spread over the months so far
    report_every_days: int = 30
    last_report_days_ago: int = 10
    reason: str = ""
    evaluation: tuple[str, str, str] | None = None
    replications: tuple[tuple[str, str, int], ...] = ()
    waiting_report: str = ""
    funding: tuple[tuple[str, str], ...] = field(default=())


PLANS = [
    Plan("zemgale", "Viedie ūdens skaitītāji Dobelē",
         "Attālināti nolasāmi ūdens skaitītāji 200 daudzdzīvokļu mājās: iedzīvotājiem vairs "
         "nav jāziņo rādījumi, un rēķini ir precīzi.",
         "active", "28000.00", 330, 390,
         ("Kļūdaini rēķini mēnesī", "rēķini", "decrease", "120", "30"),
         ("118", "112", "104", "97", "88", "80", "71", "66", "58", "52", "47", "44"),
         (("Iepirkums pabeigts", 45, "done"), ("Pirmās 50 mājas", 120, "done"),
          ("Visas 200 mājas", 240, "done"), ("Savienojums ar norēķinu sistēmu", 300, "done"),
          ("Iedzīvotāju aptauja", 360, "in_progress")),
         ("6400.00", "5200.00", "4800.50", "3100.00", "2250.40"),
         last_report_days_ago=9,
         waiting_report="Oktobrī kļūdaino rēķinu skaits samazinājās līdz **44**.",
         funding=(("programme", "23800.00"), ("municipal", "4200.00"))),
    Plan("kurzeme", "Jauniešu busiņš Kurzemes pagastos",
         "Jaunatnes darbinieki ar aprīkotu mikroautobusu reizi nedēļā apmeklē pagastus bez "
         "jauniešu centra.",
         "active", "29800.00", 300, 420,
         ("Jaunieši nodarbībās mēnesī", "jaunieši", "increase", "0", "250"),
         ("12", "35", "58", "70", "96", "110", "128", "140", "151", "166"),
         (("Busiņa iegāde", 40, "done"), ("Grafiks 19 pagastiem", 90, "done"),
          ("Jauniešu padome", 294, "in_progress"), ("Vasaras nometne", 330, "planned")),
         ("18500.00", "2100.00", "1900.00", "2300.00"),
         last_report_days_ago=50),
    Plan("latgale", "Būvatļaujas ceļvedis Rēzeknē",
         "Bezmaksas konsultācija pirms būvniecības ieceres iesniegšanas, lai dokumenti nebūtu "
         "jālabo vairākkārt.",
         "active", "18400.00", 280, 300,
         ("Labošanai atgrieztas ieceres", "%", "decrease", "62", "30"),
         ("61", "60", "58", "57", "55", "54", "52", "51", "50"),
         (("Kontrolsaraksts", 60, "done"), ("Pieraksta sistēma", 120, "done"),
          ("Attālinātās konsultācijas", 255, "planned")),
         ("9000.00", "6200.00", "4100.00"),
         last_report_days_ago=20),
    Plan("riga", "Mentors pusaudzim",
         "Apmācīti brīvprātīgie mentori gadu tiekas ar pusaudzi, kuram piemērota uzvedības "
         "korekcijas programma.",
         "on_hold", "26000.00", 200, 540,
         ("Pusaudži ar mentoru", "pusaudži", "increase", "0", "40"),
         ("3", "8", "12", "15", "15", "15"),
         (("Mentoru atlase", 45, "done"), ("Mentoru apmācība", 90, "done"),
          ("Otrā mentoru grupa", 260, "planned")),
         ("4200.00", "3900.00"),
         reason="Gaidām sociālā dienesta štata vietas apstiprinājumu."),
    Plan("vidzeme", "Uzņēmēju konsultāciju punkts Madonā",
         "Viena pieturas aģentūra jaunajiem uzņēmējiem pašvaldībā: konsultācijas, telpu karte "
         "un mentori.",
         "completed", "21000.00", 420, 365,
         ("Konsultēti uzņēmēji gadā", "uzņēmēji", "increase", "40", "150"),
         ("48", "60", "71", "85", "97", "110", "118", "129", "140", "151", "158", "164"),
         (("Punkts atvērts", 30, "done"), ("Telpu karte publicēta", 120, "done"),
          ("Mentoru tīkls", 250, "done"), ("Noslēguma pārskats", 350, "done")),
         ("5200.00", "4800.00", "4100.00", "3700.00", "2650.00"),
         last_report_days_ago=60,
         evaluation=("Konsultēti **164** uzņēmēji (mērķis 150); 23 jauni uzņēmumi.",
                     "Mentoru tīkls jāveido no paša sākuma; telpu karte jāatjauno katru "
                     "mēnesi.", "scale_up"),
         replications=(("Gulbenes novads", "adopted", 40), ("Valmieras novads", "in_progress", 20),
                       ("Alūksnes novads", "considering", 5))),
    Plan("zemgale", "Atkritumu šķirošanas lietotne",
         "Mobilā lietotne, kas atgādina par šķiroto atkritumu izvešanu un rāda tuvākos "
         "šķirošanas punktus.",
         "discontinued", "12000.00", 360, 365,
         ("Lietotnes lietotāji", "lietotāji", "increase", "0", "3000"),
         ("120", "260", "310", "330", "340", "345"),
         (("Lietotnes prototips", 60, "done"), ("Publicēšana", 120, "done"),
          ("3000 lietotāju", 300, "missed")),
         ("7000.00", "1500.00"),
         last_report_days_ago=25,
         reason="Lietotāju skaits neauga; atkritumu apsaimniekotājs ieviesa savu lietotni.",
         evaluation=("Lietotni izmantoja 345 iedzīvotāji, mērķis netika sasniegts.",
                     "Pirms izstrādes jāpārbauda, vai līdzīgs rīks jau netiek gatavots.",
                     "stop")),
]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _past_hackathon(now: datetime) -> Hackathon | None:
    """Last year's closed national hackathon, made through the hackathon operations."""
    from app.hackathons import operations as hackathon_ops
    from app.hackathons.demo import CRITERIA

    slug = hackathon_ops.slugify(PAST_TITLE)
    existing = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
    if existing is not None:
        return existing
    coordinator = find_user_by_email(NATIONAL)
    if coordinator is None:
        return None
    day = timedelta(days=1)
    opens, closes, judging = now - 560 * day, now - 500 * day, now - 460 * day
    hackathon = hackathon_ops.create_hackathon({
        "title": PAST_TITLE,
        "description": "Programmas pirmais hakatons: idejas no visiem pieciem plānošanas "
                       "reģioniem. Uzvarētāji kļuva par pilotprojektiem.",
        "region": None, "theme": "Pašvaldību pakalpojumi",
        "submission_opens_at": opens, "submission_closes_at": closes,
        "judging_closes_at": judging, "reviews_per_idea": 3,
    }, actor=coordinator, now=opens - 14 * day)
    for criterion in CRITERIA:
        hackathon_ops.add_criterion(hackathon, criterion, actor=coordinator,
                                    now=opens - 13 * day)
    hackathon_ops.transition_hackathon(hackathon, Phase.OPEN, actor=coordinator,
                                       reason="Kritēriji apstiprināti.", now=opens - day)
    hackathon_ops.sync_phase(hackathon, now=closes)
    hackathon_ops.transition_hackathon(hackathon, Phase.RESULTS, actor=coordinator,
                                       reason="Rezultāti publicēti.", now=judging)
    hackathon_ops.transition_hackathon(hackathon, Phase.CLOSED, actor=coordinator,
                                       reason="Uzvarētāji kļuvuši par pilotprojektiem.",
                                       now=judging + 30 * day)
    return hackathon


def _team(region: str) -> Team | None:
    from app.teams.demo import DEMO_TEAMS

    demo = next(t for t in DEMO_TEAMS if t.region == region)
    return db.session.scalar(select(Team).join(Municipality, Municipality.id ==
                                               Team.municipality_id)
                             .where(Team.name == demo.name,
                                    Municipality.name == demo.municipality))


def _winner(hackathon: Hackathon, team: Team, plan: Plan, coordinator) -> Idea:
    """The plan's idea, stored as submitted in time and decided through the ideas' rules."""
    from app.ideas.operations import record_decision, snapshot

    idea = db.session.scalar(select(Idea).where(Idea.hackathon_id == hackathon.id,
                                                Idea.title == plan.title))
    if idea is not None:
        return idea
    assert team.lead is not None and hackathon.submission_closes_at is not None  # as seeded
    author = team.lead.user
    submitted = hackathon.submission_closes_at - timedelta(days=2)
    name, _unit, _direction, baseline, target = plan.indicator
    idea = Idea(hackathon=hackathon, team=team, title=plan.title, summary=plan.summary[:300],
                problem=plan.summary, solution=plan.summary, target_group="Iedzīvotāji.",
                expected_impact="Labāks pakalpojums.", budget_eur=Decimal(plan.budget),
                duration_months=max(1, plan.runs_days // 30), status=IdeaStatus.SUBMITTED,
                submitted_at=submitted, created_at=submitted - timedelta(days=5),
                created_by_id=author.id, updated_at=submitted, updated_by_id=author.id)
    idea.indicators = [ProposedIndicator(position=0, name=name, baseline=baseline,
                                         target=target)]
    db.session.add(idea)
    db.session.flush()
    db.session.add(IdeaRevision(idea_id=idea.id, number=1, saved_at=submitted,
                                saved_by_id=author.id, status=idea.status,
                                data=snapshot(idea)))
    record_decision(idea, IdeaStatus.WINNER, actor=coordinator,
                    now=hackathon.judging_closes_at)
    return idea


def _months(start: date, count: int) -> list[date]:
    return [start + timedelta(days=30 * (i + 1)) for i in range(count)]


def _seed_pilot(idea: Idea, plan: Plan, coordinator, today: date) -> Pilot:
    member = idea.team.lead.user
    start = today - timedelta(days=plan.started_days_ago)
    end = start + timedelta(days=plan.runs_days)
    created = _at(start - timedelta(days=20))
    name, unit, direction, baseline, target = plan.indicator
    pilot = creation_ops.create_pilot(idea, {
        "start_date": start, "end_date": end, "budget_eur": plan.budget,
        "evidence_required": plan.team_region == "zemgale",
        "indicators": [{"name": name, "unit": unit, "direction": direction,
                        "baseline": baseline, "target": target}],
        "funding": [{"kind": k, "amount_eur": a} for k, a in plan.funding]
        or [{"kind": "programme", "amount_eur": plan.budget}],
    }, actor=coordinator, now=created)
    lifecycle_ops.transition_pilot(pilot, "active", actor=member, reason="Pilotprojekts sākts.",
                         now=_at(start))
    for title, due_days, status in plan.milestones:
        due = start + timedelta(days=due_days)
        milestone = plan_ops.add_milestone(pilot, {"title": title, "due_date": due,
                                              "weight": "1"}, actor=member, now=created)
        if status != "planned":
            done_on = min(due, today)
            plan_ops.update_milestone(milestone, {
                "status": status, "completed_on": done_on if status == "done" else None,
                "evidence": "Akts un fotogrāfijas projekta mapē." if status == "done" else "",
            }, actor=member, now=_at(done_on))
    indicator = pilot.indicators[0]
    for day, value in zip(_months(start, len(plan.values)), plan.values, strict=False):
        if day <= today:
            plan_ops.record_measurement(indicator, {"value": value, "measured_on": day,
                                               "note": "Pašvaldības uzskaite"},
                                   actor=member, now=_at(day))
    spread = max(1, min(plan.started_days_ago, plan.runs_days) // max(1, len(plan.spent)))
    for i, amount in enumerate(plan.spent):
        day = start + timedelta(days=spread * i + 5)
        funding_ops.record_expense(pilot, {"amount_eur": amount, "spent_on": min(day, today),
                                   "description": f"Rēķins Nr. {100 + i}"},
                           actor=member, now=_at(min(day, today)))
    last = today - timedelta(days=plan.last_report_days_ago)
    day = start + timedelta(days=plan.report_every_days)
    while day <= min(last, end):
        public = (day - start).days // plan.report_every_days % 2 == 1
        update = reports_ops.post_update(pilot, {
            "reported_on": day, "public": public,
            "body": f"Darbi rit pēc plāna. Šomēnes: {plan.milestones[0][0].lower()} un "
                    "sarunas ar iedzīvotājiem."}, actor=member, now=_at(day))
        if public:
            reports_ops.approve_update(update, actor=coordinator, now=_at(day + timedelta(days=1)))
        day += timedelta(days=plan.report_every_days)
    if plan.waiting_report:
        reports_ops.post_update(pilot, {"reported_on": today - timedelta(days=2), "public": True,
                                "body": plan.waiting_report}, actor=member,
                        now=_at(today - timedelta(days=2)))
    if plan.status == "on_hold":
        lifecycle_ops.transition_pilot(pilot, "on_hold", actor=member, reason=plan.reason,
                             now=_at(today - timedelta(days=30)))
    elif plan.status in ("completed", "discontinued"):
        ended = min(end, today - timedelta(days=20))
        lifecycle_ops.transition_pilot(pilot, plan.status, actor=coordinator,
                             reason=plan.reason or "Pilotprojekts pabeigts.", now=_at(ended))
    if plan.evaluation:
        results, lessons, recommendation = plan.evaluation
        evaluation_ops.save_evaluation(pilot, {"results": results, "lessons": lessons,
                                    "recommendation": recommendation}, actor=coordinator,
                            now=_at(today - timedelta(days=10)))
    for municipality, status, days_ago in plan.replications:
        place = db.session.scalars(select(Municipality)
                                   .where(Municipality.name == municipality)).one()
        evaluation_ops.add_replication(pilot, {"municipality_id": place.id, "status": status,
                                    "started_on": today - timedelta(days=days_ago)},
                            actor=coordinator, now=_at(today - timedelta(days=days_ago)))
    return pilot


def _planned_vidzeme_pilot(today: date) -> Pilot | None:
    """The current Vidzeme winner, if the demo has one, as a pilot starting next month."""
    idea = db.session.scalar(
        select(Idea).join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .where(Idea.status == IdeaStatus.WINNER, Hackathon.region_code == "vidzeme",
               Hackathon.title != PAST_TITLE).order_by(Idea.id))
    coordinator = find_user_by_email("vpr.koordinators@talka.lv")
    if idea is None or idea.pilot is not None or coordinator is None:
        return None
    pilot = creation_ops.create_pilot(idea, {"start_date": today + timedelta(days=30),
                                    "end_date": today + timedelta(days=395)},
                             actor=coordinator)
    plan_ops.add_milestone(pilot, {"title": "Līgums ar partneriem",
                              "due_date": today + timedelta(days=45), "weight": "1"},
                      actor=coordinator)
    return pilot


def seed_demo_pilots(now: datetime | None = None) -> list[Pilot]:
    """Create the demo pilots that are missing; return those made now."""
    now = now or now_utc()
    today = today_riga(now)
    hackathon = _past_hackathon(now)
    coordinator = find_user_by_email(NATIONAL)
    made: list[Pilot] = []
    if hackathon is not None and coordinator is not None:
        for plan in PLANS:
            team = _team(plan.team_region)
            if team is None or team.lead is None:
                continue
            idea = _winner(hackathon, team, plan, coordinator)
            if idea.pilot is None:
                made.append(_seed_pilot(idea, plan, coordinator, today))
    planned = _planned_vidzeme_pilot(today)
    if planned is not None:
        made.append(planned)
    db.session.flush()
    return made
