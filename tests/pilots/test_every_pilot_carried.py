"""Every pilot's table rows are worked out again, after a change, only where it changed: the
rows of the pilots a change named, or every row where a change wrote a table the rows read
without naming its pilots. Whatever the changes, the rows are the same as read afresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, true

from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.pilots import plain
from app.pilots.models import Pilot
from app.pilots.states import MilestoneStatus, PilotStatus
from app.places.models import Municipality
from app.public.cache import (
    KEPT_CHANGES,
    bump_public_version,
    current_state,
    forget_recent_state,
    pilots_changed,
)
from app.public.models import PublicChange
from app.public.summaries import forget_summaries, public_store
from tests.factories_pilots import add_expense, add_milestone, add_report, make_pilot


@pytest.fixture
def pilots(db):
    made = [make_pilot(title=f"Pilotprojekts {n}", start=today_riga() - timedelta(days=n))
            for n in range(1, 4)]
    forget_summaries()
    return made


@pytest.fixture
def read_again(monkeypatch):
    """The ids of the pilots whose rows each read worked out again, one list per read."""
    reads: list[list[int]] = []
    load = plain.load_plain

    def counted(condition, today):
        rows = load(condition, today)
        reads[-1].extend(row.pilot.id for row in rows)
        return rows

    monkeypatch.setattr(plain, "load_plain", counted)

    def read() -> list[int]:
        reads.append([])
        forget_recent_state()
        plain.every_pilot(today_riga())
        return sorted(reads[-1])

    return read


def _lead_renamed(pilot, name: str) -> str:
    """The name of `pilot`'s lead municipality in its row, once renamed to `name`."""
    db.session.get(Municipality, pilot.lead_municipality_id).name = name
    db.session.commit()
    forget_recent_state()
    return plain.every_pilot(today_riga()).by_id[pilot.id].pilot.lead_municipality.name


def _same_as_afresh() -> None:
    today = today_riga()
    forget_recent_state()
    assert plain.every_pilot(today).newest_first == tuple(plain.load_plain(true(), today))


def test_an_edit_of_a_pilot_reads_again_that_pilots_row_only(pilots, read_again):
    assert len(read_again()) == 3  # nothing carried yet: every row
    pilots[1].title = "Jauns nosaukums"
    db.session.commit()
    assert read_again() == [pilots[1].id]
    assert plain.every_pilot(today_riga()).by_id[pilots[1].id].pilot.title == "Jauns nosaukums"
    _same_as_afresh()


def test_a_pilots_milestones_money_and_reports_change_its_row_only(pilots, read_again):
    read_again()
    add_milestone(pilots[0], due=today_riga() - timedelta(days=20))  # overdue: red
    assert read_again() == [pilots[0].id]
    add_expense(pilots[2], "1234.56")
    add_report(pilots[2], public=True)
    assert read_again() == [pilots[2].id]
    row = plain.every_pilot(today_riga()).by_id[pilots[2].id]
    assert row.spent == Decimal("1234.56") and row.last_report_on == today_riga()
    assert plain.every_pilot(today_riga()).by_id[pilots[0].id].level == "red"
    _same_as_afresh()


def test_a_moved_or_deleted_milestone_changes_both_pilots_or_its_own(pilots, read_again):
    milestone = add_milestone(pilots[0])
    read_again()
    milestone.pilot_id = pilots[1].id  # from a pilot not loaded: which one is not told
    db.session.commit()
    assert len(read_again()) == 3
    db.session.refresh(milestone)
    milestone.pilot_id = pilots[0].id  # from a pilot known
    db.session.commit()
    assert read_again() == sorted([pilots[0].id, pilots[1].id])
    db.session.delete(milestone)
    db.session.commit()
    assert read_again() == [pilots[0].id]
    _same_as_afresh()


def test_a_new_pilot_takes_its_place_and_a_deleted_one_is_gone(pilots, read_again):
    read_again()
    newest = make_pilot(title="Jaunākais", start=today_riga())
    assert newest.id in read_again()
    every = plain.every_pilot(today_riga())
    assert every.newest_first[0].pilot.id == newest.id
    db.session.delete(db.session.get(Pilot, pilots[0].id))
    db.session.commit()
    assert read_again() == []  # asked for again, and no longer found
    assert len(plain.every_pilot(today_riga()).newest_first) == 3
    assert pilots[0].id not in plain.every_pilot(today_riga()).by_id
    _same_as_afresh()


def test_a_partner_added_to_a_pilot_lists_it_under_that_municipality(pilots, read_again):
    read_again()
    partner = db.session.scalar(select(Municipality).where(Municipality.name == "Cēsu novads"))
    pilots[2].partner_municipalities.append(partner)
    db.session.commit()
    assert read_again() == [pilots[2].id]
    assert [row.pilot.id for row in plain.every_pilot(today_riga())
            .by_municipality[partner.id]] == [pilots[2].id]
    _same_as_afresh()


def test_a_renamed_municipality_reads_every_row_again(pilots, read_again):
    """A municipality's name is in every row that names it, and no one pilot keys it."""
    read_again()
    lead = db.session.get(Municipality, pilots[0].lead_municipality_id)
    lead.name = "Dobeles novads (jaunais)"
    db.session.commit()
    assert len(read_again()) == 3
    assert plain.every_pilot(today_riga()).by_id[pilots[0].id] \
        .pilot.lead_municipality.name == "Dobeles novads (jaunais)"
    _same_as_afresh()


def test_a_change_no_row_reads_reads_nothing_again(pilots, read_again):
    read_again()
    pilots[0].idea.summary = "Cits kopsavilkums."  # an idea's text: public, not in a row
    db.session.commit()
    assert read_again() == []
    _same_as_afresh()


def test_a_change_that_cannot_be_told_reads_every_row_again(pilots, read_again):
    read_again()
    db.session.execute(Pilot.__table__.update().where(Pilot.id == pilots[0].id)
                       .values(title="Mainīts ar SQL"))
    db.session.commit()  # a statement, not an object: which pilots it wrote is not told
    assert len(read_again()) == 3
    bump_public_version()  # as code writing with raw SQL does
    db.session.commit()
    assert len(read_again()) == 3
    _same_as_afresh()


def test_a_rolled_back_change_is_not_recorded_nor_its_rows_carried(pilots, read_again):
    read_again()
    before = db.session.scalar(select(PublicChange.version).order_by(
        PublicChange.version.desc()).limit(1))
    pilots[0].title = "Atsaukts"
    db.session.flush()
    # Worked out in the transaction (nothing kept, as after a deadline), which sees its own
    # change ...
    public_store().forget(current_state())
    assert plain.every_pilot(today_riga()).by_id[pilots[0].id].pilot.title == "Atsaukts"
    db.session.rollback()
    # ... and no one else does, once it is rolled back.
    assert plain.every_pilot(today_riga()).by_id[pilots[0].id].pilot.title != "Atsaukts"
    assert db.session.scalar(select(PublicChange.version).order_by(
        PublicChange.version.desc()).limit(1)) == before
    assert read_again() == []
    _same_as_afresh()


def test_another_day_reads_every_row_again(pilots, read_again):
    """Health is of a day: tomorrow's rows are not today's with a few read again."""
    read_again()
    milestone = add_milestone(pilots[0], due=today_riga())  # due today: overdue tomorrow
    read_again()
    tomorrow = today_riga() + timedelta(days=1)
    forget_recent_state()
    assert plain.every_pilot(tomorrow).by_id[pilots[0].id].next_milestone.id == milestone.id
    assert plain.every_pilot(tomorrow).newest_first == tuple(plain.load_plain(true(), tomorrow))


def test_a_series_of_changes_leaves_the_rows_as_read_afresh(pilots, read_again):
    """Changes of every kind, each followed by a reader, and a few between two readers."""
    today = today_riga()
    read_again()
    milestone = add_milestone(pilots[0], due=today + timedelta(days=3))
    _same_as_afresh()
    milestone.status = MilestoneStatus.DONE
    milestone.completed_on = today
    add_expense(pilots[1], "50.00")
    pilots[2].status = PilotStatus.ON_HOLD
    db.session.commit()
    _same_as_afresh()
    pilots[1].approved_budget_eur = Decimal("40.00")  # overspent now
    db.session.commit()
    pilots[0].hackathon.title = "Pārdēvēts hakatons"
    db.session.commit()
    make_pilot(title="Vēl viens", start=today - timedelta(days=2))
    _same_as_afresh()


def test_changes_no_longer_kept_or_of_another_database_read_every_row_again(pilots):
    state = current_state()
    assert pilots_changed(state, state.version, ()) == frozenset()
    # The same version of another database (or another history of this one).
    stranger = replace(state, changed_at=now_utc() + timedelta(seconds=1))
    assert pilots_changed(stranger, state.version, ()) is None
    db.session.execute(PublicChange.__table__.delete().where(
        PublicChange.version == state.version))
    db.session.commit()
    assert pilots_changed(state, state.version, ()) is None  # its own change is gone


def test_only_the_latest_changes_are_kept(db):
    for _ in range(KEPT_CHANGES + 120):
        bump_public_version()
    db.session.commit()
    versions = db.session.scalars(select(PublicChange.version)).all()
    assert KEPT_CHANGES <= len(versions) < KEPT_CHANGES + 100
    assert max(versions) == current_state().version


def test_rows_read_again_for_one_pilot_still_follow_a_renamed_municipality(pilots, read_again):
    """Rows worked out again for one pilot read what the carried rows read: a later change
    of a table only the carried rows read still reaches them."""
    read_again()
    pilots[0].idea.summary = "Cits kopsavilkums."
    db.session.commit()
    pilots[1].title = "Jauns nosaukums"
    db.session.commit()
    assert read_again() == [pilots[1].id]
    assert _lead_renamed(pilots[2], "Pārdēvēts novads") == "Pārdēvēts novads"
    _same_as_afresh()


def test_rows_carried_over_a_reset_of_the_store_still_follow_what_they_read(pilots,
                                                                          read_again):
    """A new day or a deadline passed forgets every kept value, but not the rows carried:
    the value worked out from them read what they read."""
    read_again()
    public_store().forget(current_state())  # as a deadline passing does
    assert read_again() == []  # the rows carried, nothing changed since
    assert _lead_renamed(pilots[0], "Pārdēvēts pēc termiņa") == "Pārdēvēts pēc termiņa"
