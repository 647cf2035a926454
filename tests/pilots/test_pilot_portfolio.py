"""The coordinators' portfolio: scope, the table, filters, due milestones, the approval queue,
money against the envelopes, CSV export, and a fixed number of queries at 10 and 300 pilots."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.places.models import Region
from tests.conftest import login
from tests.factories_pilots import (
    add_expense,
    add_milestone,
    add_report,
    make_coord,
    make_many_pilots,
    make_pilot,
)


@pytest.fixture
def pilots(db):
    today = today_riga()
    zemgale = make_pilot(region="zemgale", budget="20000.00", title="Viedie skaitītāji")
    add_milestone(zemgale, title="Iepirkums", due=today - timedelta(days=20))
    add_milestone(zemgale, title="Uzstādīšana", due=today + timedelta(days=10),
                  status="in_progress")
    add_expense(zemgale, "1500.25")
    add_report(zemgale, on=today - timedelta(days=4))
    add_report(zemgale, public=True, body="Publicējamā atskaite.")
    latgale = make_pilot(region="latgale", municipality="Rēzekne", budget="15000.00",
                         title="Būvatļaujas ceļvedis")
    add_milestone(latgale, title="Konsultācijas", due=today + timedelta(days=40))
    add_report(latgale, on=today - timedelta(days=1))
    planned = make_pilot(region="zemgale", municipality="Jelgava", status="planned",
                         title="Ielu apgaismojums", partners=("Dobeles novads",))
    return {"zemgale": zemgale, "latgale": latgale, "planned": planned}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_regional_coordinator_sees_their_regions_pilots_a_national_one_all(client, pilots):
    login(client, make_coord("zemgale"))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    assert "Viedie skaitītāji" in text and "Ielu apgaismojums" in text
    assert "Būvatļaujas ceļvedis" not in text
    login(client, make_coord(None))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    assert all(title in text for title in ("Viedie skaitītāji", "Ielu apgaismojums",
                                           "Būvatļaujas ceļvedis"))


def test_the_table_shows_health_with_reasons_progress_money_and_dates(client, pilots):
    login(client, make_coord("zemgale"))
    text = html.unescape(client.get("/pilots/portfolio").get_data(as_text=True))
    assert "Red: at risk" in text
    assert 'Milestone "Iepirkums" is 20 days overdue' in text
    assert "€20,000.00" in text and "€1,500.25" in text
    assert "Iepirkums" in text  # the next milestone: the first open one, even when overdue
    assert "%" in text and "none yet" in text  # progress; a pilot without reports
    # red pilots come first
    assert text.index("Viedie skaitītāji") < text.index("Ielu apgaismojums")


@pytest.mark.parametrize("query, shown, hidden", [
    ("status=planned", ["Ielu apgaismojums"], ["Viedie skaitītāji"]),
    ("health=red", ["Viedie skaitītāji"], ["Ielu apgaismojums"]),
    ("health=green", ["Ielu apgaismojums"], ["Viedie skaitītāji"]),
    ("region=latgale", ["Būvatļaujas ceļvedis"], ["Viedie skaitītāji", "Ielu apgaismojums"]),
])
def test_the_filters(client, pilots, query, shown, hidden):
    login(client, make_coord(None))
    text = client.get(f"/pilots/portfolio?{query}").get_data(as_text=True)
    table = text[text.index('id="pilots-h"'):text.index('id="milestones-h"')]
    for title in shown:
        assert title in table, title
    for title in hidden:
        assert title not in table, title


def test_filter_by_municipality_includes_partners_and_by_hackathon(client, pilots):
    from tests.conftest import municipality

    login(client, make_coord(None))
    dobele = municipality("Dobeles novads").id
    text = client.get(f"/pilots/portfolio?municipality={dobele}").get_data(as_text=True)
    table = text[text.index('id="pilots-h"'):text.index('id="milestones-h"')]
    assert "Viedie skaitītāji" in table and "Ielu apgaismojums" in table  # lead, partner
    assert "Būvatļaujas ceļvedis" not in table
    hackathon = pilots["latgale"].hackathon_id
    text = client.get(f"/pilots/portfolio?hackathon={hackathon}").get_data(as_text=True)
    table = text[text.index('id="pilots-h"'):text.index('id="milestones-h"')]
    assert "Būvatļaujas ceļvedis" in table and "Viedie skaitītāji" not in table
    junk = client.get("/pilots/portfolio?region=mars&status=x&health=blue&municipality=abc")
    assert junk.status_code == 200


def test_overdue_and_coming_milestones_and_the_approval_queue(client, pilots):
    login(client, make_coord("zemgale"))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    due = text[text.index('id="milestones-h"'):text.index('id="waiting-h"')]
    assert "Iepirkums" in due and "20 days overdue" in due
    assert "Uzstādīšana" in due and "in 10 days" in due
    waiting = text[text.index('id="waiting-h"'):text.index('id="money-h"')]
    assert "Publicējamā atskaite." in waiting


def test_a_backlog_of_reports_shows_the_oldest_first_and_how_many_wait(client, pilots):
    from app.pilots.portfolio import WAITING_SHOWN

    for n in range(WAITING_SHOWN + 4):  # one waits already (the fixture's)
        add_report(pilots["zemgale"], public=True, body=f"Atskaite numur {n:02d}.")
    login(client, make_coord("zemgale"))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    waiting = text[text.index('id="waiting-h"'):text.index('id="money-h"')]
    assert waiting.count('class="report"') == WAITING_SHOWN
    assert "Publicējamā atskaite." in waiting and f"Atskaite numur {WAITING_SHOWN - 2:02d}." \
        in waiting and f"Atskaite numur {WAITING_SHOWN - 1:02d}." not in waiting
    assert f"The oldest {WAITING_SHOWN} of {WAITING_SHOWN + 5} reports waiting" in waiting
    assert f"Reports waiting for approval ({WAITING_SHOWN + 5})" in text


def test_each_regions_money_against_its_envelope(client, pilots):
    zemgale = db.session.get(Region, "zemgale")
    zemgale.envelope_eur = Decimal("366722.00")
    zemgale.vat_envelope_eur = Decimal("77012.00")
    db.session.commit()
    login(client, make_coord("zemgale"))
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    money = text[text.index('id="money-h"'):]
    assert "€366,722.00" in money and "€77,012.00" in money
    assert "€30,000.00" in money  # approved: 20 000 + 10 000
    # no programme funding line yet: the whole envelope is unallocated, VAT apart
    assert money.count("€366,722.00") == 2 and money.count("€77,012.00") == 2
    assert "Latgale" not in money  # only the coordinator's own region


def test_csv_export_is_formula_injection_safe(client, pilots):
    pilot = pilots["zemgale"]
    pilot.title = '=HYPERLINK("http://evil.example","klikšķini")'
    db.session.commit()
    login(client, make_coord("zemgale"))
    response = client.get("/pilots/portfolio.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _rows(response.get_data(as_text=True))
    assert rows[0][:5] == ["id", "title", "status", "health", "health_reasons"]
    by_id = {row[0]: row for row in rows[1:]}
    row = by_id[str(pilot.id)]
    assert row[1].startswith("'=HYPERLINK")
    assert row[3] == "red"
    assert row[rows[0].index("spent_eur")] == "1500.25"
    assert row[rows[0].index("approved_budget_eur")] == "20000.00"
    assert str(pilots["latgale"].id) not in by_id
    filtered = _rows(client.get("/pilots/portfolio.csv?status=planned&sep=semicolon")
                     .get_data(as_text=True).replace(";", ","))
    assert [r[1] for r in filtered[1:]] == ["Ielu apgaismojums"]


# --- a fixed number of queries ------------------------------------------------------------------

def _count(client, count_queries, url, **kw) -> int:
    """The queries of a page read as in a new process: with nothing kept or carried from an
    earlier read (after a change, one query more tells which pilots changed)."""
    from app.public.summaries import forget_summaries

    forget_summaries()
    with count_queries() as counter:
        response = client.get(url, **kw)
    assert response.status_code == 200, response.status_code
    return counter.count


@pytest.mark.parametrize("url", ["/pilots/portfolio", "/pilots/portfolio?health=red",
                                 "/pilots/portfolio.csv"])
def test_the_portfolio_uses_a_fixed_number_of_queries_at_10_and_300_pilots(
        client, db, count_queries, url):
    coordinator = make_coord("zemgale")
    hackathon, team = make_many_pilots(10)
    login(client, coordinator)
    small = _count(client, count_queries, url)
    make_many_pilots(290, hackathon=hackathon, team=team)
    large = _count(client, count_queries, url)
    assert small == large, (small, large)
    if url == "/pilots/portfolio":
        text = client.get(url + "?per_page=100").get_data(as_text=True)
        assert "300 pilots you follow." in text


def test_the_api_list_uses_a_fixed_number_of_queries(client, db, count_queries):
    hackathon, team = make_many_pilots(10)
    url = "/api/v1/pilots?per_page=100"
    small = _count(client, count_queries, url)
    make_many_pilots(290, hackathon=hackathon, team=team)
    assert _count(client, count_queries, url) == small
    body = client.get(url).json
    assert body["total"] == 300 and len(body["items"]) == 100
    item = body["items"][0]
    assert {"progress", "health", "spent_eur", "health_reasons"} <= set(item)
    assert item["spent_eur"] == "303.30"  # 100.10 + 101.10 + 102.10


def test_the_pilot_page_does_not_grow_with_its_rows(client, db, count_queries):
    from tests.factories_pilots import pilot_world

    world = pilot_world()
    login(client, world.member)
    url = f"/pilots/{world.pilot.id}"
    for _ in range(2):
        add_milestone(world.pilot)
        add_expense(world.pilot, "10")
        add_report(world.pilot)
    small = _count(client, count_queries, url)
    for _ in range(20):
        add_milestone(world.pilot)
        add_expense(world.pilot, "10")
        add_report(world.pilot)
    assert _count(client, count_queries, url) == small


def test_the_digest_job_does_not_grow_with_the_pilots(app, db, count_queries, outbox):
    from datetime import UTC, datetime

    from app.pilots.reminders import send_coordinator_digests, send_pilot_reminders

    for region in ("zemgale", "kurzeme", None):
        make_coord(region)
    hackathon, team = make_many_pilots(10)
    today = today_riga()
    with app.test_request_context("/"):
        with count_queries() as small:
            send_coordinator_digests(now=datetime(today.year, today.month, today.day, 8,
                                                  tzinfo=UTC))
            send_pilot_reminders(now=datetime(today.year, today.month, today.day, 8,
                                              tzinfo=UTC))
        db.session.rollback()
        make_many_pilots(290, hackathon=hackathon, team=team)
        with count_queries() as large:
            send_coordinator_digests(now=datetime(today.year, today.month, today.day, 8,
                                                  tzinfo=UTC))
            send_pilot_reminders(now=datetime(today.year, today.month, today.day, 8,
                                              tzinfo=UTC))
        db.session.rollback()
    # Queuing a message is one INSERT (and its flush); every other statement is fixed.
    def reads(counter):
        return [q for q in counter.statements if not q.lstrip().upper().startswith("INSERT")]

    assert len(reads(small)) == len(reads(large)), (len(reads(small)), len(reads(large)))
