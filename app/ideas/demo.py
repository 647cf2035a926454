"""Demo ideas in good Latvian, in every status, for the demo hackathons and teams.

Safe to run again: an idea whose title already exists in its hackathon is skipped,
and nothing is made until the demo hackathons and teams exist. Ideas of open
hackathons go through the operations; those of hackathons already past their
deadline are stored as submitted directly (the clock cannot be turned back for
them), and then ruled out or decided through the operations.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import select

from app.accounts.operations import find_user_by_email
from app.core.clock import now_utc
from app.core.errors import Invalid
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas import operations as ops
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus


@dataclass(frozen=True)
class DemoIdea:
    region: str  # the demo hackathon and team of this planning region
    status: str
    author: str  # e-mail of a demo team member
    title: str
    summary: str
    problem: str = ""
    solution: str = ""
    target_group: str = ""
    expected_impact: str = ""
    partners: str = ""
    budget_eur: str = ""
    duration_months: int | None = None
    indicators: tuple[tuple[str, str, str], ...] = ()
    reason: str = ""  # why a coordinator ruled it out


DEMO_IDEAS = [
    # --- Zemgale: open -----------------------------------------------------------------
    DemoIdea(
        "zemgale", "submitted", "janis.berzins@dobele.lv",
        "Gudrais ielu apgaismojums skolēnu ceļos",
        "Kustības sensori un attālināti vadāmas LED laternas ceļos uz skolām Dobeles un "
        "Bauskas novadā: gaišāk, kad kāds iet, un lētāk, kad neviena nav.",
        problem="Rudens un ziemas rītos daudzi skolēni iet uz skolu pa neapgaismotiem vai "
                "vāji apgaismotiem ceļa posmiem. 2025. gadā pašvaldības policija saņēma **37 "
                "sūdzības** par tumšiem posmiem, un divos negadījumos cieta gājēji.",
        solution="- Izvēlēties 12 bīstamākos posmus kopā ar skolām un policiju\n"
                 "- Uzstādīt LED laternas ar kustības sensoriem un attālinātu vadību\n"
                 "- Publicēt apgaismojuma karti pašvaldības vietnē\n"
                 "- Pēc sešiem mēnešiem salīdzināt negadījumu un sūdzību skaitu",
        target_group="Ap 2 400 skolēnu un viņu vecāki, kā arī visi gājēji šajos posmos.",
        expected_impact="Drošāks skolas ceļš un par trešdaļu mazāks elektroenerģijas "
                        "patēriņš šajos posmos.",
        partners="Bauskas un Jelgavas novada pašvaldības; Valsts policijas Zemgales "
                 "reģiona pārvalde; vietējās skolas.",
        budget_eur="28500.00", duration_months=10,
        indicators=(("Sūdzības par neapgaismotiem posmiem gadā", "37", "10"),
                    ("Elektroenerģijas patēriņš posmos, MWh gadā", "41", "27")),
    ),
    DemoIdea(
        "zemgale", "draft", "liga.kalnina@kuldiga.lv",
        "Ziņo par bojājumu: viena pieteikšanās vieta visiem komunālajiem dienestiem",
        "Iedzīvotājs vienā vietā ziņo par bedri, salauztu soliņu vai pārpildītu konteineru, "
        "un redz, kad bojājumu novērsīs.",
        problem="Šobrīd jāzina, kuram dienestam zvanīt; daļa ziņojumu pazūd e-pastos.",
        budget_eur="", duration_months=None,
    ),
    # --- Kurzeme: open -------------------------------------------------------------------
    DemoIdea(
        "kurzeme", "submitted", "liga.kalnina@kuldiga.lv",
        "Jauniešu busiņš: mobilais jaunatnes darbs Kurzemes pagastos",
        "Jaunatnes darbinieku komanda ar aprīkotu mikroautobusu reizi nedēļā apmeklē "
        "pagastus, kuros nav jauniešu centra.",
        problem="Kuldīgas, Talsu un Saldus novadā 19 pagastos nav jauniešu centra; jaunieši "
                "līdz tuvākajam brauc vidēji 27 km, un sabiedriskais transports vakaros "
                "nekursē.",
        solution="Busiņš ar portatīvo aprīkojumu (galda spēles, projektors, 3D printeris) "
                 "un divi jaunatnes darbinieki pēc grafika apmeklē pagastus. Programmu "
                 "kopā veido paši jaunieši.",
        target_group="Jaunieši vecumā no 13 līdz 25 gadiem 19 pagastos (ap 1 100 jauniešu).",
        expected_impact="Jaunieši laukos saņem tādu pašu jaunatnes darbu kā pilsētās.",
        partners="Talsu, Saldus un Ventspils novada pašvaldības; biedrība “Kurzemes "
                 "jauniešu alianse”.",
        budget_eur="29800.00", duration_months=12,
        indicators=(("Jaunieši, kas apmeklē nodarbības mēnesī", "0", "250"),
                    ("Pagasti ar regulāru jaunatnes darbu", "0", "19")),
    ),
    DemoIdea(
        "kurzeme", "withdrawn", "janis.berzins@dobele.lv",
        "Jauniešu dome tiešsaistē",
        "Tiešsaistes platforma, kurā jaunieši balso par pašvaldības jaunatnes budžeta daļu.",
        problem="Jauniešu domes sēdēs piedalās maz jauniešu no attāliem pagastiem.",
        solution="Esošās līdzdalības budžeta platformas pielāgošana jauniešiem.",
        target_group="Jaunieši vecumā no 14 līdz 25 gadiem.",
        expected_impact="Vairāk jauniešu piedalās lēmumos par viņiem paredzēto naudu.",
        budget_eur="9000.00", duration_months=6,
        indicators=(("Balsojumā piedalījušies jaunieši", "120", "600"),),
    ),
    # --- Latgale: open -------------------------------------------------------------------
    DemoIdea(
        "latgale", "submitted", "aivars.liepa@rezekne.lv",
        "Būvatļaujas ceļvedis: bezmaksas konsultācija pirms ieceres iesniegšanas",
        "Būvvaldes speciālists 30 minūšu konsultācijā kopā ar iedzīvotāju pārskata ieceri "
        "pirms iesniegšanas BIS, lai dokumenti nebūtu jālabo vairākkārt.",
        problem="Rēzeknē un kaimiņu novados **62 %** būvniecības ieceru tiek atgrieztas "
                "labošanai vismaz reizi; vidējais lēmuma laiks ir 45 dienas.",
        solution="- Pierakstīšanās konsultācijai tiešsaistē vai pa tālruni\n"
                 "- Kontrolsaraksts biežākajām kļūdām latviešu un latgaliešu valodā\n"
                 "- Konsultācijas arī attālināti, ar ekrāna koplietošanu",
        target_group="Privātmāju īpašnieki un mazie uzņēmēji, kas būvē vai pārbūvē.",
        expected_impact="Mazāk atgrieztu ieceru un ātrāki lēmumi.",
        partners="Rēzeknes, Ludzas un Preiļu novada būvvaldes.",
        budget_eur="18400.00", duration_months=9,
        indicators=(("Labošanai atgrieztas ieceres", "62 %", "30 %"),
                    ("Vidējais lēmuma laiks, dienas", "45", "25")),
    ),
    DemoIdea(
        "latgale", "draft", "aivars.liepa@rezekne.lv",
        "Kopīga būvvalžu paraugu bibliotēka",
        "Latgales būvvaldes kopīgi uztur atbilstošu dokumentu paraugus un atbildes uz "
        "biežākajiem jautājumiem.",
        problem="Katra būvvalde pati gatavo paraugus; iedzīvotāji saņem atšķirīgas atbildes.",
        solution="Kopīga, atvērta paraugu bibliotēka ar versijām.",
        budget_eur="7500.00", duration_months=6,
    ),
    # --- Rīga: judging (the deadline has passed) ------------------------------------------
    DemoIdea(
        "riga", "submitted", "janis.berzins@dobele.lv",
        "Mentors pusaudzim: brīvprātīgo atbalsta programma",
        "Apmācīti brīvprātīgie mentori gadu regulāri tiekas ar pusaudzi, kuram piemērota "
        "uzvedības korekcijas programma, un palīdz viņam atrast savu vietu.",
        problem="Tukuma novadā un Jūrmalā ik gadu ap 80 pusaudžu nonāk konfliktā ar likumu; "
                "trešdaļa gada laikā pārkāpumu atkārto.",
        solution="Programmā mentorus atlasa, apmāca un uzrauga sociālais dienests; tikšanās "
                 "reizi nedēļā, kopīgas aktivitātes un saziņa ar skolu.",
        target_group="Pusaudži vecumā no 11 līdz 18 gadiem, kuriem piemērota uzvedības "
                     "sociālās korekcijas programma, un viņu ģimenes.",
        expected_impact="Mazāk atkārtotu likumpārkāpumu un vairāk pusaudžu, kas turpina "
                        "mācības.",
        partners="Jūrmalas un Dobeles novada sociālie dienesti; biedrība “Mentori”.",
        budget_eur="26000.00", duration_months=18,
        indicators=(("Pusaudži, kas gada laikā pārkāpumu atkārto", "33 %", "15 %"),),
    ),
    DemoIdea(
        "riga", "ineligible", "aivars.liepa@rezekne.lv",
        "Sporta vakari skolās kā noziedzības prevencija",
        "Bezmaksas sporta vakari skolu zālēs visiem novada pusaudžiem piecas reizes nedēļā.",
        problem="Pusaudžiem vakaros nav ko darīt.",
        solution="Atvērt skolu sporta zāles vakaros ar treneri.",
        target_group="Visi novada pusaudži.",
        expected_impact="Mazāk laika uz ielas.",
        budget_eur="64000.00", duration_months=24,
        indicators=(("Sporta vakaru apmeklējums", "0", "150"),),
        reason="Pieprasītais budžets (64 000 EUR) pārsniedz nolikumā noteikto pilotprojekta "
               "finansējumu līdz 30 000 EUR, un ideja nav vērsta uz uzvedības korekcijas "
               "programmas dalībniekiem.",
    ),
    DemoIdea(
        "riga", "draft", "janis.berzins@dobele.lv",
        "Agrīnās brīdināšanas signāli skolām",
        "Skolas un sociālais dienests vienojas par pazīmēm, pēc kurām laikus pamanīt "
        "pusaudzi riska grupā.",
    ),
    # --- Vidzeme: results published ---------------------------------------------------------
    DemoIdea(
        "vidzeme", "winner", "aivars.liepa@rezekne.lv",
        "Uzņēmēju vienas pieturas punkts Madonā",
        "Viens kontaktpunkts pašvaldībā, kur uzņēmējs saņem visas atļaujas, konsultācijas "
        "un informāciju par atbalsta programmām vienā apmeklējumā.",
        problem="Jaunam uzņēmējam jāapmeklē vidēji pieci dažādi pašvaldības speciālisti; "
                "uzņēmējdarbības uzsākšana aizņem līdz trim mēnešiem.",
        solution="- Apmācīts uzņēmēju konsultants ar pieeju visām pašvaldības sistēmām\n"
                 "- Vienots pieteikums tiešsaistē\n"
                 "- Atbalsta programmu kalendārs kopā ar LIAA un Vidzemes plānošanas reģionu",
        target_group="Jaunie un mazie uzņēmēji Madonas, Varakļānu un Cēsu novadā.",
        expected_impact="Ātrāka uzņēmējdarbības uzsākšana un vairāk jaunu uzņēmumu.",
        partners="Varakļānu un Cēsu novada pašvaldības; Rēzeknes valstspilsēta kā "
                 "pieredzes devēja.",
        budget_eur="27000.00", duration_months=12,
        indicators=(("Laiks līdz darbības uzsākšanai, dienas", "90", "30"),
                    ("Konsultēti uzņēmēji gadā", "40", "150")),
    ),
    DemoIdea(
        "vidzeme", "not_selected", "liga.kalnina@kuldiga.lv",
        "Brīvo telpu un zemes gabalu karte",
        "Atvērtu datu karte ar pašvaldības brīvajām telpām un zemes gabaliem, ko var nomāt "
        "uzņēmējdarbībai.",
        problem="Informācija par brīvajām telpām ir izkaisīta un novecojusi.",
        solution="Karte pašvaldības vietnē, ko atjauno nekustamā īpašuma nodaļa.",
        target_group="Uzņēmēji, kas meklē telpas vai zemi.",
        expected_impact="Ātrāk atrastas telpas, mazāk tukšu īpašumu.",
        budget_eur="12000.00", duration_months=8,
        indicators=(("Iznomātas brīvās telpas gadā", "6", "15"),),
    ),
]


def _fields(demo: DemoIdea) -> dict:
    data = {name: getattr(demo, name) for name in (
        "title", "summary", "problem", "solution", "target_group", "expected_impact",
        "partners", "budget_eur", "duration_months")}
    data["indicators"] = [{"name": n, "baseline": b, "target": t} for n, b, t in demo.indicators]
    return data


def _stored_as_submitted(hackathon: Hackathon, team, demo: DemoIdea, author,
                         submitted_at: datetime) -> Idea:
    """An idea of a hackathon already past its deadline, as it was submitted in time."""
    try:
        values = ops.check_fields(_fields(demo))
    except Invalid as invalid:
        raise ValueError(f"demo idea {demo.title!r}: {invalid.errors}") from None
    idea = Idea(hackathon=hackathon, team=team, status=IdeaStatus.DRAFT,
                created_at=submitted_at - timedelta(days=5), created_by_id=author.id,
                updated_at=submitted_at, updated_by_id=author.id)
    ops._apply(idea, values)
    db.session.add(idea)
    db.session.flush()
    ops._add_revision(idea, actor=author, now=idea.created_at)
    if demo.status != "draft":
        idea.status = IdeaStatus.SUBMITTED  # demo data: submitted before the deadline
        idea.submitted_at = submitted_at
        db.session.flush()
        ops._add_revision(idea, actor=author, now=submitted_at)
    db.session.flush()
    return idea


def _request_context():
    """Operations build e-mail links; give them a request when run from the command line."""
    if has_request_context():
        return nullcontext()
    base_url = current_app.config.get("SITE_URL") or "http://localhost:5000"
    return current_app.test_request_context(base_url=base_url)


def seed_demo_ideas(now: datetime | None = None) -> list[Idea]:
    """Create the demo ideas that are missing, once the demo hackathons and teams exist."""
    from app.hackathons.demo import DEMO_HACKATHONS
    from app.hackathons.operations import slugify
    from app.teams.demo import DEMO_TEAMS
    from app.teams.models import Team

    now = now or now_utc()
    hackathons = {d.region: db.session.scalar(select(Hackathon).where(
        Hackathon.slug == slugify(d.title))) for d in DEMO_HACKATHONS}
    teams = {d.region: db.session.scalar(select(Team).where(Team.name == d.name))
             for d in DEMO_TEAMS}
    # The national coordinator (VARAM) rules ideas out and records decisions in the demo.
    coordinator = find_user_by_email("koordinators@varam.gov.lv")
    if coordinator is None:
        return []
    made: list[Idea] = []
    with _request_context():
        for demo in DEMO_IDEAS:
            hackathon, team = hackathons.get(demo.region), teams.get(demo.region)
            author = find_user_by_email(demo.author)
            if hackathon is None or team is None or author is None:
                continue  # the other demos have not run yet
            exists = db.session.scalar(select(Idea.id).where(
                Idea.hackathon_id == hackathon.id, Idea.title == demo.title))
            if exists:
                continue
            made.append(_seed_one(demo, hackathon, team, author, coordinator, now))
    db.session.flush()
    return made


def _seed_one(demo: DemoIdea, hackathon: Hackathon, team, author, coordinator,
              now: datetime) -> Idea:
    if hackathon.phase_at(now) == Phase.OPEN:
        idea = ops.create_idea(hackathon, team, _fields(demo), actor=author,
                               now=now - timedelta(days=3))
        if demo.status in ("submitted", "withdrawn"):
            ops.submit_idea(idea, actor=author, now=now - timedelta(days=2))
        if demo.status == "withdrawn":
            ops.withdraw_idea(idea, actor=author, now=now - timedelta(days=1))
        return idea
    closes = hackathon.submission_closes_at or now
    idea = _stored_as_submitted(hackathon, team, demo, author, closes - timedelta(days=2))
    if demo.status == "ineligible":
        ops.mark_ineligible(idea, demo.reason, actor=coordinator, now=closes + timedelta(days=1))
    elif demo.status in ("winner", "not_selected"):
        ops.record_decision(idea, demo.status, actor=coordinator,
                            now=hackathon.judging_closes_at or now)
    return idea
