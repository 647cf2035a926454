"""Starting states for the browser journeys, built in the live server's database.

A journey that starts in the middle of the programme (judging done, a pilot running)
does not click through everything before it: this script builds that state with the
app's own operations (judges added, assignments built, reviews scored and submitted,
results published, the pilot started and kept up to date) and the factories of
tests/factories_*.py where the clock cannot be turned back (a hackathon whose
deadline passed, ideas submitted before it). It runs in its own process with the
server's environment, so it writes to the server's database exactly as the app does
(and raises the public cache's data version as every commit does):

    python -m tests.browser.scenarios results_ready [--tag=TAG]
    python -m tests.browser.scenarios results_ready pilot_ready pilot_running

or, from a journey, `live_server.scenario("results_ready")`. It prints one line of
JSON: the people (e-mail, name, password), the hackathon's slug and title, the ideas
in the order of the jury's ranking, and the pilot; given several scenarios, an object
with each of them by name (one process, so the app is loaded once). TAG (default:
random) keeps the e-mail addresses and the slugs apart when a scenario is built twice.

- results_ready: a hackathon of Zemgale in judging whose deadline has passed, three
  submitted ideas from three teams, three judges from other regions, every review
  submitted; the ranking is clear (idea 1 well ahead of idea 2, idea 2 of idea 3). Its
  coordinator moves it to "Results" and chooses the winners.
- pilot_ready: another Zemgale hackathon, results published with the SECOND idea of the
  ranking as the winner (with the justification this needs), and the winner's pilot
  started and active, with the indicator the idea proposed, and nothing recorded yet.
- pilot_running: a Kurzeme hackathon (youth work) whose winner, the top of the ranking,
  has a pilot under way:
  two milestones (one done), two measurements, an expense, a public report approved by
  the coordinator, a public report still waiting for approval and an internal note.

Every world has its own municipalities and titles, so that several can live in one
database (and on one home page) without being mistaken for each other.
"""

from __future__ import annotations

import json
import secrets
import sys
from dataclasses import dataclass
from datetime import date, timedelta

PASSWORD = "liepas zied Jelgavas pils parkā"

# Judges from other regions than the teams', so no one has a conflict of interest.
JUDGES = (("Ilze Vītola", "Valmieras novads"), ("Juris Ozols", "Rēzekne"),
          ("Anita Kalna", "Cēsu novads"))
# (points on criterion 1, on criterion 2) per judge, for the ideas in ranking order: every
# judge puts them in the same order, far enough apart for the ranking to be clear by
# score and by normalised score alike.
SCORES = (
    ((9, 9), (8.5, 9), (9, 8.5)),
    ((7.5, 7), (7, 7.5), (7, 7)),
    ((5, 5.5), (5.5, 5), (6, 5)),
)


@dataclass(frozen=True)
class IdeaSpec:
    title: str
    summary: str
    municipality: str
    team: str
    lead: str
    budget: str
    indicator: tuple[str, str, str]  # name, baseline, target


@dataclass(frozen=True)
class WorldSpec:
    slug: str
    region: str
    coordinator: str
    hackathon: str
    theme: str
    ideas: tuple[IdeaSpec, IdeaSpec, IdeaSpec]  # in the order of the jury's ranking


WORLDS = {
    "results_ready": WorldSpec(
        slug="zemgales-komunalais-hakatons", region="zemgale", coordinator="Inese Kalniņa",
        hackathon="Zemgales komunālo pakalpojumu hakatons",
        theme="Komunālie un sabiedriskās drošības pakalpojumi",
        ideas=(
            IdeaSpec("Atkritumu šķirošanas karte", "Karte ar šķirošanas punktiem un to "
                     "piepildījumu, ko iedzīvotāji var ziņot paši.", "Jelgava",
                     "Jelgavas komunālā komanda", "Mārtiņš Liepiņš", "31000.00",
                     ("Nešķiroto atkritumu daļa", "62", "45")),
            IdeaSpec("Viedie ūdens skaitītāji", "Attālināti nolasāmi ūdens skaitītāji "
                     "daudzdzīvokļu mājās, lai rādījumi nav jāiesniedz katru mēnesi.",
                     "Dobeles novads", "Dobeles ūdens komanda", "Anna Bērziņa", "24500.00",
                     ("Kļūdaino rēķinu skaits mēnesī", "120", "30")),
            IdeaSpec("Drošs ceļš uz skolu", "Apgaismotas gājēju pārejas un brīvprātīgo "
                     "patruļas pie Bauskas skolām.", "Bauskas novads", "Bauskas drošības "
                     "komanda", "Rūta Kalniņa", "18000.00",
                     ("Negadījumu skaits pie skolām gadā", "9", "3")),
        )),
    "pilot_ready": WorldSpec(
        slug="zemgales-ielu-hakatons", region="zemgale", coordinator="Dace Ozoliņa",
        hackathon="Zemgales ielu un ceļu uzturēšanas hakatons",
        theme="Komunālie un sabiedriskās drošības pakalpojumi",
        ideas=(
            IdeaSpec("Gudrais ielu apgaismojums", "Laternas, kas iedegas pilnā jaudā, kad "
                     "tuvojas gājējs.", "Jelgavas novads", "Jelgavas novada komanda",
                     "Edgars Krūmiņš", "40000.00", ("Elektroenerģija mēnesī, MWh", "50", "32")),
            IdeaSpec("Sniega tīrīšanas karte", "Iedzīvotāji kartē redz, kuras ielas jau "
                     "notīrītas un kad pienāks viņu iela.", "Jēkabpils novads",
                     "Jēkabpils komanda", "Līga Sproģe", "15000.00",
                     ("Zvanu skaits par netīrītām ielām ziemā", "400", "150")),
            IdeaSpec("Bedru ziņošana", "Bedres ziņo ar fotoattēlu; atbilde trīs darba "
                     "dienās.", "Aizkraukles novads", "Aizkraukles komanda",
                     "Pēteris Ābols", "9000.00", ("Dienas līdz bedres salabošanai", "30", "7")),
        )),
    "pilot_running": WorldSpec(
        slug="kurzemes-jaunatnes-hakatons", region="kurzeme", coordinator="Sandra Vītiņa",
        hackathon="Kurzemes jaunatnes darba hakatons", theme="Darbs ar jaunatni",
        ideas=(
            IdeaSpec("Jauniešu centrs uz riteņiem", "Mikroautobuss ar jaunatnes darbinieku "
                     "brauc uz pagastiem, kur jauniešu centra nav.", "Kuldīgas novads",
                     "Kuldīgas jaunatnes komanda", "Elīna Grīnberga", "36000.00",
                     ("Jauniešu skaits nodarbībās mēnesī", "40", "120")),
            IdeaSpec("Jauniešu idejas budžets", "Jaunieši paši izlemj, kam tērēt daļu "
                     "jaunatnes budžeta.", "Liepāja", "Liepājas jauniešu komanda",
                     "Kārlis Zariņš", "12000.00",
                     ("Jauniešu skaits balsojumā", "0", "800")),
            IdeaSpec("Vasaras darbi ostā", "Skolēnu vasaras darbi Ventspils ostas "
                     "uzņēmumos.", "Ventspils", "Ventspils komanda", "Roberts Kalns",
                     "20000.00", ("Nodarbināto skolēnu skaits", "25", "60")),
        )),
}

JUSTIFICATION = ("Otrā vietā ierindotā ideja ir izmēģināma jau šogad, un to bez lieliem "
                 "izdevumiem var pārņemt citas reģiona pašvaldības.")


def _email(name: str, tag: str, domain: str) -> str:
    ascii_name = name.lower().translate(str.maketrans("āčēģīķļņšūž ", "acegiklnsuz."))
    return f"{ascii_name}.{tag}@{domain}"


def _person(user) -> dict:
    return {"email": user.email, "name": user.name, "password": PASSWORD, "id": user.id}


def build_judged(world: WorldSpec, tag: str) -> dict:
    """The hackathon in judging with every review submitted; what was made."""
    from app.accounts import operations as accounts
    from app.accounts.models import Role
    from app.core.clock import now_utc
    from app.extensions import db
    from app.judging import assigning, reviewing
    from app.judging.models_reviews import Review
    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_teams import make_team

    now = now_utc()
    coordinator = accounts.create_user(_email(world.coordinator, tag, "talka.gov.lv"),
                                       world.coordinator, PASSWORD)
    accounts.grant_role(coordinator, Role.COORDINATOR, world.region, actor=None)
    db.session.commit()
    # Opened 40 days ago, the deadline 10 days ago; judging closed yesterday.
    hackathon = make_hackathon(
        region=world.region, phase="judging", title=world.hackathon, theme=world.theme,
        slug=f"{world.slug}-{tag}", created_by=coordinator, criteria=2,
        reviews_per_idea=3, opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10), judging_closes_at=now - timedelta(days=1),
        description="Pašvaldību ideju hakatons par labākiem pakalpojumiem iedzīvotājiem.")
    ideas, leads = [], []
    for spec in world.ideas:
        lead = accounts.create_user(_email(spec.lead, tag, "pasvaldiba.lv"), spec.lead,
                                    PASSWORD, municipality_name=spec.municipality)
        db.session.commit()
        team = make_team(lead, name=spec.team, municipality=spec.municipality)
        name, baseline, target = spec.indicator
        ideas.append(make_idea(hackathon, team, status="submitted", title=spec.title,
                               summary=spec.summary, budget_eur=spec.budget,
                               indicators=[{"name": name, "baseline": baseline,
                                            "target": target}]))
        leads.append(lead)

    # The jury, as the coordinator adds it; the assignments, as judging builds them.
    judges = []
    for name, place in JUDGES:
        judge = accounts.create_user(_email(name, tag, "vertetaji.lv"), name, PASSWORD,
                                     municipality_name=place)
        judges.append(judge)
        db.session.flush()
        assigning.add_judge(hackathon, judge.email, actor=coordinator, notify=False,
                          now=now - timedelta(days=20))
    assigning.ensure_assignments(hackathon, now=now - timedelta(days=9))
    db.session.commit()
    criteria = list(hackathon.criteria)
    for rank, idea in enumerate(ideas):
        for j, judge in enumerate(judges):
            review = db.session.query(Review).filter_by(idea_id=idea.id,
                                                        judge_id=judge.id).one()
            points = SCORES[rank][j]
            reviewing.save_review(review, {
                "scores": {c.id: points[k] for k, c in enumerate(criteria)},
                "comments": {criteria[0].id: "Skaidri aprakstīts ieguvums iedzīvotājiem."},
                "comment": "Vērtēts pēc hakatona kritērijiem.", "submit": True,
            }, actor=judge, now=now - timedelta(days=3))
    db.session.commit()
    return {
        "coordinator": _person(coordinator),
        "hackathon": {"id": hackathon.id, "slug": hackathon.slug, "title": hackathon.title},
        "ideas": [{"id": idea.id, "title": idea.title, "summary": idea.summary,
                   "team": idea.team.name, "municipality": spec.municipality,
                   "indicator": spec.indicator[0], "lead": _person(lead), "rank": rank + 1}
                  for rank, (idea, spec, lead) in enumerate(zip(ideas, world.ideas, leads,
                                                                 strict=True))],
        "judges": [_person(j) for j in judges],
    }


def publish_and_start_pilot(made: dict, *, winner_rank: int, start: date, end: date) -> dict:
    """Results with the idea of `winner_rank` as the only winner (any but the first needs
    the justification), and the winner's pilot, active."""
    from app.accounts.models import User
    from app.core.clock import now_utc
    from app.extensions import db
    from app.hackathons import operations as hackathons
    from app.hackathons.models import Hackathon
    from app.ideas.models import Idea
    from app.judging import deciding
    from app.pilots import creation as creation_ops
    from app.pilots import lifecycle as lifecycle_ops

    now = now_utc()
    coordinator = db.session.get(User, made["coordinator"]["id"])
    hackathon = db.session.get(Hackathon, made["hackathon"]["id"])
    chosen = made["ideas"][winner_rank - 1]
    winner = db.session.get(Idea, chosen["id"])
    justification = JUSTIFICATION if winner_rank > 1 else ""
    hackathons.transition_hackathon(hackathon, "results", actor=coordinator,
                                    reason="Vērtēšana pabeigta.", now=now - timedelta(days=1))
    deciding.publish_results(hackathon, {"idea_ids": [winner.id],
                                        "justification": justification},
                            actor=coordinator, now=now - timedelta(days=1))
    db.session.commit()
    pilot = creation_ops.create_pilot(winner, {"start_date": start, "end_date": end},
                                actor=coordinator)
    lifecycle_ops.transition_pilot(pilot, "active", actor=coordinator, reason="Darbs sākts.")
    db.session.commit()
    made["justification"] = justification
    made["winner"] = chosen
    made["pilot"] = {"id": pilot.id, "title": pilot.title,
                     "budget": str(pilot.approved_budget_eur),
                     "indicator": pilot.indicators[0].name,
                     "start": start.isoformat(), "end": end.isoformat()}
    return made


def results_ready(tag: str) -> dict:
    return build_judged(WORLDS["results_ready"], tag)


def pilot_ready(tag: str) -> dict:
    from app.core.clock import today_riga

    today = today_riga()
    made = build_judged(WORLDS["pilot_ready"], tag)
    return publish_and_start_pilot(made, winner_rank=2, start=today - timedelta(days=14),
                                   end=today + timedelta(days=350))


def pilot_running(tag: str) -> dict:
    """pilot_ready's steps for the Kurzeme world, then the pilot kept up to date."""
    from app.accounts.models import User
    from app.core.clock import today_riga
    from app.extensions import db
    from app.pilots import funding as funding_ops
    from app.pilots import plan as plan_ops
    from app.pilots import reports as reports_ops
    from app.pilots.models import Pilot

    today = today_riga()
    made = build_judged(WORLDS["pilot_running"], tag)
    # The winner is the top of the ranking here: a plain result, without justification.
    made = publish_and_start_pilot(made, winner_rank=1, start=today - timedelta(days=60),
                                   end=today + timedelta(days=300))
    pilot = db.session.get(Pilot, made["pilot"]["id"])
    lead = db.session.get(User, made["winner"]["lead"]["id"])
    coordinator = db.session.get(User, made["coordinator"]["id"])
    done = plan_ops.add_milestone(pilot, {"title": "Mikroautobusa iegāde",
                                        "due_date": today - timedelta(days=20),
                                        "weight": "1"}, actor=lead)
    plan_ops.update_milestone(done, {"status": "done",
                                   "completed_on": today - timedelta(days=25)}, actor=lead)
    plan_ops.add_milestone(pilot, {"title": "Maršruts pa 12 pagastiem",
                                 "due_date": today + timedelta(days=45), "weight": "2"},
                         actor=lead)
    indicator = pilot.indicators[0]
    measurements = [("55", today - timedelta(days=30), "Nodarbību žurnāls"),
                    ("72", today - timedelta(days=3), "Nodarbību žurnāls")]
    for value, measured_on, note in measurements:
        plan_ops.record_measurement(indicator, {"value": value, "measured_on": measured_on,
                                              "note": note}, actor=lead)
    funding_ops.record_expense(pilot, {"amount_eur": "18450.00",
                                  "spent_on": today - timedelta(days=26),
                                  "description": "Mikroautobuss"}, actor=lead)
    approved = reports_ops.post_update(pilot, {"body": "Mikroautobuss brauc: pirmajā mēnesī "
                                                  "nodarbībās bija **72** jaunieši.",
                                          "public": True,
                                          "reported_on": today - timedelta(days=2)},
                                  actor=lead)
    reports_ops.approve_update(approved, actor=coordinator)
    reports_ops.post_update(pilot, {"body": "Vēl nepārbaudīts ziņojums par rudens maršrutu.",
                               "public": True, "reported_on": today}, actor=lead)
    reports_ops.post_update(pilot, {"body": "Iekšēja piezīme: šoferis atvaļinājumā augustā.",
                               "public": False, "reported_on": today}, actor=lead)
    db.session.commit()
    made["pilot"].update({
        "milestones": ["Mikroautobusa iegāde", "Maršruts pa 12 pagastiem"],
        "measurements": [{"value": v, "measured_on": d.isoformat(), "note": n}
                         for v, d, n in measurements],
        "spent": "18450.00",
        "approved_report": "pirmajā mēnesī nodarbībās bija",
        "waiting_report": "Vēl nepārbaudīts ziņojums par rudens maršrutu.",
        "internal_report": "Iekšēja piezīme: šoferis atvaļinājumā augustā.",
    })
    return made


def staff_domains(_tag: str) -> dict:
    """The staff e-mail domains an administrator has set: a person registering with a
    work address there is a verified member who may lead a team."""
    from sqlalchemy import select

    from app.extensions import db
    from app.places.models import Municipality, MunicipalityDomain

    dobele = db.session.scalar(select(Municipality).where(Municipality.name == "Dobeles novads"))
    if not any(d.domain == "dobele.lv" for d in dobele.email_domains):
        dobele.email_domains.append(MunicipalityDomain(domain="dobele.lv"))
    db.session.commit()
    return {"Dobeles novads": "dobele.lv"}


SCENARIOS = {"results_ready": results_ready, "pilot_ready": pilot_ready,
             "pilot_running": pilot_running, "staff_domains": staff_domains}


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("--tag=")]
    tags = [a.removeprefix("--tag=") for a in argv if a.startswith("--tag=")]
    if not names or any(name not in SCENARIOS for name in names):
        print(f"usage: python -m tests.browser.scenarios {{{'|'.join(SCENARIOS)}}}... "
              "[--tag=TAG]", file=sys.stderr)
        return 2
    tag = tags[-1] if tags else secrets.token_hex(3)
    from flask import current_app

    from app import create_app

    app = create_app()
    with app.app_context():
        # Publishing results e-mails links to the teams: url_for needs a host, as in the
        # seed-demo and send-reminders commands. Nothing is served.
        base_url = current_app.config.get("SITE_URL") or "http://localhost"
        with app.test_request_context(base_url=base_url):
            # Each scenario its own tag: the judges' names recur from one world to another.
            made = {name: SCENARIOS[name](tag if len(names) == 1 else f"{tag}{n}")
                    for n, name in enumerate(names)}
    print(json.dumps(made if len(names) > 1 else made[names[0]], ensure_ascii=False,
                     default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
