"""Realistic volume, fast: `flask --app wsgi seed-demo --ideas N`.

N ideas across about N/50 hackathons of the five planning regions, with municipal teams,
juries, three submitted reviews per judged idea (every criterion scored), published
results with about 5 % winners, and a pilot for each winner with milestones, a year of
monthly indicator measurements, expenses, funding, progress reports, status history,
final evaluations and replications.

Speed: everything is computed in Python first, then written with one bulk INSERT
(executemany) per table — `session.execute(insert(Model), rows)`, with RETURNING where a
child table needs the new ids — instead of ORM objects one by one. Judges' scores and
the published rankings come from the real scoring rules (app.judging.scoring), so the
ranking pages agree with the stored decisions.

Running it again adds another batch (new hackathons, teams, people and ideas, slugs
`apjoms-<batch>-...`); nothing that exists is changed. People get generated Latvian
names, e-mail addresses under the reserved `.example` domain and the demo password.
The demo coordinators (app.demo) run the hackathons, so run seed_demo() first.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from app.core.clock import RIGA, now_utc, today_riga
from app.core.folding import folded_row
from app.core.sanitize import RENDERED, render_markdown
from app.demo.volume_judging import JudgingWriter
from app.demo.volume_pilots import PilotWriter
from app.demo.volume_plan import (
    COORDINATORS,
    CRITERIA,
    DAY,
    EMAIL_DOMAIN,
    IDEAS_PER_HACKATHON,
    JUDGES_PER_REGION,
    MEN,
    REGIONS,
    SEASONS,
    SLUG_PREFIX,
    SURNAMES,
    TEAM_WORDS,
    THEMES,
    WOMEN,
    PlannedHackathon,
    PlannedIdea,
    _ascii,
    _genitive,
    _locative,
    _money,
)
from app.extensions import db

_RETURNING_SLICE = 500  # rows per INSERT ... RETURNING call


class VolumeError(RuntimeError):
    """The volume cannot be built (e.g. the demo coordinators are missing)."""


@dataclass
class VolumeReport:
    """What one run added."""

    batch: int
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


class Builder(JudgingWriter, PilotWriter):
    """Builds one batch; `run()` writes it table by table (judging and pilots in their own
    modules)."""

    def __init__(self, ideas: int, *, now: datetime, batch: int, seed: int | None):
        self.n_ideas = ideas
        self.now = now
        self.today = today_riga(now)
        self.batch = batch
        # Demo data, not secrets: a seeded generator makes runs repeatable.
        self.rng = random.Random(seed if seed is not None else batch)  # noqa: S311  # nosec B311
        self.report = VolumeReport(batch=batch)
        self._rendered: dict[str, str] = {}

    # -- writing ------------------------------------------------------------------------------
    def _html(self, text: str) -> str:
        """Sanitised HTML of a demo text, rendered once per distinct text."""
        found = self._rendered.get(text)
        if found is None:
            found = self._rendered[text] = str(render_markdown(text))
        return found

    def _insert(self, model, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
        """One bulk INSERT; with ids=True the new ids, in the order of `rows`."""
        if not rows:
            return []
        table = getattr(model, "__table__", model)
        self.report.add(table.name, len(rows))
        # A bulk INSERT passes the ORM by: its Markdown's stored HTML and its folded
        # search text are filled in here.
        for row in rows:
            folded_row(model, row)
        for text, html in RENDERED.get(model, {}).items():
            for row in rows:
                if text in row and html not in row:
                    row[html] = self._html(row[text])
        if ids:
            # In slices: SQLAlchemy splices each page of RETURNING rows onto all the pages
            # before it, which grows with the square of the rows of one call.
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return [new for first in range(0, len(rows), _RETURNING_SLICE)
                    for new in db.session.execute(
                        statement, rows[first:first + _RETURNING_SLICE]).scalars()]
        # The table's INSERT, not the model's: the ORM's bulk path checks every row again.
        db.session.execute(insert(table), rows)
        return []

    # -- reference data -------------------------------------------------------------------------
    def _load_reference(self) -> None:
        from app.accounts.models import User
        from app.accounts.passwords import hash_password
        from app.demo import DEMO_PASSWORD
        from app.places.models import Municipality

        places = db.session.execute(select(Municipality.id, Municipality.name,
                                           Municipality.region_code)
                                    .order_by(Municipality.id)).all()
        if not places:
            raise VolumeError("No municipalities: load the reference data first.")
        self.places = {p.id: p for p in places}
        self.places_in = defaultdict(list)
        for p in places:
            self.places_in[p.region_code].append(p.id)
        emails = list(COORDINATORS.values())
        found = dict(db.session.execute(select(User.email, User.id)
                                        .where(User.email.in_(emails))).tuples().all())
        missing = [e for e in emails if e not in found]
        if missing:
            raise VolumeError("The demo coordinators are missing (run seed-demo first): "
                              + ", ".join(missing))
        self.coordinator = {code: found[email] for code, email in COORDINATORS.items()}
        self.password_hash = hash_password(DEMO_PASSWORD)  # once: the same for everybody

    # -- the plan -------------------------------------------------------------------------------
    def _plan_hackathons(self) -> list[PlannedHackathon]:
        n = self.n_ideas
        count = 1 if n < 10 else max(1, min(max(5, round(n / IDEAS_PER_HACKATHON)), n // 10))
        fresh = 0 if count < 3 else max(1, round(count * 0.06))
        plans = []
        per, extra = divmod(n, count)
        for i in range(count):
            ideas = per + (1 if i < extra else 0)
            region = REGIONS[i % len(REGIONS)]
            newest = count - 1 - i  # 0 = the newest hackathon
            if newest < fresh:
                phase = "open"
                opens = self.now - (10 + 3 * newest) * DAY
                closes = self.now + (20 - newest) * DAY
                judging = closes + 21 * DAY
            elif newest < 2 * fresh:
                phase = "judging"
                closes = self.now - (4 + 2 * (newest - fresh)) * DAY
                opens = closes - 30 * DAY
                judging = self.now + 18 * DAY
            else:
                # Results spread over the last three years, the oldest about 1 100 days ago.
                older = newest - 2 * fresh
                span = max(1, count - 2 * fresh - 1)
                age = 12 + round(1100 * older / span) if count - 2 * fresh > 1 else 200
                judging = self.now - age * DAY
                closes = judging - 25 * DAY
                opens = closes - 35 * DAY
                phase = "closed" if age > 90 else "results"
            plans.append(PlannedHackathon(i + 1, region, phase, opens, closes, judging, ideas))
        return plans

    def _hackathon_title(self, h: PlannedHackathon) -> str:
        opens = h.opens.astimezone(RIGA)
        season = SEASONS[0] if opens.month < 7 else SEASONS[1]
        return f"{THEMES[h.region].hackathon}: {opens.year}. gada {season} hakatons"

    # -- people ---------------------------------------------------------------------------------
    def _people(self, count: int, role: str, places: list[int | None]) -> list[int]:
        rows = []
        for k in range(count):
            woman = self.rng.random() < 0.55
            first = self.rng.choice(WOMEN if woman else MEN)
            last = self.rng.choice(SURNAMES)[1 if woman else 0]
            email = f"{_ascii(first)}.{_ascii(last)}.{role}{self.batch}-{k + 1}@{EMAIL_DOMAIN}"
            rows.append({"email": email, "name": f"{first} {last}",
                         "password_hash": self.password_hash, "municipality_id": places[k],
                         "locale": "lv", "email_confirmed_at": self.now - 400 * DAY,
                         "created_at": self.now - 400 * DAY, "password_version": 1})
        from app.accounts.models import User

        return self._insert(User, rows, ids=True)

    # -- run ------------------------------------------------------------------------------------
    def run(self) -> VolumeReport:
        self._load_reference()
        hackathons = self._plan_hackathons()
        self._write_hackathons(hackathons)
        teams = self._write_teams(hackathons)
        judges = self._write_judges()
        ideas = self._plan_ideas(hackathons, teams)
        self._write_juries(hackathons, judges)
        decisions = self._judge(hackathons, ideas, teams)
        self._write_pilots(hackathons, ideas, teams, decisions)
        db.session.flush()
        return self.report

    def _write_hackathons(self, plans: list[PlannedHackathon]) -> None:
        from app.hackathons.models import (
            Criterion,
            Hackathon,
            Phase,
            PhaseChange,
            hackathon_eligible_region,
        )
        from app.hackathons.operations import slugify

        rows = []
        for h in plans:
            title = self._hackathon_title(h)
            theme = THEMES[h.region]
            slug = f"{SLUG_PREFIX}-{self.batch}-{h.n}-{slugify(title)}"[:100].rstrip("-")
            rows.append({
                "slug": slug, "title": title, "region_code": h.region, "theme": theme.theme,
                "description": f"Hakatons par tēmu **{theme.theme.lower()}**. Pašvaldību "
                               "komandas iesniedz idejas; žūra tās vērtē pēc kritērijiem, "
                               "un labākās kļūst par pilotprojektiem.\n\n"
                               "- Idejas iesniedz pašvaldību darbinieku komandas\n"
                               "- Katru ideju vērtē trīs žūrijas locekļi\n"
                               "- Uzvarētāji saņem pilotprojekta finansējumu",
                "submission_opens_at": h.opens, "submission_closes_at": h.closes,
                "judging_closes_at": h.judging_closes, "reviews_per_idea": 3,
                "blind_review": h.n % 4 == 0, "public_voting": False,
                "prize_text": "Pilotprojekta finansējums līdz 30 000 EUR katrai uzvarētājai",
                "ranking_order": "score", "phase": Phase(h.phase), "version": 1,
                "created_at": h.opens - 20 * DAY, "updated_at": h.opens - DAY,
                "created_by_id": self.coordinator[h.region]})
        for h, new_id in zip(plans, self._insert(Hackathon, rows, ids=True), strict=True):
            h.id = new_id
        self._insert(hackathon_eligible_region,
                     [{"hackathon_id": h.id, "region_code": h.region} for h in plans])
        criteria = []
        for h in plans:
            for position, (name, weight, max_score) in enumerate(CRITERIA):
                criteria.append({
                    "hackathon_id": h.id, "name": name, "weight": Decimal(weight),
                    "max_score": max_score, "position": position,
                    "description": f"Vērtē, cik labi ideja atbilst kritērijam “{name}”.",
                    "low_description": "Vāji pamatots.", "mid_description": "Daļēji pamatots.",
                    "high_description": "Pārliecinoši pamatots ar datiem."})
        ids = iter(self._insert(Criterion, criteria, ids=True))
        for h in plans:
            h.criteria = [(next(ids), Decimal(w), m) for _name, w, m in CRITERIA]
        changes = []
        for h in plans:
            coordinator = self.coordinator[h.region]
            steps: list[tuple[str, str, datetime, int | None, str]] = [
                ("draft", "open", h.opens - DAY, coordinator, "Kritēriji apstiprināti.")]
            if h.phase != "open":
                steps.append(("open", "judging", h.closes, None, ""))
            if h.phase in ("results", "closed"):
                steps.append(("judging", "results", h.judging_closes, coordinator,
                              "Vērtēšana pabeigta."))
            if h.phase == "closed":
                steps.append(("results", "closed", h.judging_closes + 60 * DAY, coordinator,
                              "Uzvarētāji kļuvuši par pilotprojektiem."))
            changes += [{"hackathon_id": h.id, "from_phase": Phase(a), "to_phase": Phase(b),
                         "at": at, "actor_id": actor, "reason": reason}
                        for a, b, at, actor, reason in steps]
        self._insert(PhaseChange, changes)

    def _write_teams(self, plans: list[PlannedHackathon]) -> dict[str, list[dict]]:
        """About one team per five ideas, in each region, with two members each."""
        from app.teams.models import Team, TeamMember, team_partner

        per_region = max(2, self.n_ideas // 5 // len(REGIONS))
        teams: list[dict] = []
        for region in REGIONS:
            for _k in range(per_region):
                place = self.rng.choice(self.places_in[region])
                others = [p for p in self.places_in[region] if p != place]
                partners = self.rng.sample(others, k=min(len(others), self.rng.choice(
                    (0, 0, 0, 1, 1, 2))))
                teams.append({"region": region, "place": place, "partners": partners,
                              "name": f"{_genitive(self.places[place].name)} "
                                      f"{self.rng.choice(TEAM_WORDS)}"})
        members = self._people(2 * len(teams), "k",
                               [t["place"] for t in teams for _ in range(2)])
        created = self.now - 500 * DAY
        rows = []
        for k, team in enumerate(teams):
            team["lead"], team["member"] = members[2 * k], members[2 * k + 1]
            rows.append({"name": team["name"], "municipality_id": team["place"],
                         "created_at": created, "created_by_id": team["lead"]})
        for team, new_id in zip(teams, self._insert(Team, rows, ids=True), strict=True):
            team["id"] = new_id
        self._insert(TeamMember, [
            {"team_id": t["id"], "user_id": t[who], "is_lead": who == "lead",
             "joined_at": created} for t in teams for who in ("lead", "member")])
        self._insert(team_partner, [{"team_id": t["id"], "municipality_id": p}
                                    for t in teams for p in t["partners"]])
        by_region: dict[str, list[dict]] = defaultdict(list)
        for team in teams:
            by_region[team["region"]].append(team)
        return by_region

    def _write_judges(self) -> dict[str, list[int]]:
        """A pool of judges per region, working in other regions (no conflicts of interest)."""
        judges: dict[str, list[int]] = {}
        for region in REGIONS:
            elsewhere = [p for code in REGIONS if code != region for p in self.places_in[code]]
            places = [self.rng.choice([None, *elsewhere]) for _ in range(JUDGES_PER_REGION)]
            judges[region] = self._people(JUDGES_PER_REGION, f"z{region[:2]}", places)
        return judges

    def _plan_ideas(self, plans: list[PlannedHackathon], teams: dict[str, list[dict]]
                    ) -> dict[int, list[PlannedIdea]]:
        ideas: dict[int, list[PlannedIdea]] = {}
        for h in plans:
            theme = THEMES[h.region]
            pool = teams[h.region]
            window = (h.closes - h.opens).total_seconds()
            mine = []
            for k in range(h.ideas):
                team = self.rng.randrange(len(pool))
                roll = self.rng.random()
                if h.phase == "open":
                    status = "draft" if roll < 0.3 else "submitted"
                elif roll < 0.02:
                    status = "withdrawn"
                elif roll < 0.03 and h.phase != "judging":
                    status = "ineligible"
                else:
                    status = "submitted"
                place = self.places[pool[team]["place"]].name
                what = theme.ideas[(k + h.n) % len(theme.ideas)]
                created = h.opens + timedelta(seconds=window * self.rng.uniform(0.02, 0.6))
                submitted = None
                if status != "draft":
                    latest = min(h.closes, self.now) - created
                    submitted = created + latest * self.rng.uniform(0.2, 0.95)
                mine.append(PlannedIdea(
                    hackathon=h, team=team, status=status, title=f"{what} {_locative(place)}",
                    summary=f"{what} — {theme.theme.lower()} {_locative(place)} un "
                            "kaimiņu pašvaldībās, ar izmērāmiem rezultātiem gada laikā.",
                    budget=_money(self.rng.randrange(50, 300) * 100),
                    months=self.rng.choice((6, 9, 12, 12, 18)),
                    quality=self.rng.betavariate(4, 3), created=created, submitted=submitted))
            ideas[h.id] = mine
        return ideas

    def _write_ideas(self, plans, ideas, teams) -> None:
        from app.ideas.models import Idea, IdeaRevision, ProposedIndicator
        from app.ideas.status import IdeaStatus

        ordered = [i for h in plans for i in ideas[h.id]]
        rows = []
        for idea in ordered:
            h = idea.hackathon
            theme = THEMES[h.region]
            team = teams[h.region][idea.team]
            n, k = self.rng.randrange(20, 400), self.rng.randrange(2, 9)
            problem = self.rng.choice(theme.problems)
            decided = h.judging_closes if idea.status in ("winner", "not_selected") else None
            ineligible = idea.status == "ineligible"
            rows.append({
                "hackathon_id": h.id, "team_id": team["id"], "title": idea.title,
                "summary": idea.summary[:300],
                "problem": problem.format(n=n, k=k),
                # The numbers go into the rendered template: one rendering per template.
                "problem_html": self._html(problem).format(n=n, k=k),
                "solution": f"- {idea.title.split(' ')[0]} ar skaidru atbildīgo un grafiku\n"
                            "- Izmēģinājums vienā pašvaldībā, tad kaimiņos\n"
                            "- Rezultātus mēra katru mēnesi un publicē",
                "target_group": self.rng.choice(theme.groups),
                "expected_impact": "Ātrāks un pieejamāks pakalpojums; rezultāti salīdzināmi "
                                   "ar citām pašvaldībām.",
                "partners": "Kaimiņu pašvaldības un vietējās biedrības.",
                "budget_eur": idea.budget, "duration_months": idea.months,
                "status": IdeaStatus(idea.status), "version": 1, "created_at": idea.created,
                "created_by_id": team["lead"], "updated_at": decided or idea.submitted
                or idea.created, "updated_by_id": team["lead"], "submitted_at": idea.submitted,
                "withdrawn_at": (idea.submitted + DAY) if idea.status == "withdrawn" else None,
                "ineligible_reason": "Ideja neatbilst hakatona tēmai." if ineligible else "",
                "ineligible_at": h.closes + 2 * DAY if ineligible else None,
                "ineligible_by_id": self.coordinator[h.region] if ineligible else None})
        for idea, new_id in zip(ordered, self._insert(Idea, rows, ids=True), strict=True):
            idea.id = new_id
        indicators, revisions = [], []
        for idea in ordered:
            theme = THEMES[idea.hackathon.region]
            mine = [{"name": name, "baseline": str(start), "target": str(goal)}
                    for name, _unit, _direction, start, goal in theme.indicators]
            indicators += [{"idea_id": idea.id, "position": p, **values}
                           for p, values in enumerate(mine)]
            if idea.submitted is not None:
                revisions.append({
                    "idea_id": idea.id, "number": 1, "saved_at": idea.submitted,
                    "saved_by_id": teams[idea.hackathon.region][idea.team]["lead"],
                    "status": IdeaStatus.SUBMITTED,
                    "data": {"title": idea.title, "summary": idea.summary[:300],
                             "budget_eur": f"{idea.budget:.2f}",
                             "duration_months": idea.months, "indicators": mine,
                             "attachments": []}})
        self._insert(ProposedIndicator, indicators)
        self._insert(IdeaRevision, revisions)

def next_batch() -> int:
    """1 + the highest batch number already in the database (slugs `apjoms-<batch>-…`)."""
    from app.hackathons.models import Hackathon

    slugs = db.session.scalars(select(Hackathon.slug)
                               .where(Hackathon.slug.like(f"{SLUG_PREFIX}-%"))).all()
    numbers = [int(s.split("-")[1]) for s in slugs if s.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1


def seed_volume(ideas: int, *, now: datetime | None = None, seed: int | None = None
                ) -> VolumeReport:
    """Add a batch of `ideas` ideas with everything around them (see the module's
    docstring). Flushes; the caller commits."""
    if ideas < 1:
        raise VolumeError("--ideas must be at least 1.")
    builder = Builder(ideas, now=now or now_utc(), batch=next_batch(), seed=seed)
    return builder.run()
