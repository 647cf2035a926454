"""Every table is marked public or private, every cache is named, and a change to any public
table (or a public instant passing) makes every cached public page stale."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import false, select, update

from app.core import datamap
from app.core.clock import now_utc
from app.extensions import db
from app.public.cache import public_state
from app.public.models import PublicDataVersion

APP = Path(__file__).resolve().parent.parent / "app"


def _version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(PublicDataVersion.version).where(
        PublicDataVersion.id == 1)) or 0


def test_every_table_is_marked_public_or_private_and_no_mark_is_stale():
    tables = set(db.metadata.tables)
    unmarked = tables - set(datamap.TABLES)
    assert not unmarked, f"mark these tables in app/core/datamap.py: {sorted(unmarked)}"
    assert set(datamap.TABLES) <= tables, "datamap names a table that no longer exists"
    assert set(datamap.TABLES.values()) == {datamap.PUBLIC, datamap.PRIVATE}


def test_every_listed_cache_exists():
    for dotted in (*datamap.CACHES, *datamap.PURE_MEMOS):
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), dotted


MEMO = re.compile(r"^@(?:functools\.)?(?:lru_)?cache\b.*\n(?:@.*\n)*def (\w+)", re.M)
STORE = re.compile(r"^(\w+)\s*=\s*PageCache\(", re.M)


def test_every_cache_in_the_code_is_listed():
    """A new memo or page store is a decision: listed as a cache (with what empties it) or
    as a pure memo in app/core/datamap.py."""
    found = set()
    for path in APP.rglob("*.py"):
        module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        source = path.read_text(encoding="utf-8")
        found |= {f"{module}.{name}" for name in MEMO.findall(source)}
        found |= {f"{module}.{name}" for name in STORE.findall(source)}
    assert found, "the scan finds nothing: is the pattern still right?"
    unlisted = found - set(datamap.CACHES) - datamap.PURE_MEMOS
    assert not unlisted, f"list these in app/core/datamap.py: {sorted(unlisted)}"


def test_every_clock_column_exists():
    for table, column in datamap.CLOCK_COLUMNS:
        assert column in db.metadata.tables[table].c


@pytest.mark.parametrize("table", sorted(datamap.TABLES))
def test_a_write_to_a_public_table_invalidates_public_pages_and_a_private_one_does_not(table):
    before = _version()
    column = next(iter(db.metadata.tables[table].primary_key.columns))
    db.session.execute(update(db.metadata.tables[table]).where(false())
                       .values({column.name: column}))
    db.session.commit()
    raised = _version() > before
    assert raised is (datamap.TABLES[table] == datamap.PUBLIC)


def _judging_version() -> int:
    return db.session.scalar(select(PublicDataVersion.version).where(
        PublicDataVersion.id == 2)) or 0


@pytest.mark.parametrize("table", sorted(datamap.TABLES))
def test_a_write_to_a_judging_input_raises_the_judging_version_and_no_other_does(table):
    before = _judging_version()
    column = next(iter(db.metadata.tables[table].primary_key.columns))
    db.session.execute(update(db.metadata.tables[table]).where(false())
                       .values({column.name: column}))
    db.session.commit()
    assert (_judging_version() > before) is (table in datamap.JUDGING_INPUTS)


def test_the_judging_inputs_are_private_tables():
    """A public table raises the public version, which the kept judging figures read too."""
    assert {t for t, mark in datamap.TABLES.items()
                                      if mark == datamap.PRIVATE} >= datamap.JUDGING_INPUTS


def test_a_public_vote_invalidates_public_pages():
    from app.judging.voting import cast_vote
    from tests.factories_judging import judging_world, make_user_in

    w = judging_world(judges=0, ideas=2, public_voting=True)
    voter = make_user_in("Rēzekne")
    db.session.commit()
    before = _version()
    cast_vote(w.hackathon, w.ideas[0].id, actor=voter)
    db.session.commit()
    assert _version() > before


def test_judging_closing_changes_the_public_state_without_any_write():
    """The vote on the hackathon page closes when judging closes: the key must change then."""
    from tests.factories_judging import judging_world

    closes = now_utc() + timedelta(hours=2)
    judging_world(judges=0, ideas=1, public_voting=True, judging_closes_at=closes)
    db.session.commit()
    assert (public_state(closes - timedelta(minutes=1)).key
            != public_state(closes + timedelta(minutes=1)).key)
