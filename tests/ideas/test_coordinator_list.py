"""The coordinator's list of a hackathon's ideas: filters, search, pages, CSV, query counts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from app.core.clock import now_utc
from app.extensions import db
from app.ideas.models import Idea, ProposedIndicator
from app.ideas.queries import csv_cell
from app.ideas.status import IdeaStatus
from tests.factories_ideas import make_idea
from tests.factories_teams import make_team
from tests.ideas.conftest import sign_in


@pytest.fixture
def listed(world, make_user):
    """Ideas from three teams in two regions, in several statuses."""
    kuldiga = make_team(make_user(municipality="Kuldīgas novads"), name="Kuldīgas komanda",
                        municipality="Kuldīgas novads")
    jelgava = make_team(make_user(municipality="Jelgava"), name="Jelgavas komanda",
                        municipality="Jelgava", partners=("Bauskas novads",))
    return {
        "water": make_idea(world.hackathon, world.team, status="submitted",
                           title="Ūdens skaitītāji", problem="Rēķini kavējas."),
        "youth": make_idea(world.hackathon, kuldiga, status="submitted",
                           title="Jauniešu centrs", problem="Nav kur pulcēties.",
                           summary="Telpa jauniešiem."),
        "roads": make_idea(world.hackathon, jelgava, status="ineligible", title="Ceļu bedres",
                           summary="Bedres.",
                           solution="Mobilā lietotne bedru ziņošanai un ūdens noteku tīrīšanai"),
        "draft": make_idea(world.hackathon, jelgava, status="draft", title="Slepens melnraksts"),
    }


def titles(response) -> set[str]:
    html = response.get_data(as_text=True)
    return {t for t in ("Ūdens skaitītāji", "Jauniešu centrs", "Ceļu bedres",
                        "Slepens melnraksts") if t in html}


def test_coordinators_see_submitted_ideas_but_not_drafts(client, world, listed):
    sign_in(client, world.coordinator)
    url = f"/hackathons/{world.hackathon.slug}/ideas"
    assert titles(client.get(url)) == {"Ūdens skaitītāji", "Jauniešu centrs", "Ceļu bedres"}
    sign_in(client, world.admin)
    assert "Slepens melnraksts" in titles(client.get(url))


@pytest.mark.parametrize("query, expected", [
    ("status=ineligible", {"Ceļu bedres"}),
    ("status=submitted", {"Ūdens skaitītāji", "Jauniešu centrs"}),
    ("region=kurzeme", {"Jauniešu centrs"}),
    ("region=zemgale", {"Ūdens skaitītāji", "Ceļu bedres"}),
    ("q=ūdens", {"Ūdens skaitītāji", "Ceļu bedres"}),  # title and text
    ("q=PULCĒTIES", set()),  # SQLite folds ASCII only; see test below for ASCII case
    ("q=kur+pulc", {"Jauniešu centrs"}),
    ("q=100%25", set()),  # LIKE wildcards are literal
    ("status=bogus", {"Ūdens skaitītāji", "Jauniešu centrs", "Ceļu bedres"}),
    ("municipality=1099511627776", {"Ūdens skaitītāji", "Jauniešu centrs", "Ceļu bedres"}),
])
def test_filters_and_search(client, world, listed, query, expected):
    sign_in(client, world.coordinator)
    response = client.get(f"/hackathons/{world.hackathon.slug}/ideas?{query}")
    assert response.status_code == 200
    if "PULC" in query and db.engine.dialect.name == "postgresql":
        expected = {"Jauniešu centrs"}  # PostgreSQL folds Latvian letters too
    assert titles(response) == expected


def test_search_ignores_ascii_case(client, world, listed):
    sign_in(client, world.coordinator)
    response = client.get(f"/hackathons/{world.hackathon.slug}/ideas?q=MOBIL")
    assert titles(response) == {"Ceļu bedres"}


def test_municipality_filter_matches_lead_and_partner_municipalities(client, world, listed):
    from tests.conftest import municipality

    sign_in(client, world.coordinator)
    url = f"/hackathons/{world.hackathon.slug}/ideas?municipality="
    assert titles(client.get(url + str(municipality("Bauskas novads").id))) == {"Ceļu bedres"}
    assert titles(client.get(url + str(municipality("Dobeles novads").id))) == \
        {"Ūdens skaitītāji"}
    assert titles(client.get(url + str(municipality("Jelgava").id))) == {"Ūdens skaitītāji",
                                                                         "Ceļu bedres"}


def test_the_list_is_paginated(client, world):
    for n in range(30):
        make_idea(world.hackathon, world.team, status="submitted", title=f"Ideja nr. {n:02d}")
    sign_in(client, world.coordinator)
    first = client.get(f"/hackathons/{world.hackathon.slug}/ideas").get_data(as_text=True)
    assert "30 ideas found" in first and "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(f"/hackathons/{world.hackathon.slug}/ideas?page=2")
    assert second.get_data(as_text=True).count("Ideja nr.") == 5


def test_csv_export_is_excel_friendly_and_formula_safe(client, world):
    make_idea(world.hackathon, world.team, status="submitted", title="=HYPERLINK(\"x\")",
              summary="+1 un -2 @visi", budget_eur="1234.50")
    sign_in(client, world.coordinator)
    response = client.get(f"/hackathons/{world.hackathon.slug}/ideas.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[:3] == ["id", "title", "status"]
    record = dict(zip(header, row, strict=True))
    assert record["title"] == "'=HYPERLINK(\"x\")"
    assert record["summary"] == "'+1 un -2 @visi"
    assert record["budget_eur"] == "1234.50"
    assert record["lead_municipality"] == "Dobeles novads"
    assert record["partner_municipalities"] == "Jelgava"
    assert "@" not in ";".join(row).replace("'+1 un -2 @visi", "")  # no e-mail addresses

    semicolons = client.get(f"/hackathons/{world.hackathon.slug}/ideas.csv?sep=semicolon")
    assert semicolons.data.decode("utf-8-sig").splitlines()[0].startswith("id;title;status")


def test_csv_export_honours_the_filters(client, world, listed):
    sign_in(client, world.coordinator)
    body = client.get(f"/hackathons/{world.hackathon.slug}/ideas.csv?status=ineligible")
    lines = body.data.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "Ceļu bedres" in lines[1]


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("+7", "'+7"), ("-7", "'-7"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("Dobele", "Dobele"), ("", ""), (None, ""), (12, "12"),
])
def test_csv_cells_that_could_run_as_formulas_get_an_apostrophe(value, safe):
    assert csv_cell(value) == safe


# --- a fixed number of queries, whatever the number of ideas -----------------------------------

def _many_ideas(world, count: int) -> None:
    """`count` submitted ideas, stored in one go, ten to a team of their own with a lead and
    a partner municipality: a query per team or per municipality makes the count grow."""
    from app.places.models import Municipality
    from app.teams.models import Team, TeamMember

    now = now_utc()
    places = db.session.scalars(db.select(Municipality).order_by(Municipality.id)).all()
    team = None
    for n in range(count):
        if n % 10 == 0:
            lead, partner = places[n // 10 % len(places)], places[(n // 10 + 1) % len(places)]
            team = Team(name=f"Komanda {n}", municipality_id=lead.id,
                        partner_municipalities=[partner],
                        members=[TeamMember(user_id=world.member.id, is_lead=True)])
        idea = Idea(hackathon=world.hackathon, team=team, status=IdeaStatus.SUBMITTED,
                    title=f"Ideja {n}", summary="Kopsavilkums", budget_eur=Decimal("1000"),
                    duration_months=6, submitted_at=now, created_at=now, updated_at=now)
        idea.indicators = [ProposedIndicator(name="Rādītājs", baseline="1", target="2")]
        db.session.add(idea)
    db.session.commit()


def _count(client, count_queries, url) -> int:
    """The queries of a page read as in a new process: nothing kept from an earlier read
    (which a change of ideas alone would leave kept, and cheaper)."""
    from app.public.summaries import forget_summaries

    forget_summaries()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("per_page", [25, 100])
def test_the_coordinators_list_uses_a_fixed_number_of_queries(client, world, count_queries,
                                                              per_page):
    sign_in(client, world.coordinator)
    url = f"/hackathons/{world.hackathon.slug}/ideas?per_page={per_page}"
    _many_ideas(world, 10)
    small = _count(client, count_queries, url)
    _many_ideas(world, 190)
    large = _count(client, count_queries, url)
    assert small == large, (small, large)
    csv_url = f"/hackathons/{world.hackathon.slug}/ideas.csv"
    assert _count(client, count_queries, csv_url) <= large


def test_the_hackathon_page_uses_a_fixed_number_of_queries(client, world, count_queries):
    sign_in(client, world.member)
    url = f"/hackathons/{world.hackathon.slug}"
    _many_ideas(world, 10)
    small = _count(client, count_queries, url)
    _many_ideas(world, 190)
    assert _count(client, count_queries, url) == small


def test_the_api_list_uses_a_fixed_number_of_queries(client, world, count_queries, token_for):
    headers = token_for(world.coordinator)
    url = f"/api/v1/hackathons/{world.hackathon.id}/ideas?per_page=100"
    _many_ideas(world, 10)
    client.get(url, headers=headers)  # the token's first use is recorded once
    with count_queries() as small:
        assert client.get(url, headers=headers).status_code == 200
    _many_ideas(world, 190)
    with count_queries() as large:
        assert client.get(url, headers=headers).json["total"] == 200
    # The attachments and indicators of each idea load with the page too.
    assert small.count == large.count, (small.count, large.count)
