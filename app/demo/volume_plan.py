"""The volume batch's constants, words and plan (app.demo.volume): what is planned in memory
before anything is written."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.core.clock import RIGA

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


class BatchWriter:
    """What the parts of Builder (app.demo.volume) share: the batch's state and its one way
    of writing rows."""

    n_ideas: int
    now: datetime
    today: date
    rng: random.Random
    places: dict[int, Any]  # id -> (id, name, region_code)
    coordinator: dict[str, int]  # region -> the demo coordinator's user id

    def _insert(self, model, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
        raise NotImplementedError

    def _write_ideas(self, plans, ideas, teams) -> None:
        raise NotImplementedError
