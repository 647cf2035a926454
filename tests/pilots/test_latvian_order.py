"""The municipalities a pilot or a team works with are listed in Latvian alphabetical order
wherever the database orders them: Ā with A, Ķ after K (ICU's Latvian collation, on SQLite
and PostgreSQL alike)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.clock import today_riga
from app.core.collation import collated
from app.extensions import db
from app.pilots import plain
from app.pilots.models import Pilot
from app.places.models import Municipality, Region
from app.public.cache import forget_recent_state
from app.public.summaries import forget_summaries
from app.teams.models import Team
from tests.conftest import municipality
from tests.factories_pilots import make_pilot

IN_ORDER = ["Ādažu novads", "Kuldīgas novads", "Ķekavas novads"]


def _partnered(pilot: Pilot) -> None:
    pilot.partner_municipalities = [municipality(n) for n in reversed(IN_ORDER)]
    pilot.team.partner_municipalities = [municipality(n) for n in reversed(IN_ORDER)]
    db.session.commit()
    db.session.expire_all()


def test_a_pilots_and_its_teams_partners_are_in_latvian_order(db):
    pilot = make_pilot()
    _partnered(pilot)
    pilot = db.session.get(Pilot, pilot.id)
    assert [m.name for m in pilot.partner_municipalities] == IN_ORDER
    assert [m.name for m in db.session.get(Team, pilot.team.id).partner_municipalities] \
        == IN_ORDER


def test_every_pilots_row_lists_its_partners_in_latvian_order(db):
    pilot = make_pilot()
    _partnered(pilot)
    forget_summaries()
    forget_recent_state()
    row = plain.every_pilot(today_riga()).by_id[pilot.id]
    assert [m.name for m in row.pilot.partner_municipalities] == IN_ORDER


def test_a_regions_municipalities_are_in_the_order_python_sorts_them(db):
    for region in db.session.scalars(select(Region)):
        names = [m.name for m in region.municipalities]
        assert names == collated(names), region.code
    assert len(db.session.scalars(select(Municipality)).all()) == 43


def test_the_names_kept_for_sorting_go_with_the_request(app):
    """SQLite's collation keeps the names it compared, people's among them, for one request
    or job only."""
    from app.core.collation import _compared_key, compare

    with app.app_context():
        assert compare("Ķekavas novads", "Kuldīgas novads") > 0
        assert _compared_key.cache_info().currsize == 2
    assert _compared_key.cache_info().currsize == 0
