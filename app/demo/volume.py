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
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import insert, select

from app.core.clock import RIGA, now_utc, today_riga
from app.core.folding import folded_row
from app.core.sanitize import RENDERED, render_markdown
from app.extensions import db

DAY = timedelta(days=1)
CENT = Decimal("0.01")
EMAIL_DOMAIN = "apjoms.talka.example"  # .example is reserved (RFC 2606): never delivered
SLUG_PREFIX = "apjoms"
IDEAS_PER_HACKATHON = 50
JURY_SIZE = 6
JUDGES_PER_REGION = 12
WINNER_SHARE = 0.05
REGIONS = ("riga", "kurzeme", "latgale", "vidzeme", "zemgale")
COORDINATORS = {"riga": "rpr.koordinators@talka.lv", "kurzeme": "kpr.koordinators@talka.lv",
                "latgale": "lpr.koordinators@talka.lv", "vidzeme": "vpr.koordinators@talka.lv",
                "zemgale": "zpr.koordinators@talka.lv"}


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


# --- words ------------------------------------------------------------------------------------

MEN = ("Jānis", "Andris", "Mārtiņš", "Kārlis", "Edgars", "Raimonds", "Artis", "Guntis",
       "Juris", "Valdis", "Roberts", "Kristaps", "Uldis", "Aigars", "Toms")
WOMEN = ("Anna", "Līga", "Inese", "Ilze", "Kristīne", "Dace", "Sanita", "Elīna", "Laura",
         "Zane", "Baiba", "Ieva", "Agnese", "Madara", "Evija")
SURNAMES = (("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"),
            ("Liepa", "Liepa"), ("Krūmiņš", "Krūmiņa"), ("Zariņš", "Zariņa"),
            ("Vītols", "Vītola"), ("Kļaviņš", "Kļaviņa"), ("Jansons", "Jansone"),
            ("Eglītis", "Eglīte"), ("Pētersons", "Pētersone"), ("Balodis", "Balode"),
            ("Siliņš", "Siliņa"), ("Grīnbergs", "Grīnberga"), ("Lācis", "Lāce"))
TEAM_WORDS = ("inovāciju komanda", "pakalpojumu darba grupa", "attīstības nodaļa",
              "digitālā komanda", "sociālā dienesta komanda", "projektu nodaļa",
              "sadarbības tīkls", "iedzīvotāju servisa komanda")


@dataclass(frozen=True)
class Theme:
    """A planning region's programme direction: what its hackathons and ideas are about."""

    hackathon: str
    theme: str
    ideas: tuple[str, ...]
    problems: tuple[str, ...]
    groups: tuple[str, ...]
    indicators: tuple[tuple[str, str, str, int, int], ...]  # name, unit, direction, from, to


THEMES = {
    "riga": Theme(
        "Otrā iespēja pusaudžiem", "Uzvedības sociālā korekcija nepilngadīgajiem",
        ("Mentoru programma pusaudžiem", "Agrīnās brīdināšanas sistēma skolās",
         "Ģimeņu atbalsta grupa", "Ielu sociālā darba komanda", "Sporta vakari pusaudžiem",
         "Starpinstitūciju gadījumu vadība", "Atjaunojošā taisnīguma konferences",
         "Vasaras darba prakse pusaudžiem", "Digitālā atbalsta līnija jauniešiem",
         "Skolu un pašvaldības policijas sadarbības plāns"),
        ("Pērn **{n}** pusaudži nonāca pašvaldības policijas redzeslokā atkārtoti.",
         "Sociālajam dienestam ir tikai {k} speciālisti darbam ar pusaudžiem, rinda ir "
         "{n} ģimenes."),
        ("Pusaudži vecumā no 11 līdz 18 gadiem un viņu ģimenes.",
         "Pusaudži ar atkārtotiem pārkāpumiem un skolas, kurās viņi mācās."),
        (("Pusaudži programmā", "pusaudži", "increase", 0, 40),
         ("Atkārtoti pārkāpumi gadā", "gadījumi", "decrease", 60, 35)),
    ),
    "kurzeme": Theme(
        "Jaunatnes darbs tuvāk jauniešiem", "Jaunatnes darbs",
        ("Mobilā jaunatnes darba komanda", "Jauniešu centrs bibliotēkā",
         "Jauniešu iniciatīvu fonds", "Brīvprātīgā darba platforma",
         "Vasaras nometnes pagastu jauniešiem", "Jauniešu padome tiešsaistē",
         "Karjeras konsultācijas jauniešiem", "Radošā darbnīca skolā",
         "Jauniešu podkāstu studija", "Pagastu jauniešu sporta līga"),
        ("**{n}** jaunieši pagastos līdz tuvākajam jauniešu centram brauc vairāk nekā "
         "{k}0 km.", "Jauniešu centrus apmeklē tikai {k} % novada jauniešu."),
        ("Jaunieši vecumā no 13 līdz 25 gadiem pagastos un mazpilsētās.",
         "Jaunieši, kuri nemācās un nestrādā, un jaunatnes darbinieki."),
        (("Jaunieši nodarbībās mēnesī", "jaunieši", "increase", 20, 250),
         ("Pagasti ar regulāru jaunatnes darbu", "pagasti", "increase", 2, 15)),
    ),
    "latgale": Theme(
        "Ātrāka būvatļauja", "Būvniecības pakalpojumi",
        ("Būvatļaujas ceļvedis iedzīvotājiem", "Konsultācija pirms ieceres iesniegšanas",
         "Tipveida projektu katalogs", "Attālinātā būvvaldes pieņemšana",
         "Kontrolsaraksts biežākajām kļūdām", "Būvniecības ieceru statusa paziņojumi",
         "Vienotais pieraksts būvvaldē", "Būvvaldes tērzēšanas palīgs",
         "Kopīga būvvalde kaimiņu novadiem", "Ieceru dokumentu pārbaude tiešsaistē"),
        ("**{n}** % būvniecības ieceru tiek atgrieztas labošanai vismaz reizi.",
         "Vidējais lēmuma laiks par būvniecības ieceri ir {n} dienas."),
        ("Privātmāju īpašnieki un mazie uzņēmēji, kas būvē vai pārbūvē.",
         "Būvvaldes speciālisti un būvniecības ieceru iesniedzēji."),
        (("Labošanai atgrieztas ieceres", "%", "decrease", 60, 30),
         ("Vidējais lēmuma laiks", "dienas", "decrease", 45, 25)),
    ),
    "vidzeme": Theme(
        "Uzņēmējdarbības atbalsts Vidzemē", "Uzņēmējdarbības atbalsts",
        ("Uzņēmēju konsultāciju punkts", "Brīvo telpu un zemes gabalu karte",
         "Mentoru tīkls jaunajiem uzņēmējiem", "Vietējo ražotāju tirdziņš",
         "Kopstrādes telpa novada centrā", "Uzņēmēju digitālā prasmju skola",
         "Grantu kalendārs uzņēmējiem", "Vienas pieturas aģentūra uzņēmējiem",
         "Jauno uzņēmēju inkubators", "Uzņēmēju un skolu sadarbības programma"),
        ("Novadā gadā reģistrē tikai **{n}** jaunus uzņēmumus.",
         "{k}0 % uzņēmēju nezina, kur pašvaldībā saņemt atbalstu."),
        ("Jaunie un esošie mazie uzņēmēji novadā.",
         "Iedzīvotāji, kas apsver uzņēmējdarbības sākšanu."),
        (("Konsultēti uzņēmēji gadā", "uzņēmēji", "increase", 40, 150),
         ("Jauni uzņēmumi gadā", "uzņēmumi", "increase", 10, 30)),
    ),
    "zemgale": Theme(
        "Drošāka un ērtāka kopiena Zemgalē", "Komunālie un sabiedriskās drošības pakalpojumi",
        ("Gudrais ielu apgaismojums", "Viedie ūdens skaitītāji",
         "Ziņo par bojājumu: viena pieteikšanās vieta", "Atkritumu šķirošanas atgādinājumi",
         "Drošs ceļš uz skolu", "Videonovērošana bīstamos krustojumos",
         "Iedzīvotāju brīvprātīgo patruļas", "Plūdu brīdinājumu sistēma",
         "Koplietošanas velonovietnes", "Energoefektīva daudzdzīvokļu māju apsaimniekošana"),
        ("Pašvaldības policija pērn saņēma **{n}** sūdzības par šo jautājumu.",
         "Bojājumu novēršana vidēji ilgst {k}0 dienas."),
        ("Visi iedzīvotāji, īpaši skolēni un seniori.",
         "Daudzdzīvokļu māju iedzīvotāji un apsaimniekotāji."),
        (("Sūdzības mēnesī", "sūdzības", "decrease", 40, 10),
         ("Bojājumu novēršanas laiks", "dienas", "decrease", 30, 7)),
    ),
}

CRITERIA = (
    ("Ietekme uz iedzīvotājiem", "3", 10), ("Īstenojamība", "2", 10),
    ("Pārņemamība citās pašvaldībās", "1.5", 10), ("Rezultātu izmērāmība", "1", 5),
)
SEASONS = ("pavasara", "rudens")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _genitive(name: str) -> str:
    """Dobeles novads → Dobeles novada; Rīga → Rīgas; Daugavpils → Daugavpils."""
    if name.endswith(" novads"):
        return name[:-1] + "a"
    if name.endswith(("a", "e")):
        return name + "s"
    return name


def _locative(name: str) -> str:
    """Dobeles novads → Dobeles novadā; Rīga → Rīgā; Rēzekne → Rēzeknē; Ventspils → Ventspilī."""
    if name.endswith(" novads"):
        return name[:-1] + "ā"
    if name.endswith("a"):
        return name[:-1] + "ā"
    if name.endswith("e"):
        return name[:-1] + "ē"
    if name.endswith("s"):
        return name[:-1] + "ī"
    return name


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), RIGA).astimezone(UTC)


# --- the plan, in memory ---------------------------------------------------------------------

@dataclass
class PlannedHackathon:
    n: int
    region: str
    phase: str
    opens: datetime
    closes: datetime
    judging_closes: datetime
    ideas: int
    id: int = 0
    criteria: list[tuple[int, Decimal, int]] = field(default_factory=list)  # id, weight, max
    jury: list[int] = field(default_factory=list)


@dataclass
class PlannedIdea:
    hackathon: PlannedHackathon
    team: int  # index into the teams
    status: str
    title: str
    summary: str
    budget: Decimal
    months: int
    quality: float
    created: datetime
    submitted: datetime | None
    id: int = 0


class Builder:
    """Builds one batch; `run()` writes it table by table."""

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

    def _write_juries(self, plans: list[PlannedHackathon], judges: dict[str, list[int]]
                      ) -> None:
        from app.judging.models import JuryMember

        rows = []
        for h in plans:
            h.jury = self.rng.sample(judges[h.region], JURY_SIZE)
            rows += [{"hackathon_id": h.id, "user_id": j, "added_at": h.opens - 5 * DAY,
                      "added_by_id": self.coordinator[h.region]} for j in h.jury]
        self._insert(JuryMember, rows)

    def _scores(self, h: PlannedHackathon, quality: float, bias: float) -> dict[int, Decimal]:
        points = {}
        for criterion_id, _weight, max_score in h.criteria:
            level = min(1.0, max(0.0, quality + bias + self.rng.gauss(0, 0.08)))
            points[criterion_id] = Decimal(round(2 * max_score * level)) / 2
        return points

    def _judge(self, plans: list[PlannedHackathon], ideas: dict[int, list[PlannedIdea]],
               teams: dict[str, list[dict]]) -> dict[int, list[int]]:
        """Reviews with every criterion scored, and for hackathons past judging the
        published ranking and winners; then the ideas are written with their final status."""
        from app.judging import scoring
        from app.judging.queries import ranked_body

        bias = {j: self.rng.gauss(0, 0.07) for h in plans for j in h.jury}
        # Winners are about 5 % of ALL ideas, though open and judging hackathons have none
        # yet: the decided hackathons choose a little more, rounded cumulatively.
        decided = sum(1 for h in plans if h.phase in ("results", "closed")
                      for i in ideas[h.id] if i.status == "submitted")
        share = min(0.5, WINNER_SHARE * self.n_ideas / max(1, decided))
        wanted = chosen = 0.0
        planned_reviews: list[tuple[PlannedIdea, int, dict | None, Decimal | None, bool]] = []
        rankings: dict[int, list] = {}
        for h in plans:
            if h.phase == "open":
                continue
            specs = [scoring.CriterionSpec(c, w, m) for c, w, m in h.criteria]
            inputs = []
            judged = [i for i in ideas[h.id] if i.status == "submitted"]
            for k, idea in enumerate(judged):
                for j in range(3):
                    judge = h.jury[(k + j) % JURY_SIZE]
                    done = h.phase != "judging" or self.rng.random() < 0.65
                    points = self._scores(h, idea.quality, bias[judge]) if done else None
                    score = (Decimal(str(scoring.review_score(points, specs)))
                             if points else None)
                    planned_reviews.append((idea, judge, points, score, done))
                    inputs.append(scoring.ReviewInput(k, judge, score, submitted=done))
            if h.phase in ("results", "closed") and judged:
                ranked = scoring.rank_ideas(inputs, expected_reviews=3,
                                            order_by=scoring.ORDER_BY_SCORE,
                                            idea_ids=range(len(judged)))
                wanted += share * len(judged)
                winners = max(1, round(wanted - chosen))
                chosen += winners
                for place, item in enumerate(ranked):
                    judged[item.idea_id].status = "winner" if place < winners else "not_selected"
                rankings[h.id] = [(judged[item.idea_id], item) for item in ranked]
        self._write_ideas(plans, ideas, teams)
        self._write_reviews(plans, planned_reviews)
        return self._write_decisions(plans, rankings, teams, ranked_body)

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

    def _write_reviews(self, plans, planned) -> None:
        from app.judging.models import AssignmentRun, Review, ReviewScore, ReviewStatus

        rows = []
        for idea, judge, _points, score, done in planned:
            h = idea.hackathon
            assigned = h.closes + DAY
            submitted = (min(h.judging_closes, self.now) - self.rng.uniform(1, 10) * DAY
                         if done else None)
            rows.append({"hackathon_id": h.id, "idea_id": idea.id, "judge_id": judge,
                         "round": 1, "status": ReviewStatus.SUBMITTED if done
                         else ReviewStatus.PENDING,
                         "comment": self.rng.choice(
                             ("Skaidri aprakstīta problēma un izmērāms ieguvums.",
                              "Laba ideja, bet budžets jāprecizē.",
                              "Ieguvums iedzīvotājiem nav pietiekami pamatots.")) if done else "",
                         "score": score, "version": 2 if done else 1, "created_at": assigned,
                         "updated_at": submitted or assigned, "submitted_at": submitted})
        ids = self._insert(Review, rows, ids=True)
        scores = []
        for (_idea, _judge, points, _score, _done), review_id in zip(planned, ids, strict=True):
            if points:
                scores += [{"review_id": review_id, "criterion_id": c, "score": s,
                            "comment": ""} for c, s in points.items()]
        self._insert(ReviewScore, scores)
        counts: dict[int, int] = defaultdict(int)
        for idea, *_rest in planned:
            counts[idea.hackathon.id] += 1
        self._insert(AssignmentRun, [
            {"hackathon_id": h.id, "at": h.closes, "actor_id": None,
             "trigger": "judging_started", "created": counts[h.id], "shortfalls": []}
            for h in plans if counts.get(h.id)])

    def _write_decisions(self, plans, rankings, teams, ranked_body) -> dict[int, list[int]]:
        from app.judging.models import WinnerDecision

        rows, winners = [], {}
        for h in plans:
            if h.id not in rankings:
                continue
            snapshot, chosen = [], []
            for idea, item in rankings[h.id]:
                place = self.places[teams[h.region][idea.team]["place"]].name
                body = ranked_body(item) | {"idea_id": idea.id, "title": idea.title,
                                            "municipality": place, "round": 1}
                snapshot.append(body)
                if idea.status == "winner":
                    chosen.append(idea.id)
            winners[h.id] = chosen
            rows.append({"hackathon_id": h.id, "idea_ids": chosen,
                         "justification": "Uzvarētājas ir žūrijas augstāk novērtētās idejas.",
                         "departs_from_ranking": False, "ranking": snapshot,
                         "ranking_order": "score", "decided_by_id": self.coordinator[h.region],
                         "decided_at": h.judging_closes, "published_at": h.judging_closes})
        self._insert(WinnerDecision, rows)
        return winners

    # -- pilots ---------------------------------------------------------------------------------
    def _write_pilots(self, plans, ideas, teams, winners) -> None:
        from app.pilots import models as m
        from app.pilots.states import (
            FundingKind,
            MilestoneStatus,
            PilotStatus,
            Recommendation,
            ReplicationStatus,
            UpdateStatus,
        )

        rng, today = self.rng, self.today
        by_id = {i.id: i for h in plans for i in ideas[h.id]}
        pilots: list[dict] = []
        for h in plans:
            for idea_id in winners.get(h.id, ()):
                idea = by_id[idea_id]
                team = teams[h.region][idea.team]
                published = today_riga(h.judging_closes)
                start = published + 45 * DAY
                end = start + rng.choice((365, 420, 480, 540)) * DAY
                if start > today:
                    status = PilotStatus.PLANNED
                elif end <= today:
                    status = PilotStatus.COMPLETED if rng.random() < 0.85 \
                        else PilotStatus.DISCONTINUED
                else:
                    status = PilotStatus.ON_HOLD if rng.random() < 0.12 else PilotStatus.ACTIVE
                approved = _money(idea.budget * Decimal(str(rng.uniform(0.85, 1.0))))
                pilots.append({"idea": idea, "team": team, "h": h, "start": start, "end": end,
                               "status": status, "approved": approved,
                               "created": _at(published + 20 * DAY)})
        rows = [{"idea_id": p["idea"].id, "hackathon_id": p["h"].id, "team_id": p["team"]["id"],
                 "title": p["idea"].title, "summary": p["idea"].summary,
                 "lead_municipality_id": p["team"]["place"], "region_code": p["h"].region,
                 "start_date": p["start"], "end_date": p["end"],
                 "approved_budget_eur": p["approved"],
                 "coordinator_id": self.coordinator[p["h"].region], "status": p["status"],
                 "evidence_required": False, "version": 1, "created_at": p["created"],
                 "created_by_id": self.coordinator[p["h"].region],
                 "updated_at": p["created"], "updated_by_id": self.coordinator[p["h"].region]}
                for p in pilots]
        for p, new_id in zip(pilots, self._insert(m.Pilot, rows, ids=True), strict=True):
            p["id"] = new_id
        self._insert(m.pilot_partner, [{"pilot_id": p["id"], "municipality_id": place}
                                       for p in pilots for place in p["team"]["partners"]])
        changes, milestones, funding, expenses, updates = [], [], [], [], []
        evaluations, replications, indicators, values = [], [], [], []
        for p in pilots:
            pid, start, end, status = p["id"], p["start"], p["end"], p["status"]
            coordinator = self.coordinator[p["h"].region]
            lead = p["team"]["lead"]
            started = status != PilotStatus.PLANNED
            ended = status in (PilotStatus.COMPLETED, PilotStatus.DISCONTINUED)
            until = min(today, end)
            # status history
            history: list[tuple[PilotStatus | None, PilotStatus, datetime, int | None, str]] = [
                (None, PilotStatus.PLANNED, p["created"], coordinator, "")]
            if started:
                history.append((PilotStatus.PLANNED, PilotStatus.ACTIVE, _at(start), lead,
                                "Pilotprojekts sākts."))
            if status == PilotStatus.ON_HOLD:
                history.append((PilotStatus.ACTIVE, PilotStatus.ON_HOLD,
                                _at(today - 20 * DAY), lead, "Gaidām partneru lēmumu."))
            if ended:
                history.append((PilotStatus.ACTIVE, status, _at(end), coordinator,
                                "Pilotprojekts pabeigts." if status == PilotStatus.COMPLETED
                                else "Mērķi nav sasniedzami ar pieejamiem resursiem."))
            changes += [{"pilot_id": pid, "from_status": a, "to_status": b, "at": at,
                         "actor_id": actor, "reason": reason}
                        for a, b, at, actor, reason in history]
            # milestones
            length = (end - start).days
            for k, (title, weight) in enumerate((("Iepirkums un līgumi", "1"),
                                                 ("Pirmie iedzīvotāji iesaistīti", "1"),
                                                 ("Pakalpojums darbojas visā teritorijā", "2"),
                                                 ("Starpposma novērtējums", "1"),
                                                 ("Noslēguma pārskats", "1"))):
                due = start + round(length * (k + 1) / 5.2) * DAY
                completed = None
                if not started:
                    state = MilestoneStatus.PLANNED
                elif due < today:
                    roll = rng.random()
                    if ended:
                        state = MilestoneStatus.MISSED if (
                            status == PilotStatus.DISCONTINUED and k >= 3) else \
                            MilestoneStatus.DONE
                    elif roll < 0.8:
                        state = MilestoneStatus.DONE
                    elif roll < 0.85:
                        state = MilestoneStatus.MISSED
                    else:
                        state = MilestoneStatus.IN_PROGRESS  # overdue: amber or red
                    if state == MilestoneStatus.DONE:
                        completed = max(start, due - rng.randrange(0, 12) * DAY)
                else:
                    state = MilestoneStatus.IN_PROGRESS if rng.random() < 0.3 \
                        else MilestoneStatus.PLANNED
                milestones.append({"pilot_id": pid, "title": title,
                                   "description": "Atbildīgais: projekta vadītājs.",
                                   "due_date": due, "weight": Decimal(weight), "status": state,
                                   "completed_on": completed,
                                   "evidence_text": "Akts projekta mapē." if completed else "",
                                   "evidence_url": "", "created_at": p["created"],
                                   "updated_at": _at(completed) if completed else p["created"]})
            # indicators and a year of monthly measurements
            theme = THEMES[p["h"].region]
            performance = rng.uniform(0.4, 1.15)
            for position, (name, unit, direction, base, goal) in enumerate(theme.indicators):
                indicators.append({"pilot_id": pid, "position": position, "name": name,
                                   "unit": unit, "direction": direction,
                                   "baseline_value": Decimal(base), "baseline_on": start,
                                   "target_value": Decimal(goal), "target_on": end,
                                   "created_at": p["created"]})
                series = []
                month = 1
                while month <= 12 and start + 30 * month * DAY <= until:
                    share = month / 12 * performance
                    value = base + (goal - base) * share + rng.gauss(0, abs(goal - base) * 0.04)
                    series.append((start + 30 * month * DAY,
                                   Decimal(str(round(max(0.0, value), 1)))))
                    month += 1
                values.append(series)
            # money
            programme = _money(p["approved"] * Decimal("0.85"))
            funding.append({"pilot_id": pid, "kind": FundingKind.PROGRAMME, "label": "",
                            "amount_eur": programme})
            if p["approved"] > programme:
                funding.append({"pilot_id": pid, "kind": FundingKind.MUNICIPAL,
                                "label": "Pašvaldības līdzfinansējums",
                                "amount_eur": p["approved"] - programme})
            if started:
                elapsed = min(1.0, max(0.0, (until - start).days / max(1, length)))
                target = p["approved"] * Decimal(str(min(1.08, elapsed * rng.uniform(0.7,
                                                                                    1.15))))
                months = max(1, (until - start).days // 30)
                weights = [rng.uniform(0.5, 1.5) for _ in range(months)]
                for k, w in enumerate(weights):
                    amount = _money(target * Decimal(str(w / sum(weights))))
                    if amount > 0:
                        day = min(until, start + (15 + 30 * k) * DAY)
                        expenses.append({"pilot_id": pid, "spent_on": day, "amount_eur": amount,
                                         "description": f"Rēķins Nr. {pid}-{k + 1}",
                                         "created_at": _at(day), "created_by_id": lead})
            # progress reports: monthly, the public ones approved by the coordinator
            if started:
                gap = rng.choice((5, 10, 20, 30, 50, 100)) if not ended else 0
                last = until - gap * DAY
                day, count = start + 30 * DAY, 0
                while day <= last and count < 12:
                    public = rng.random() < 0.6
                    reviewed = _at(day + 2 * DAY) if public else None
                    updates.append({
                        "pilot_id": pid, "reported_on": day, "public": public,
                        "status": UpdateStatus.APPROVED if public else UpdateStatus.INTERNAL,
                        "body": f"Mēneša pārskats: darbi rit pēc plāna; "
                                f"iesaistīti {rng.randrange(10, 200)} iedzīvotāji.",
                        "created_at": _at(day), "created_by_id": lead,
                        "submitted_at": _at(day) if public else None,
                        "reviewed_at": reviewed, "reviewed_by_id": coordinator if public
                        else None, "review_note": ""})
                    day += 30 * DAY
                    count += 1
            if ended and rng.random() < 0.8:
                recommendation = Recommendation.STOP if status == PilotStatus.DISCONTINUED \
                    else rng.choice((Recommendation.SCALE_UP, Recommendation.ADAPT))
                evaluations.append({
                    "pilot_id": pid, "recommendation": recommendation,
                    "results": "Sasniegti **galvenie rādītāji**; pakalpojums turpinās.",
                    "lessons": "Iedzīvotāji jāiesaista no paša sākuma.",
                    "evaluated_at": _at(min(today, end + 20 * DAY)),
                    "evaluated_by_id": coordinator})
            if started and rng.random() < (0.3 if ended else 0.08):
                taken = {p["team"]["place"], *p["team"]["partners"]}
                others = [x for x in self.places if x not in taken]
                for place in rng.sample(others, k=rng.choice((1, 1, 2))):
                    since = min(today, start + rng.randrange(60, 300) * DAY)
                    replications.append({
                        "pilot_id": pid, "municipality_id": place,
                        "status": rng.choice(list(ReplicationStatus)), "started_on": since,
                        "note": "Pārņem pēc pieredzes apmaiņas semināra.",
                        "created_at": _at(since), "updated_at": _at(since),
                        "created_by_id": coordinator})
        self._insert(m.PilotStatusChange, changes)
        self._insert(m.Milestone, milestones)
        indicator_ids = self._insert(m.Indicator, indicators, ids=True)
        self._insert(m.Measurement, [
            {"indicator_id": indicator_id, "value": value, "measured_on": day,
             "note": "Pašvaldības uzskaite", "created_at": _at(day), "created_by_id": None}
            for indicator_id, series in zip(indicator_ids, values, strict=True)
            for day, value in series])
        self._insert(m.FundingLine, funding)
        self._insert(m.Expense, expenses)
        self._insert(m.PilotUpdate, updates)
        self._insert(m.PilotEvaluation, evaluations)
        self._insert(m.Replication, replications)


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
