"""Demo hackathons: one per planning region, on its programme theme; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db
from app.hackathons import operations as ops
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.places.models import Region

PRIZE = "Labākajām idejām — pilotprojekta finansējums līdz 30 000 EUR katrai"

RULES = """
**Kas var pieteikties.** Pieteikumu iesniedz pašvaldības darbinieku komanda; komandā var
būt arī partneru pašvaldības. Viena komanda var iesniegt vairākas idejas.

**Kā vērtē.** Katru ideju neatkarīgi vērtē vismaz trīs žūrijas locekļi pēc zemāk
norādītajiem kritērijiem. Vērtētājs, kurš strādā kādā no komandas pašvaldībām, šo ideju
nevērtē (interešu konflikts).

**Kas notiek pēc tam.** Uzvarētājas idejas kļūst par pilotprojektiem, kuru starpposma
mērķi, izdevumi un rādītāji ir publiski redzami šajā vietnē.
""".strip()

CRITERIA = [
    {"name": "Ietekme uz iedzīvotājiem", "weight": "3", "max_score": 10,
     "description": "Cik daudz iedzīvotāju gūs labumu un cik būtisks ir šis ieguvums.",
     "low_description": "Ieguvums nav skaidrs vai skar ļoti šauru iedzīvotāju loku.",
     "mid_description": "Skaidrs ieguvums konkrētai mērķgrupai.",
     "high_description": "Būtisks un izmērāms ieguvums plašai mērķgrupai."},
    {"name": "Īstenojamība", "weight": "2", "max_score": 10,
     "description": "Vai ideju var izmēģināt ar pieejamo budžetu, cilvēkiem un laiku.",
     "low_description": "Nav skaidrs, kas un kā ideju īstenos.",
     "mid_description": "Plāns ir, bet riski nav apzināti.",
     "high_description": "Reāls plāns ar budžetu un atbildīgajiem; riski apzināti."},
    {"name": "Pārņemamība citās pašvaldībās", "weight": "1.5", "max_score": 10,
     "description": "Vai citas pašvaldības var risinājumu pārņemt un salīdzināt rezultātus.",
     "low_description": "Risinājums der tikai vienai pašvaldībai.",
     "mid_description": "Pārņemams ar būtiskiem pielāgojumiem.",
     "high_description": "Viegli pārņemams; apraksts un dati ir atvērti."},
    {"name": "Rezultātu izmērāmība", "weight": "1", "max_score": 5,
     "description": "Vai idejai ir rādītāji ar bāzes un mērķa vērtību.",
     "low_description": "Rādītāju nav.",
     "mid_description": "Rādītāji ir, bet bāzes vērtība nav zināma.",
     "high_description": "Rādītāji ar bāzes un mērķa vērtību un datu avotu."},
]


@dataclass(frozen=True)
class DemoHackathon:
    region: str
    coordinator: str
    title: str
    intro: str
    phase: Phase


DEMO_HACKATHONS = [
    DemoHackathon(
        "riga", "rpr.koordinators@talka.lv",
        "Otrā iespēja: atbalsts pusaudžiem, kas nonākuši konfliktā ar likumu",
        "Rīgas plānošanas reģions aicina pašvaldības piedāvāt idejas, kā uzlabot uzvedības "
        "sociālās korekcijas programmas nepilngadīgajiem likumpārkāpējiem vecumā no 11 līdz "
        "18 gadiem.\n\nMeklējam risinājumus, kas:\n\n"
        "- palīdz laikus pamanīt pusaudžus, kuriem draud nonākšana konfliktā ar likumu;\n"
        "- stiprina sociālā dienesta, skolas, pašvaldības policijas un ģimenes sadarbību;\n"
        "- ļauj izmērīt, vai programma mazina atkārtotus likumpārkāpumus.",
        Phase.JUDGING,
    ),
    DemoHackathon(
        "kurzeme", "kpr.koordinators@talka.lv",
        "Jaunatnes darbs tuvāk jauniešiem: Kurzemes ideju hakatons",
        "Kurzemes plānošanas reģions meklē idejas, kā jaunatnes darbu padarīt pieejamāku "
        "jauniešiem laukos un mazpilsētās.\n\nĪpaši gaidām idejas par:\n\n"
        "- mobilo jaunatnes darbu, kas aizbrauc pie jauniešiem;\n"
        "- jauniešu līdzdalību pašvaldības lēmumos;\n"
        "- digitāliem rīkiem, kas atvieglo jaunatnes darbinieku ikdienu.",
        Phase.OPEN,
    ),
    DemoHackathon(
        "latgale", "lpr.koordinators@talka.lv",
        "Ātrāka un skaidrāka būvatļauja: Latgales ideju hakatons",
        "Latgales plānošanas reģions aicina pašvaldības rast veidus, kā iedzīvotājiem un "
        "uzņēmējiem vienkāršāk saņemt būvatļauju un saprast katru būvniecības procesa soli."
        "\n\nIdejas var skart:\n\n"
        "- konsultācijas pirms būvniecības ieceres iesniegšanas;\n"
        "- ērtāku Būvniecības informācijas sistēmas lietošanu;\n"
        "- pašvaldību būvvalžu sadarbību un kopīgus paraugus.",
        Phase.OPEN,
    ),
    DemoHackathon(
        "vidzeme", "vpr.koordinators@talka.lv",
        "Pašvaldība — uzņēmēja sabiedrotā: Vidzemes ideju hakatons",
        "Vidzemes plānošanas reģions meklē idejas, kā pašvaldības var labāk atbalstīt "
        "uzņēmējus, it īpaši tos, kas uzņēmējdarbību sāk.\n\nPiemēri:\n\n"
        "- vienas pieturas aģentūra uzņēmējiem pašvaldībā;\n"
        "- brīvo telpu un zemes gabalu karte ar aktuāliem datiem;\n"
        "- pieredzējušu uzņēmēju mentorings jaunajiem.",
        Phase.RESULTS,
    ),
    DemoHackathon(
        "zemgale", "zpr.koordinators@talka.lv",
        "Drošas un sakoptas apkaimes: Zemgales ideju hakatons",
        "Zemgales plānošanas reģions aicina pašvaldības uzlabot komunālos un sabiedriskās "
        "drošības pakalpojumus.\n\nGaidām idejas par:\n\n"
        "- ielu apgaismojumu un drošiem skolēnu ceļiem;\n"
        "- atkritumu apsaimniekošanu un šķirošanu;\n"
        "- ērtu ziņošanu par bojājumiem un pašvaldības atbildi uz tiem.",
        Phase.OPEN,
    ),
]


def _schedule(phase: Phase, now: datetime) -> tuple[datetime, datetime, datetime]:
    """Opening, deadline and end of judging that fit the phase the demo shows."""
    day = timedelta(days=1)
    if phase == Phase.OPEN:
        return now - 10 * day, now + 20 * day, now + 45 * day
    if phase == Phase.JUDGING:
        return now - 60 * day, now - 5 * day, now + 25 * day
    return now - 120 * day, now - 80 * day, now - 50 * day


def seed_demo_hackathons(now: datetime | None = None) -> dict[str, Hackathon]:
    """Create the demo hackathons that are missing; return all of them by region code."""
    from app.accounts.operations import find_user_by_email

    now = now or now_utc()
    result: dict[str, Hackathon] = {}
    for demo in DEMO_HACKATHONS:
        slug = ops.slugify(demo.title)
        existing = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
        if existing is not None:
            result[demo.region] = existing
            continue
        coordinator = find_user_by_email(demo.coordinator)
        region = db.session.get_one(Region, demo.region)
        opens, closes, judging = _schedule(demo.phase, now)
        hackathon = ops.create_hackathon({
            "title": demo.title,
            "description": f"{demo.intro}\n\n{RULES}",
            "region": demo.region,
            "theme": region.service_direction_lv,
            "eligible_regions": [demo.region],
            "submission_opens_at": opens,
            "submission_closes_at": closes,
            "judging_closes_at": judging,
            "reviews_per_idea": 3,
            "blind_review": True,
            "prize_text": PRIZE,
        }, actor=coordinator, now=opens - 14 * timedelta(days=1))
        for criterion in CRITERIA:
            ops.add_criterion(hackathon, criterion, actor=coordinator,
                              now=opens - 13 * timedelta(days=1))
        ops.transition_hackathon(hackathon, Phase.OPEN, actor=coordinator,
                                 reason="Kritēriji un termiņi apstiprināti.",
                                 now=opens - timedelta(days=1))
        if demo.phase.rank >= Phase.JUDGING.rank:
            ops.sync_phase(hackathon, now=closes)  # the deadline's automatic step
        if demo.phase.rank >= Phase.RESULTS.rank:
            ops.transition_hackathon(hackathon, Phase.RESULTS, actor=coordinator,
                                     reason="Žūrijas vērtēšana pabeigta, rezultāti publicēti.",
                                     now=judging)
        result[demo.region] = hackathon
    db.session.flush()
    return result
