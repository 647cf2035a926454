"""The portfolio counts, orders and sums in SQL: the same answers as the health rules applied
pilot by pilot (the slow way), and the same number of queries at 5 and at 50 pilots."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.clock import today_riga
from app.extensions import db
from app.pilots import portfolio as overview
from app.pilots import queries
from app.pilots.models import Pilot
from tests.conftest import login
from tests.factories_pilots import (
    add_expense,
    add_milestone,
    add_report,
    make_coord,
    make_many_pilots,
    make_pilot,
)

# Each case sits on one side of a rule's edge (health.py): (pilot, milestones, spent, report).
# Dates are days from today; a milestone is (days until due, status).
CASES = [
    ("overdue 14 days", {}, [(-14, "planned")], None, 0),
    ("overdue 15 days", {}, [(-15, "in_progress")], None, 0),
    ("overdue 1 day", {}, [(-1, "planned")], None, 0),
    ("due today, not started", {}, [(0, "planned")], None, 0),
    ("due in 7 days, not started", {}, [(7, "planned")], None, 0),
    ("due in 8 days, not started", {}, [(8, "planned")], None, 0),
    ("due in 3 days, started", {}, [(3, "in_progress")], None, 0),
    ("done late", {}, [(-40, "done")], None, 0),
    ("missed", {}, [(-40, "missed"), (20, "planned")], None, 0),
    ("ended with an overdue milestone", {"status": "completed"}, [(-30, "planned")], None,
     None),
    ("ended and overspent", {"status": "discontinued"}, [], "1000.01", None),
    ("spent 20 points ahead", {"start": -50, "end": 50}, [], "700.00", 0),
    ("spent 20.001 points ahead", {"start": -50, "end": 50}, [], "700.01", 0),
    ("not started, spent 20 %", {"start": 10, "end": 100, "status": "planned"}, [], "200.00",
     None),
    ("not started, spent over 20 %", {"start": 10, "end": 100, "status": "planned"}, [],
     "200.01", None),
    ("past its end, spent 120 %", {"start": -100, "end": -1}, [], "1200.00", 0),
    ("zero budget, nothing spent", {"budget": "0.00"}, [], None, 0),
    ("zero budget, spent", {"budget": "0.00"}, [], "0.01", 0),
    ("report 44 days ago", {"start": -200}, [], None, -44),
    ("report 45 days ago", {"start": -200}, [], None, -45),
    ("report 89 days ago", {"start": -200}, [], None, -89),
    ("report 90 days ago", {"start": -200}, [], None, -90),
    ("no report, started 50 days ago", {"start": -50}, [], None, None),
    ("report before the start", {"start": -50}, [], None, -60),
    ("on hold and silent", {"start": -200, "status": "on_hold"}, [], None, None),
    ("three problems", {"start": -200}, [(-3, "planned"), (2, "planned")], "1500.00", -100),
]


@pytest.fixture
def edge_pilots(db):
    today = today_riga()
    regions = ("zemgale", "latgale", "kurzeme")
    pilots = []
    for i, (title, pilot_kw, milestones, spent, report) in enumerate(CASES):
        kw = dict(pilot_kw)
        start = today + timedelta(days=kw.pop("start", -60))
        end = today + timedelta(days=kw.pop("end", 300))
        budget = Decimal(kw.pop("budget", "1000.00"))
        pilot = make_pilot(region=regions[i % 3], title=f"Case {i:02d} {title}", **kw)
        # stored directly: some edges (no budget, an end in the past) are not what a form takes
        pilot.start_date, pilot.end_date, pilot.approved_budget_eur = start, end, budget
        db.session.commit()
        for days, status in milestones:
            add_milestone(pilot, due=today + timedelta(days=days), status=status)
        if spent:
            add_expense(pilot, spent)
        if report is not None:
            add_report(pilot, on=today + timedelta(days=report))
        pilots.append(pilot.id)
    db.session.expire_all()
    return pilots


def _slow(user, today):
    """The reference: every pilot loaded and judged one by one by the health rules."""
    rows = [queries.summarize(p, None, today) for p in db.session.scalars(
        select(Pilot).where(queries.scope_condition(user)))]
    return sorted(rows, key=overview.sort_key)


@pytest.mark.parametrize("region", [None, "zemgale"])
def test_counts_order_and_money_equal_the_rules_applied_pilot_by_pilot(app, edge_pilots,
                                                                        region):
    today = today_riga()
    user = make_coord(region)
    with app.test_request_context():
        slow = _slow(user, today)
        everything = overview.clean_filters({})
        fast = overview.portfolio(user, everything, today, start=0, stop=None)
        levels = Counter(row.level for row in slow)
        assert fast.counts == {level: levels[level] for level in ("green", "amber", "red")}
        assert fast.total == fast.matching == len(slow)
        assert [r.pilot.id for r in fast.page(0, None)] == [r.pilot.id for r in slow]
        assert [r.health for r in fast.page(0, None)] == [r.health for r in slow]
        assert [r.pilot.id for r in fast.page(3, 9)] == [r.pilot.id for r in slow[3:9]]

        approved: dict[str, Decimal] = defaultdict(Decimal)
        spent: dict[str, Decimal] = defaultdict(Decimal)
        for row in slow:
            approved[row.pilot.region_code] += row.pilot.approved_budget_eur
            spent[row.pilot.region_code] += row.spent
        for money in fast.money:
            assert money.approved == approved[money.region.code]
            assert money.spent == spent[money.region.code]
            assert money.pilots == sum(1 for r in slow
                                       if r.pilot.region_code == money.region.code)

        for level in ("green", "amber", "red"):
            by_level = overview.clean_filters({"health": level})
            only = overview.portfolio(user, by_level, today)
            assert [r.pilot.id for r in only.page()] == [r.pilot.id for r in slow
                                                         if r.level == level]
            assert only.matching == levels[level] and only.total == len(slow)


def test_the_cases_cover_every_level_and_every_reason(app, edge_pilots):
    today = today_riga()
    with app.test_request_context():
        slow = _slow(make_coord(None), today)
    assert {r.level for r in slow} == {"green", "amber", "red"}
    assert {reason.code for r in slow for reason in r.health.reasons} == {
        "milestone_overdue_14", "milestone_overdue", "milestone_due_soon_not_started",
        "over_budget", "spending_ahead_of_time", "no_report_90", "no_report_45"}


@pytest.mark.parametrize("url", ["/pilots/portfolio", "/pilots/portfolio?health=red",
                                 "/pilots/portfolio?region=zemgale&page=2&per_page=3"])
def test_the_portfolio_asks_as_many_queries_at_5_as_at_50_pilots(client, db, count_queries,
                                                                  url):
    """Both for the first reader after a change, who works out the order by health that is
    then kept, and for the readers after her."""
    from app.public.cache import forget_recent_state
    from app.public.summaries import forget_summaries

    login(client, make_coord(None))
    hackathon, team = make_many_pilots(5)
    client.get(url)

    def counted() -> tuple[int, int, str]:
        forget_summaries()  # as after a change of the data: the state is read again too
        forget_recent_state()
        with count_queries() as first:
            client.get(url)
        with count_queries() as later:
            response = client.get(url)
        assert response.status_code == 200
        return first.count, later.count, response.get_data(as_text=True)

    small_first, small_later, text = counted()
    assert "No pilots match." not in text  # a page to load
    assert small_later < small_first  # the kept order is read, not worked out again
    make_many_pilots(45, hackathon=hackathon, team=team)
    large_first, large_later, text = counted()
    assert (large_first, large_later) == (small_first, small_later)
    if url == "/pilots/portfolio":
        assert "50 pilots you follow." in text


def test_long_milestone_lists_show_the_first_twenty_and_say_how_many(client, db):
    today = today_riga()
    pilot = make_pilot(region="zemgale", title="Daudzu posmu pilots")
    for days in range(1, 26):
        add_milestone(pilot, title=f"Nokavēts {days:02d}", due=today - timedelta(days=days))
    login(client, make_coord(None))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    assert "(25 / 0)" in text
    listed = text[text.index('id="milestones"'):text.index('id="waiting"')]
    assert "The first 20 of 25, the longest overdue first" in listed
    assert "Nokavēts 25" in listed and "Nokavēts 06" in listed  # the longest overdue first
    assert "Nokavēts 05" not in listed


def test_the_kept_order_by_health_follows_every_change(app, client, db):
    """The order and its counts are kept between readers, but a change to a pilot's money
    or plan shows on the next read, on the page and in the counts."""
    coordinator = make_coord(None)
    login(client, coordinator)
    pilot = make_pilot(region="zemgale", title="Tērētājs", budget="1000")
    db.session.commit()
    first = client.get("/pilots/portfolio?health=red").get_data(as_text=True)
    assert "Tērētājs" not in first
    add_expense(pilot, "1500.00")  # over the approved budget: red
    db.session.commit()
    now_red = client.get("/pilots/portfolio?health=red").get_data(as_text=True)
    assert "Tērētājs" in now_red
    with app.test_request_context():
        counts = overview.portfolio(coordinator, {}, today_riga()).counts
    assert counts["red"] == 1
