"""A value kept under the public state is kept over a change that wrote none of the tables
it read, and worked out again after one that wrote one of them, after one whose tables
cannot be told, and on a new day."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.public import summaries
from app.public.cache import bump_public_version, current_state, forget_recent_state
from tests.factories_pilots import make_pilot


@pytest.fixture
def counted(db):
    """A kept count of ideas, and how many times it was worked out."""
    worked_out: list[int] = []

    @summaries.summary
    def ideas() -> int:
        count = db.session.scalar(select(func.count(Idea.id)))
        worked_out.append(count)
        return count

    def read() -> tuple[int, int]:
        forget_recent_state()
        return ideas(), len(worked_out)

    make_pilot()
    summaries.forget_summaries()
    yield read
    summaries.forget_summaries()


def test_kept_over_a_change_of_tables_it_did_not_read(counted):
    ideas, times = counted()
    hackathon = db.session.scalar(select(Hackathon))
    hackathon.title = "Cits nosaukums"
    db.session.commit()
    assert counted() == (ideas, times)


def test_worked_out_again_after_a_change_of_a_table_it_read(counted):
    ideas, times = counted()
    idea = db.session.scalar(select(Idea))
    db.session.add(Idea(hackathon_id=idea.hackathon_id, team_id=idea.team_id,
                        title="Vēl viena ideja", summary="Īsi.", status=idea.status))
    db.session.commit()
    assert counted() == (ideas + 1, times + 1)


def test_worked_out_again_after_a_change_that_cannot_be_told(counted):
    _ideas, times = counted()
    bump_public_version()  # as code that writes with raw SQL does
    db.session.commit()
    assert counted()[1] == times + 1


def test_worked_out_again_on_another_day(counted, monkeypatch):
    _ideas, times = counted()
    today = current_state()
    tomorrow = replace(today, today="2099-01-01")
    monkeypatch.setattr(summaries, "current_state", lambda: tomorrow)
    assert counted()[1] == times + 1


def test_a_pilot_edit_keeps_the_hackathons_cards_and_a_renamed_hackathon_is_on_them(counted):
    from app.hackathons.queries import public_cards
    from app.pilots.models import Pilot

    hackathon = db.session.scalar(select(Hackathon))
    forget_recent_state()
    first = public_cards()
    db.session.scalar(select(Pilot)).title = "Pārdēvēts pilotprojekts"
    db.session.commit()
    forget_recent_state()
    assert public_cards() is first  # kept over a change of a pilot
    hackathon.title = "Pārdēvēts hakatons"
    db.session.commit()
    forget_recent_state()
    assert [c.title for c in public_cards() if c.id == hackathon.id] == ["Pārdēvēts hakatons"]


def test_a_link_table_written_through_a_relationship_is_a_change_of_it(db):
    """A hackathon's eligible regions are rows of a link table, written by the flush for the
    hackathon: its kept terms follow them."""
    from app.hackathons.queries import page_terms
    from app.places.models import Region
    from tests.factories_hackathons import make_hackathon

    hackathon = make_hackathon(region="zemgale")
    hackathon.eligible_regions = [db.session.get(Region, "zemgale")]
    db.session.commit()
    summaries.forget_summaries()
    forget_recent_state()
    assert [r.code for r in page_terms(hackathon.id).eligible_regions] == ["zemgale"]
    hackathon.eligible_regions = [db.session.get(Region, "kurzeme")]
    db.session.commit()
    forget_recent_state()
    assert [r.code for r in page_terms(hackathon.id).eligible_regions] == ["kurzeme"]


def test_rows_the_database_deletes_with_their_parent_are_a_change_of_their_table(db):
    """A pilot's milestones go with it (ON DELETE CASCADE): a value that read only them
    follows."""
    from app.pilots.models import Pilot
    from app.pilots.models_plan import Milestone
    from app.public.cache import _cascaded
    from tests.factories_pilots import add_milestone

    assert {"milestone", "expense", "pilot_partner", "measurement"} <= _cascaded("pilot")
    pilot = make_pilot()
    add_milestone(pilot)

    @summaries.summary
    def milestones() -> int:
        return db.session.scalar(select(func.count(Milestone.id)))

    summaries.forget_summaries()
    forget_recent_state()
    assert milestones() == 1
    # Deleted by its statement, as the database deletes dependent rows: no object of them.
    db.session.execute(Pilot.__table__.delete().where(Pilot.id == pilot.id))
    db.session.commit()
    forget_recent_state()
    assert milestones() == 0


def test_a_version_counted_again_from_the_start_meets_no_old_record(counted):
    """Its table emptied while the changes' records are kept (a partial restore): public
    changes are still saved, and kept values are worked out again."""
    from app.public.models import PublicDataVersion

    ideas, times = counted()
    db.session.execute(PublicDataVersion.__table__.delete())
    db.session.commit()
    idea = db.session.scalar(select(Idea))
    idea.title = "Pēc atjaunošanas"
    db.session.commit()
    assert counted() == (ideas, times + 1)


def test_a_regions_pilot_counts_follow_a_milestone_and_its_idea_counts_stay_kept(db):
    from datetime import timedelta

    from app.core.clock import today_riga
    from app.public.queries import places
    from tests.factories_pilots import add_milestone

    pilot = make_pilot(region="zemgale", municipality="Dobeles novads")
    dobele = pilot.lead_municipality_id
    summaries.forget_summaries()
    forget_recent_state()
    today = today_riga()
    ideas = places._idea_counts("zemgale")
    before = places.region_counts("zemgale", today)[dobele]
    add_milestone(pilot, due=today - timedelta(days=1), status="done",
                  completed_on=today - timedelta(days=2))
    forget_recent_state()
    after = places.region_counts("zemgale", today)[dobele]
    assert after[:5] == before[:5]  # ideas, as a partner, wins, pilots, as a partner
    assert (after[5], after[6]) == (before[5] + 1, before[6] + 1)  # met on time, due
    assert places._idea_counts("zemgale") is ideas  # kept over a change of milestones


def test_the_home_pages_figures_follow_a_pilot_and_keep_the_ideas_count(db):
    from decimal import Decimal

    from app.public.queries import home
    from tests.factories_pilots import add_expense

    pilot = make_pilot()
    summaries.forget_summaries()
    forget_recent_state()
    ideas = home._idea_figures()
    before = home.headline_figures()
    add_expense(pilot, "12.34")
    forget_recent_state()
    after = home.headline_figures()
    assert after.spent == before.spent + Decimal("12.34")
    assert (after.ideas, after.municipalities) == (before.ideas, before.municipalities)
    assert home._idea_figures() is ideas  # kept over a change of a pilot's money


def test_the_winners_follow_their_pilots_status_and_keep_their_other_columns(db):
    """A pilot's edit puts the winners' rows together again from their kept columns; an
    idea's new title is read again."""
    from app.pilots.states import PilotStatus
    from app.public.queries import winners

    pilot = make_pilot(status="active")
    summaries.forget_summaries()
    forget_recent_state()
    columns = winners._every_winners_columns()
    row = winners._every_winner().by_id[pilot.idea_id]
    assert (row.pilot_id, row.pilot_status) == (pilot.id, PilotStatus.ACTIVE)
    pilot.status = PilotStatus.ON_HOLD
    db.session.commit()
    forget_recent_state()
    row = winners._every_winner().by_id[pilot.idea_id]
    assert (row.pilot_id, row.pilot_status) == (pilot.id, PilotStatus.ON_HOLD)
    assert winners._every_winners_columns() is columns  # kept over a pilot's edit
    db.session.get(Idea, pilot.idea_id).title = "Jauns idejas nosaukums"
    db.session.commit()
    forget_recent_state()
    assert winners._every_winner().by_id[pilot.idea_id].title == "Jauns idejas nosaukums"
    assert winners._every_winners_columns() is not columns
