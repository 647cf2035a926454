"""The rules of hackathons and criteria, at the service layer."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.core import web
from app.core.audit import AuditEntry
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.extensions import db as _db
from app.hackathons import operations as ops
from app.hackathons.models import Criterion, Hackathon, Phase
from app.places.models import Municipality
from tests.factories_hackathons import make_coordinator, make_criterion, make_hackathon

from .conftest import BEFORE, DEADLINE, JUDGING_ENDS, OPENS

pytestmark = pytest.mark.usefixtures("request_context")


def _valid(**changes) -> dict:
    data = {
        "title": "Drošas apkaimes Zemgalē",
        "description": "Idejas **drošākām** ielām.",
        "region": "zemgale",
        "theme": "Komunālie un sabiedriskās drošības pakalpojumi",
        "submission_opens_at": "2026-03-01T09:00",
        "submission_closes_at": "2026-03-31T23:59",
        "judging_closes_at": "2026-04-30T17:00+03:00",
        "reviews_per_idea": 3,
    }
    data.update(changes)
    return data


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


# --- creating ------------------------------------------------------------

def test_a_regional_coordinator_creates_a_draft_in_their_region(db):
    coordinator = make_coordinator("zemgale")
    h = ops.create_hackathon(_valid(eligible_regions=["zemgale", "latgale"]), actor=coordinator)
    db.session.commit()
    assert (h.phase, h.version, h.region_code, h.created_by_id) == (
        Phase.DRAFT, 1, "zemgale", coordinator.id)
    assert h.slug == "drosas-apkaimes-zemgale"
    assert h.eligible_region_codes == ["latgale", "zemgale"]
    # A time without an offset is Latvian time (UTC+2 in March before the clock change).
    assert h.submission_opens_at.isoformat() == "2026-03-01T07:00:00+00:00"
    assert h.judging_closes_at.isoformat() == "2026-04-30T14:00:00+00:00"
    assert h.reviews_per_idea == 3 and h.blind_review is False
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "hackathon"))
    assert (entry.action, entry.actor_id, entry.after["title"]) == (
        "hackathon.create", coordinator.id, "Drošas apkaimes Zemgalē")


def test_defaults_when_optional_fields_are_left_out(db):
    h = ops.create_hackathon({"title": "Tikai nosaukums", "region": "zemgale"},
                             actor=make_coordinator("zemgale"))
    assert (h.reviews_per_idea, h.ranking_order, h.submission_opens_at) == (3, "score", None)


@pytest.mark.parametrize(("region", "creator_region", "allowed"), [
    ("zemgale", "zemgale", True),
    ("kurzeme", "zemgale", False),
    (None, "zemgale", False),     # national: not for a regional coordinator
    ("kurzeme", None, True),      # a national coordinator: any region
    (None, None, True),           # ... or national
])
def test_who_may_create_for_which_region(db, region, creator_region, allowed):
    coordinator = make_coordinator(creator_region)
    if allowed:
        assert ops.create_hackathon(_valid(region=region), actor=coordinator).region_code == region
    else:
        with pytest.raises(NotAllowed):
            ops.create_hackathon(_valid(region=region), actor=coordinator)
        assert _count(Hackathon) == 0


def test_a_user_without_a_coordinator_role_may_not_create(db, make_user):
    with pytest.raises(NotAllowed):
        ops.create_hackathon(_valid(), actor=make_user())
    with pytest.raises(NotAllowed):
        ops.create_hackathon(_valid(), actor=None)


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"theme": "x" * 201}, "theme"),
    ({"region": "atlantida"}, "region"),
    ({"eligible_regions": ["zemgale", "marss"]}, "eligible_regions"),
    ({"reviews_per_idea": 0}, "reviews_per_idea"),
    ({"reviews_per_idea": 11}, "reviews_per_idea"),
    ({"reviews_per_idea": "trīs"}, "reviews_per_idea"),
    ({"reviews_per_idea": 2.5}, "reviews_per_idea"),
    ({"submission_closes_at": "2026-02-01T10:00"}, "submission_closes_at"),   # before opening
    ({"submission_closes_at": "2026-03-01T09:00"}, "submission_closes_at"),   # at opening
    ({"judging_closes_at": "2026-03-15T10:00"}, "judging_closes_at"),          # before deadline
    ({"submission_opens_at": "rīt no rīta"}, "submission_opens_at"),
    ({"ranking_order": "alphabet"}, "ranking_order"),
    ({"prize_text": "x" * 501}, "prize_text"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_created(db, changes, field):
    with pytest.raises(Invalid) as caught:
        ops.create_hackathon(_valid(**changes), actor=make_coordinator("zemgale"))
    assert field in caught.value.errors and all(str(m) for m in caught.value.errors[field])
    assert _count(Hackathon) == 0


def test_every_problem_is_reported_at_once(db):
    with pytest.raises(Invalid) as caught:
        ops.create_hackathon(_valid(title="", theme="t" * 201, region="nekur",
                                    reviews_per_idea=11,
                                    submission_opens_at="2026-03-10T10:00",
                                    submission_closes_at="2026-03-05T10:00",
                                    judging_closes_at="2026-03-01T10:00"),
                             actor=make_coordinator(None))
    assert set(caught.value.errors) == {"title", "theme", "region", "reviews_per_idea",
                                        "submission_closes_at", "judging_closes_at"}


# --- slugs ------------------------------------------------------------

@pytest.mark.parametrize(("title", "slug"), [
    ("Ķekavas ūdens — drošība!", "kekavas-udens-drosiba"),
    ("ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž", "acegiklnsuz-acegiklnsuz"),
    ("  Jaunatnes darbs 2026  ", "jaunatnes-darbs-2026"),
    ("!!!", "hakatons"),
    ("Ļoti " * 40, ("loti-" * 16).rstrip("-")),
])
def test_slugify_transliterates_latvian_letters(title, slug):
    assert ops.slugify(title) == slug


def test_slugs_are_unique_and_new_is_reserved(db):
    coordinator = make_coordinator("zemgale")
    first = ops.create_hackathon(_valid(title="Drošība"), actor=coordinator)
    second = ops.create_hackathon(_valid(title="DROŠĪBA"), actor=coordinator)
    third = ops.create_hackathon(_valid(title="New"), actor=coordinator)
    assert (first.slug, second.slug, third.slug) == ("drosiba", "drosiba-2", "new-2")


# --- editing ------------------------------------------------------------

def test_a_partial_update_changes_only_what_is_sent_and_raises_the_version(db):
    h = make_hackathon(phase="draft", theme="Vecā tēma")
    ops.update_hackathon(h, {"title": "Jauns nosaukums", "version": 1},
                         actor=make_coordinator("zemgale"))
    db.session.commit()
    assert (h.title, h.theme, h.version) == ("Jauns nosaukums", "Vecā tēma", 2)
    assert h.slug.startswith("hakatons-")  # the address stays when the title changes


def test_a_stale_version_is_refused_with_the_current_object(db):
    h = make_hackathon(phase="open")
    coordinator = make_coordinator("zemgale")
    ops.update_hackathon(h, {"title": "Pirmais labojums", "version": 1}, actor=coordinator)
    db.session.commit()
    with pytest.raises(StaleVersion) as caught:
        ops.update_hackathon(h, {"title": "Otrais labojums", "version": 1}, actor=coordinator)
    assert caught.value.current is h and caught.value.status == 409
    db.session.rollback()
    assert (h.title, h.version) == ("Pirmais labojums", 2)


def test_the_date_order_is_checked_against_the_stored_dates(db):
    h = make_hackathon(phase="draft", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    with pytest.raises(Invalid) as caught:
        ops.update_hackathon(h, {"judging_closes_at": DEADLINE - timedelta(hours=1)},
                             actor=make_coordinator("zemgale"), now=OPENS - timedelta(days=5))
    assert list(caught.value.errors) == ["judging_closes_at"]


def test_once_open_region_and_eligibility_are_frozen_but_texts_are_not(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator(None)
    with pytest.raises(WrongState) as caught:
        ops.update_hackathon(h, {"region": "kurzeme", "eligible_regions": ["zemgale"]},
                             actor=coordinator, now=BEFORE)
    assert set(caught.value.errors) == {"region", "eligible_regions"}
    db.session.rollback()
    ops.update_hackathon(h, {"region": "zemgale", "prize_text": "Līdz 30 000 EUR"},
                         actor=coordinator, now=BEFORE)
    assert h.prize_text == "Līdz 30 000 EUR"


def test_an_open_deadline_may_be_extended_but_not_moved_into_the_past(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    with pytest.raises(Invalid) as caught:
        ops.update_hackathon(h, {"submission_closes_at": BEFORE - timedelta(hours=1)},
                             actor=coordinator, now=BEFORE)
    assert "submission_closes_at" in caught.value.errors
    db.session.rollback()
    ops.update_hackathon(h, {"submission_closes_at": DEADLINE + timedelta(days=2)},
                         actor=coordinator, now=BEFORE)
    assert h.accepts_submissions(DEADLINE + timedelta(days=1))


def test_after_the_deadline_the_submission_window_is_frozen(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    with pytest.raises(WrongState) as caught:
        ops.update_hackathon(h, {"submission_closes_at": DEADLINE + timedelta(days=3)},
                             actor=make_coordinator("zemgale"), now=DEADLINE)
    assert "submission_closes_at" in caught.value.errors
    db.session.rollback()
    assert h.submission_closes_at == DEADLINE


def test_a_closed_hackathon_cannot_be_changed(db):
    h = make_hackathon(phase="closed")
    with pytest.raises(WrongState):
        ops.update_hackathon(h, {"title": "Vēlāk"}, actor=make_coordinator("zemgale"))


def test_another_regions_coordinator_may_not_edit(db):
    h = make_hackathon(phase="open")
    with pytest.raises(NotAllowed):
        ops.update_hackathon(h, {"title": "Svešs"}, actor=make_coordinator("kurzeme"))


# --- eligibility ------------------------------------------------------------

def test_eligibility_all_municipalities_or_those_of_chosen_regions(db):
    dobele = db.session.scalar(select(Municipality).where(Municipality.name == "Dobeles novads"))
    kuldiga = db.session.scalar(select(Municipality).where(
        Municipality.name == "Kuldīgas novads"))
    everyone = make_hackathon()
    zemgale_only = make_hackathon(eligible_regions=["zemgale"])
    assert everyone.municipality_may_take_part(dobele)
    assert everyone.municipality_may_take_part(kuldiga)
    assert zemgale_only.municipality_may_take_part(dobele)
    assert not zemgale_only.municipality_may_take_part(kuldiga)
    assert not everyone.municipality_may_take_part(None)


# --- criteria ------------------------------------------------------------

def test_criteria_are_added_in_order_and_edited_while_open(db):
    h = make_hackathon(phase="open", criteria=0, opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    first = ops.add_criterion(h, {"name": "Ietekme", "weight": "2,5", "max_score": "10",
                                  "high_description": "Liels ieguvums."},
                              actor=coordinator, now=BEFORE)
    second = ops.add_criterion(h, {"name": "Izmaksas", "weight": 1, "max_score": 5},
                               actor=coordinator, now=BEFORE)
    db.session.commit()
    assert [(c.name, c.weight, c.max_score, c.position) for c in h.criteria] == [
        ("Ietekme", Decimal("2.50"), 10, 1), ("Izmaksas", Decimal("1.00"), 5, 2)]
    ops.update_criterion(second, {"position": 0}, actor=coordinator, now=BEFORE)
    db.session.commit()
    db.session.expire(h, ["criteria"])
    assert [c.name for c in h.criteria] == ["Izmaksas", "Ietekme"]
    ops.delete_criterion(first, actor=coordinator, now=BEFORE)
    db.session.commit()
    assert _count(Criterion) == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"weight": 0}, "weight"),
    ({"weight": "-1"}, "weight"),
    ({"weight": "0.001"}, "weight"),     # rounds to 0.00
    ({"weight": "daudz"}, "weight"),
    ({"weight": 10000}, "weight"),
    ({"weight": True}, "weight"),
    ({"max_score": 0}, "max_score"),
    ({"max_score": "1.5"}, "max_score"),
    ({"max_score": -3}, "max_score"),
    ({"max_score": None}, "max_score"),
    ({"low_description": "x" * 2001}, "low_description"),
    ({"position": "pirmais"}, "position"),
])
def test_bad_criterion_input_is_refused(db, changes, field):
    h = make_hackathon(phase="draft", criteria=0)
    data = {"name": "Ietekme", "weight": 1, "max_score": 10, **changes}
    with pytest.raises(Invalid) as caught:
        ops.add_criterion(h, data, actor=make_coordinator("zemgale"))
    assert field in caught.value.errors
    db.session.rollback()
    assert _count(Criterion) == 0


@pytest.mark.parametrize(("stored", "now"), [
    ("open", DEADLINE),                        # the deadline passed: effectively judging
    ("open", DEADLINE + timedelta(days=1)),
    ("judging", BEFORE),
    ("results", BEFORE),
    ("closed", BEFORE),
])
def test_criteria_are_frozen_once_judging_starts(db, stored, now):
    h = make_hackathon(phase=stored, criteria=1, opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    criterion = h.criteria[0]
    with force_locale("lv"):  # the request's language
        frozen = gettext("The criteria are frozen: judging has started, and every idea must "
                         "be judged against the same criteria.")
    with pytest.raises(WrongState, match=f"^{re.escape(frozen)}$"):
        ops.add_criterion(h, {"name": "Vēlāk", "weight": 1, "max_score": 5},
                          actor=coordinator, now=now)
    with pytest.raises(WrongState):
        ops.update_criterion(criterion, {"weight": 5}, actor=coordinator, now=now)
    with pytest.raises(WrongState):
        ops.delete_criterion(criterion, actor=coordinator, now=now)
    db.session.rollback()
    assert [(c.name, c.weight) for c in h.criteria] == [("Ietekme uz iedzīvotājiem",
                                                          Decimal("1.00"))]


def test_only_its_coordinators_may_edit_criteria(db, make_user):
    h = make_hackathon(phase="draft", criteria=0)
    criterion = make_criterion(h)
    for actor in (make_coordinator("kurzeme"), make_user(), None):
        with pytest.raises(NotAllowed):
            ops.add_criterion(h, {"name": "X", "weight": 1, "max_score": 3}, actor=actor)
        with pytest.raises(NotAllowed):
            ops.delete_criterion(criterion, actor=actor)


def test_a_save_that_loses_a_race_is_a_stale_version_not_a_crash(db):
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    h = make_hackathon(phase="draft", title="Sākums")
    coordinator = make_coordinator("zemgale")
    # Another request saves and commits between our read and our write.
    db.session.execute(update(Hackathon).where(Hackathon.id == h.id)
                       .values(version=2, title="Cita pieprasījuma labojums"))
    db.session.commit()
    set_committed_value(h, "version", 1)  # what this request had read
    with pytest.raises(StaleVersion) as caught:
        # As a page runs it: the failed save is undone to its savepoint.
        web.attempt(lambda: ops.update_hackathon(h, {"title": "Mans labojums"},
                                                 actor=coordinator))
    assert caught.value.current.title == "Cita pieprasījuma labojums"
    assert caught.value.current.version == 2
