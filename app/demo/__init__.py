"""Realistic Latvian demo data for every feature that exists; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts import operations as account_ops
from app.accounts.models import Role
from app.extensions import db

# Published on purpose: demo accounts exist only outside production (see cli.seed-demo).
DEMO_PASSWORD = "talka-demo-parole-2026"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str | None
    region: str | None
    municipality: str | None
    what: str


DEMO_USERS = [
    DemoUser("admin@talka.lv", "Anna Administratore", "admin", None, None, "administrator"),
    DemoUser("koordinators@varam.gov.lv", "Māris Ozoliņš", "coordinator", None, None,
             "national coordinator (VARAM)"),
    DemoUser("rpr.koordinators@talka.lv", "Sarmīte Putniņa", "coordinator", "riga", None,
             "coordinator, Riga planning region"),
    DemoUser("kpr.koordinators@talka.lv", "Zane Gaile", "coordinator", "kurzeme", None,
             "coordinator, Kurzeme planning region"),
    DemoUser("lpr.koordinators@talka.lv", "Marika Dembovska", "coordinator", "latgale", None,
             "coordinator, Latgale planning region"),
    DemoUser("vpr.koordinators@talka.lv", "Ieva Dzalbe", "coordinator", "vidzeme", None,
             "coordinator, Vidzeme planning region"),
    DemoUser("zpr.koordinators@talka.lv", "Sandra Kauranena", "coordinator", "zemgale", None,
             "coordinator, Zemgale planning region"),
    DemoUser("janis.berzins@dobele.lv", "Jānis Bērziņš", None, None, "Dobeles novads",
             "municipal team member"),
    DemoUser("liga.kalnina@kuldiga.lv", "Līga Kalniņa", None, None, "Kuldīgas novads",
             "municipal team member"),
    DemoUser("aivars.liepa@rezekne.lv", "Aivars Liepa", None, None, "Rēzekne",
             "municipal team member"),
    DemoUser("ilze.vitola@valmiera.lv", "Ilze Vītola", None, None, "Valmieras novads",
             "jury member"),
    DemoUser("edgars.krumins@jelgava.lv", "Edgars Krūmiņš", None, None, "Jelgava",
             "jury member"),
]


def seed_demo() -> list[DemoUser]:
    """Create the demo accounts that are missing; return all of them for printing."""
    for demo in DEMO_USERS:
        user = account_ops.find_user_by_email(demo.email)
        if user is None:
            user = account_ops.create_user(
                demo.email, demo.name, DEMO_PASSWORD, municipality_name=demo.municipality
            )
        if demo.role and not user.has_role(Role(demo.role), demo.region):
            account_ops.grant_role(user, Role(demo.role), demo.region, actor=None)
    db.session.flush()
    from app.hackathons.demo import seed_demo_hackathons

    seed_demo_hackathons()
    from app.teams.demo import seed_demo_teams

    seed_demo_teams()
    from app.ideas.demo import seed_demo_ideas

    seed_demo_ideas()
    from app.judging.demo import seed_demo_judging

    seed_demo_judging()
    from app.pilots.demo import seed_demo_pilots

    seed_demo_pilots()
    from app.demo.programme import seed_demo_programme

    seed_demo_programme()
    from app.demo.assessments import seed_demo_assessments

    seed_demo_assessments()
    return DEMO_USERS


def database_is_empty() -> bool:
    """True when no account exists yet (used by `make run` to decide on demo data)."""
    from sqlalchemy import func, select

    from app import create_app
    from app.accounts.models import User

    with create_app().app_context():
        return not db.session.scalar(select(func.count(User.id)))
