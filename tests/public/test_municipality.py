"""/municipalities/<id>: one municipality's winners and pilots, compared within its region."""

from __future__ import annotations

import re

from tests.factories_teams import _municipality
from tests.public.conftest import main_of


def _row(page: str, name: str) -> list[str]:
    """The cells of the comparison table's row for `name`."""
    table = page[page.index('class="benchmark-table"'):]
    for row in re.findall(r"<tr.*?</tr>", table, re.S):
        if f">{name}<" in row:
            return [re.sub(r"<[^>]+>", "", c).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    raise AssertionError(f"no row for {name}")


def test_municipality_page_shows_its_winners_and_pilots(client, world, english):
    dobele = _municipality("Dobeles novads")
    page = main_of(client.get(f"/municipalities/{dobele.id}"))
    assert '<h1 lang="lv">Dobeles novads</h1>' in page
    assert "County · Zemgale Planning Region" in page or "County ·" in page
    assert world.winner.title in page
    assert world.pilot.title in page and f'href="/en/pilots/{world.pilot.id}"' in page
    assert world.second.title not in page  # Jelgava's
    assert world.pending.title not in page and world.draft.title not in page


def test_a_partner_municipality_sees_the_pilots_it_takes_part_in(client, world, english):
    bauska = _municipality("Bauskas novads")
    page = main_of(client.get(f"/municipalities/{bauska.id}"))
    assert world.pilot.title in page  # Bauska is the team's partner
    assert world.winner.title in page


def test_comparison_with_the_region_counts_and_shares(client, world, english):
    dobele = _municipality("Dobeles novads")
    page = main_of(client.get(f"/municipalities/{dobele.id}"))
    # Dobele led 2 competing ideas of the region's 4 (Jelgava led 2: a winner and the
    # idea not selected); its pending Kurzeme idea counts too, the draft does not.
    dobele_row = _row(page, "Dobeles novads")
    assert dobele_row[1:5] == ["2", "50 %", "0", "1"]
    assert dobele_row[5] == "50 %"  # one of its two ideas won
    assert dobele_row[6] == "1"  # pilots led
    assert dobele_row[8].startswith("50 %")  # one of two milestones met on time
    jelgava_row = _row(page, "Jelgava")
    assert jelgava_row[1:5] == ["2", "50 %", "0", "1"]
    bauska_row = _row(page, "Bauskas novads")
    assert bauska_row[3] == "2" and bauska_row[7] == "1"  # partner of 2 ideas and a pilot
    assert "this municipality" in page
    # Every municipality of Zemgale is in the table, and none of another region.
    assert ">Aizkraukles novads<" in page and ">Rēzekne<" not in page
    table = page[page.index('class="benchmark-table"'):]
    assert table.count("<tr") == 1 + 6 + 1  # the header, six municipalities, the total


def test_unknown_municipality_is_404(client, db):
    assert client.get("/municipalities/999999").status_code == 404
    assert client.get("/municipalities/99999999999999").status_code == 404


def test_the_list_of_municipalities_links_all_43(client, english):
    page = main_of(client.get("/municipalities"))
    assert page.count('href="/en/municipalities/') == 43
    assert "Zemgale" in page


def test_the_comparison_counts_a_new_idea_at_once_and_reads_nothing_again_until_then(
        client, world, english, monkeypatch):
    """The region's counts are kept until public data changes: the next page after a
    submission counts it, and pages in between do not count again."""
    from sqlalchemy import event

    from app.extensions import db
    from tests.factories_ideas import make_idea

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)
    dobele = _municipality("Dobeles novads")
    assert _row(main_of(client.get(f"/municipalities/{dobele.id}")), "Dobeles novads")[1] == "2"
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        client.get(f"/municipalities/{dobele.id}?again=1")
        assert not any("GROUP BY" in s and "team_partner" in s for s in statements)
        make_idea(world.judging, world.team, status="submitted", title="Vēl viena ideja")
        page = main_of(client.get(f"/municipalities/{dobele.id}?after=1"))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert _row(page, "Dobeles novads")[1] == "3"


def test_a_municipality_in_many_pilots_shows_the_newest_and_links_to_all(client, english):
    """The page stays one size however many pilots and winners a municipality has: the
    newest ten pilots and twelve winners, and a link to each whole list, filtered to it.
    The figures still count every pilot."""
    from tests.factories_public import many_winners

    many_winners(14)  # Dobele leads all 14, Bauska is every team's partner
    dobele = _municipality("Dobeles novads")
    page = main_of(client.get(f"/municipalities/{dobele.id}"))
    pilots = page[page.index('id="pilots-h"'):page.index('id="compare-h"')]
    assert pilots.count('href="/en/pilots/') == 10
    assert f'href="/en/pilots?municipality={dobele.id}"' in pilots
    assert "All 14 pilots in which" in pilots
    winners = page[page.index('id="winners-h"'):page.index('id="pilots-h"')]
    assert winners.count('class="card winner-card"') == 12
    assert f'href="/en/winners?municipality={dobele.id}"' in winners
    assert "All 14 winning ideas in which" in winners
    glance = page[page.index('id="summary-h"'):page.index('id="winners-h"')]
    assert "<dt>Pilots led</dt><dd>14" in glance
    # The whole list the link leads to holds every one of them.
    listed = main_of(client.get(f"/pilots?municipality={dobele.id}&per_page=50"))
    assert listed.count('href="/en/pilots/') >= 14


def test_a_municipality_with_few_pilots_needs_no_link_to_more(client, world, english):
    dobele = _municipality("Dobeles novads")
    page = main_of(client.get(f"/municipalities/{dobele.id}"))
    assert f"/pilots?municipality={dobele.id}" not in page
    assert f"/winners?municipality={dobele.id}" not in page
