"""The judging dashboard's figures are kept between a coordinator's reads: every change to
what they are worked out from shows on the next read, and nothing is kept that could
outlive its data."""

from __future__ import annotations

import logging

import pytest

from app.extensions import db
from app.judging import kept_board
from app.judging.models import AssignmentRun, ConflictDeclaration
from app.public import summaries
from app.public.cache import judging_state
from app.teams.models import TeamMember
from tests.factories_judging import judging_world, make_judge, make_review, sign_in


@pytest.fixture
def w(db):
    """Two ideas wanting two reviews each, three judges; judges 0 and 1 submitted theirs of
    the first idea."""
    world = judging_world(judges=3, ideas=2, reviews_per_idea=2, criteria=2)
    db.session.add(AssignmentRun(hackathon_id=world.hackathon.id, trigger="judging_started"))
    db.session.commit()
    world.first, world.second = world.ideas
    world.review = make_review(world.first, world.judges[0], status="submitted",
                               scores={0: 9, 1: 9})
    make_review(world.first, world.judges[1], status="submitted", scores={0: 3, 1: 3})
    world.url = f"/hackathons/{world.hackathon.slug}/judging"
    return world


def ranking_of(page: str) -> str:
    return page[page.index('id="ranking"'):page.index('id="final-round"')]


def test_each_change_shows_on_the_next_read(client, w):
    sign_in(client, w.coordinator)
    page = client.get(w.url).get_data(as_text=True)
    assert "6.00" in ranking_of(page)  # the first idea's mean of 9 and 3
    assert client.get(w.url).get_data(as_text=True) == page  # answered from the kept board

    # A score (a public table)
    make_review(w.second, w.judges[2], status="submitted", scores={0: 2, 1: 2})
    assert "2.00" in ranking_of(client.get(w.url).get_data(as_text=True))

    # A judge's name (a private table the review links show)
    w.judges[0].name = "Pārdēvēta Vērtētāja"
    db.session.commit()
    page = client.get(w.url).get_data(as_text=True)
    assert "Pārdēvēta Vērtētāja" in ranking_of(page)

    # A declared conflict
    db.session.add(ConflictDeclaration(hackathon_id=w.hackathon.id, idea_id=w.second.id,
                                       judge_id=w.judges[1].id, reason="Mana māsa komandā."))
    db.session.commit()
    assert "Mana māsa komandā." in client.get(w.url).get_data(as_text=True)

    # A judge joins a team after submitting: her review stops counting at once
    w.first.team.members.append(TeamMember(user_id=w.judges[1].id, user=w.judges[1],
                                           is_lead=False))
    db.session.commit()
    page = client.get(w.url).get_data(as_text=True)
    assert "Conflicts of interest after a review was submitted" in page
    assert "9.00" in ranking_of(page)  # only judge 0's review counts now

    # A judge added to the jury
    make_judge(w.hackathon, "Cēsu novads", name="Jaunā Vērtētāja")
    assert "Jaunā Vērtētāja" in client.get(w.url).get_data(as_text=True)


def test_who_is_behind_follows_the_clock_with_nothing_changed(client, w, monkeypatch):
    """Each judge's counts are kept; whether she is behind is worked out on every read."""
    from datetime import timedelta

    from app.core import clock

    make_review(w.second, w.judges[0])  # judge 0 has done one of her two
    sign_in(client, w.coordinator)
    assert "Behind" not in client.get(w.url).get_data(as_text=True)
    later = clock.now_utc() + timedelta(days=13)  # judging closes within two days
    monkeypatch.setattr("app.judging.coordinator_views.now_utc", lambda: later)
    assert "Behind" in client.get(w.url).get_data(as_text=True)


def test_a_change_committed_by_another_process_is_seen_at_once(client, w):
    """Nothing in this process is told: the versions are read afresh on every request."""
    from sqlalchemy import text

    sign_in(client, w.coordinator)
    client.get(w.url)
    with db.engine.begin() as connection:  # behind this process's session
        connection.execute(text("UPDATE user SET name = 'Cits Vārds' WHERE id = :id"
                                if db.engine.dialect.name == "sqlite" else
                                'UPDATE "user" SET name = \'Cits Vārds\' WHERE id = :id'),
                           {"id": w.judges[0].id})
        connection.execute(text("UPDATE public_data_version SET version = version + 1 "
                                "WHERE id = 2"))
    assert "Cits Vārds" in ranking_of(client.get(w.url).get_data(as_text=True))


def test_the_board_reads_no_table_its_state_does_not_watch(app, w, caplog):
    """With ties, declared conflicts and a final round, working the board out reads only
    public tables and the judging inputs: it is kept, and asked again it is not worked
    out again. A table read but not watched would leave it unkept, with a warning."""
    from app.judging import deciding

    w.first.team.members.append(TeamMember(user_id=w.judges[0].id, user=w.judges[0],
                                           is_lead=False))
    db.session.add(ConflictDeclaration(hackathon_id=w.hackathon.id, idea_id=w.second.id,
                                       judge_id=w.judges[1].id, reason="Radinieks."))
    make_review(w.second, w.judges[2], status="submitted", scores={0: 5, 1: 5})
    make_review(w.second, w.judges[1], status="submitted", scores={0: 6, 1: 6})
    deciding.start_final_round(w.hackathon, 1, actor=w.coordinator)
    db.session.commit()
    summaries.forget_summaries()
    worked_out = []
    real = kept_board._work_out

    def counted(hackathon):
        worked_out.append(hackathon.id)
        return real(hackathon)

    with app.test_request_context("/"), caplog.at_level(logging.WARNING):
        kept_board._work_out = counted
        try:
            state = judging_state()
            first = kept_board.board(w.hackathon, state)
            again = kept_board.board(w.hackathon, state)
        finally:
            kept_board._work_out = real
    assert not [r for r in caplog.records if "not kept" in r.getMessage()]
    assert worked_out == [w.hackathon.id] and again is first
    assert first.tied and first.declared and first.final_ranking is not None


def test_a_value_that_read_an_unwatched_table_is_not_kept(app, db, caplog):
    from sqlalchemy import func, select

    from app.core.audit import AuditEntry

    store = summaries.store({"hackathon"})
    calls = []

    def count() -> int:
        calls.append(1)
        return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    with caplog.at_level(logging.WARNING):
        store.answer("state", "count", (), count)
        store.answer("state", "count", (), count)
    assert len(calls) == 2
    assert "audit_entry" in caplog.text


def test_nothing_is_kept_from_a_transaction_with_changes_not_yet_committed(app, w):
    """A request that declares a conflict and then fails: the board it read on the way
    showed the declaration, and the next read must not."""
    summaries.forget_summaries()
    with app.test_request_context("/"):
        state = judging_state()
        db.session.add(ConflictDeclaration(hackathon_id=w.hackathon.id, idea_id=w.second.id,
                                           judge_id=w.judges[1].id, reason="Nesaglabāts."))
        assert [c.reason for c in kept_board.board(w.hackathon, state).declared] \
            == ["Nesaglabāts."]
        db.session.rollback()
        assert kept_board.board(w.hackathon, judging_state()).declared == ()


def test_a_value_asking_for_a_kept_one_answers_for_what_that_one_read(app, db):
    """Kept already, the inner value runs no SQL; the tables it read still count against
    the outer value, whose state does not watch one of them."""
    from sqlalchemy import func, select

    from app.core.audit import AuditEntry

    inner_store = summaries.store({"audit_entry"})
    outer_store = summaries.store({"hackathon"})
    outer_calls = []

    def inner() -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def outer() -> int:
        outer_calls.append(1)
        return inner_store.answer("state", "inner", (), inner) + 1

    inner_store.answer("state", "inner", (), inner)  # kept now
    outer_store.answer("state", "outer", (), outer)
    outer_store.answer("state", "outer", (), outer)
    assert len(outer_calls) == 2


def test_a_manual_run_named_by_its_actor_leaves_the_board_kept(client, w, monkeypatch):
    """The run's actor is named by a column: loading her as a user would read her roles,
    a table the board's state does not watch, and nothing would ever be kept."""
    from tests.factories_judging import make_user_in

    other = make_user_in("Rēzekne", role="coordinator", region="zemgale",
                         name="Otra Koordinatore")
    db.session.add(AssignmentRun(hackathon_id=w.hackathon.id, trigger="manual",
                                 actor_id=other.id))
    db.session.commit()
    worked_out = []
    real = kept_board._work_out
    monkeypatch.setattr(kept_board, "_work_out",
                        lambda hackathon: worked_out.append(1) or real(hackathon))
    sign_in(client, w.coordinator)
    pages = [client.get(w.url).get_data(as_text=True) for _ in range(3)]
    assert "by Otra Koordinatore" in pages[0]
    assert len(worked_out) == 1


def test_signing_in_leaves_the_kept_boards_alone_and_a_new_name_does_not(client, w):
    from sqlalchemy import select

    from app.public.models import PublicDataVersion
    from tests.factories_judging import make_user_in

    def judging_version() -> int:
        db.session.expire_all()
        return db.session.scalar(select(PublicDataVersion.version)
                                 .where(PublicDataVersion.id == 2)) or 0

    resident = make_user_in("Rēzekne")
    before = judging_version()
    sign_in(client, resident)
    assert judging_version() == before
    resident.name = "Cits Vārds"
    db.session.commit()
    assert judging_version() > before


@pytest.mark.parametrize("unseen", ["joined eager load", "text fragment", "bare table"])
def test_the_guard_sees_every_table_a_statement_reads(app, db, unseen):
    """However the statement names a table it reads, a value that read one its state does
    not watch is answered but not kept."""
    from sqlalchemy import column, exists, func, or_, select, table, text

    from app.accounts.models import RoleGrant
    from app.hackathons.models import Hackathon

    statements = {
        # RoleGrant.region is loaded joined: only the compiled statement names "region"
        "joined eager load": lambda: tuple(db.session.scalars(select(RoleGrant))),
        "text fragment": lambda: db.session.scalar(select(func.count(Hackathon.id)).where(
            or_(text("EXISTS (SELECT 1 FROM audit_entry)"), Hackathon.id > 0))),
        "bare table": lambda: db.session.scalar(select(func.count(Hackathon.id)).where(
            exists(select(column("id")).select_from(table("audit_entry", column("id")))))),
    }
    store = summaries.store({"hackathon", "role_grant"})
    calls = []

    def read():
        calls.append(1)
        return statements[unseen]()

    store.answer("state", "read", (), read)
    store.answer("state", "read", (), read)
    assert len(calls) == 2


def test_a_reader_is_never_answered_a_value_of_another_state(app):
    """Requests interleave: one that read an older state can keep what it worked out under
    it between a newer reader's look at the store's state and its look at the value. Each
    value carries its own state, and is answered only to a reader of that state."""
    store = summaries.store({"review"})
    old, new = ("version", 1), ("version", 2)
    assert store.answer(new, "board", (7,), lambda: "new") == "new"
    with store.lock:  # what such an interleaving leaves behind
        store.kept[("board", (7,))] = (old, "worked out from the old data")
    assert store.answer(new, "board", (7,), lambda: "worked out again") == "worked out again"
