"""/winners: every published winner, filterable by year, region, municipality and theme."""

from __future__ import annotations

from tests.factories_public import many_winners
from tests.factories_teams import _municipality
from tests.public.conftest import main_of


def test_winners_lists_published_winners_with_idea_and_pilot_links(client, world, english):
    page = main_of(client.get("/winners"))
    assert "2 winning ideas found." in page
    for idea in (world.winner, world.second):
        assert idea.title in page
        assert f'href="/en/ideas/{idea.id}"' in page
    assert f'href="/en/pilots/{world.pilot.id}"' in page
    assert f'href="/en/pilots/{world.ended.id}"' in page
    assert world.team.name in page and "Dobeles novads" in page
    assert world.loser.title not in page and world.pending.title not in page


def test_a_winner_without_a_pilot_says_so(client, world, english):
    extra = many_winners(1, municipality="Jelgava", pilots=False)
    page = main_of(client.get("/winners"))
    assert extra.ideas[0].title in page
    assert "not started yet" in page


def test_winners_of_a_hackathon_still_judging_are_not_public(client, world):
    from app.extensions import db
    from app.hackathons.models import Phase

    world.hackathon.phase = Phase.JUDGING  # e.g. results not out yet
    db.session.commit()
    page = main_of(client.get("/winners"))
    assert world.winner.title not in page


def test_filter_by_region_and_municipality(client, world, english):
    jelgava = _municipality("Jelgava")
    page = main_of(client.get(f"/winners?municipality={jelgava.id}"))
    assert world.second.title in page and world.winner.title not in page
    # A partner municipality finds the ideas it took part in.
    bauska = _municipality("Bauskas novads")
    page = main_of(client.get(f"/winners?municipality={bauska.id}"))
    assert world.winner.title in page and world.second.title not in page
    page = main_of(client.get("/winners?region=kurzeme"))
    assert "No winning ideas match these filters." in page
    page = main_of(client.get("/winners?region=zemgale"))
    assert world.winner.title in page and world.second.title in page


def test_filter_by_theme_and_year(client, world, english):
    old = many_winners(1, municipality="Jelgava", pilots=False, year=2024)
    page = main_of(client.get("/winners?theme=Komunālie pakalpojumi"))
    assert world.winner.title in page and old.ideas[0].title not in page
    page = main_of(client.get("/winners?year=2024"))
    assert old.ideas[0].title in page and world.winner.title not in page
    assert '<option value="2024"' in page  # the years offered come from the results


def test_nonsense_filters_are_ignored(client, world):
    response = client.get("/winners?year=abc&region=mars&municipality=99999999999&page=-3"
                          "&per_page=100000")
    assert response.status_code == 200
    assert world.winner.title in main_of(response)


def test_winners_are_paged(client, english):
    many_winners(25, pilots=False)
    first = main_of(client.get("/winners"))
    assert "25 winning ideas found." in first
    assert "Page 1 of 2" in first
    second = main_of(client.get("/winners?page=2"))
    assert second.count('class="card winner-card"') == 5


def test_every_winner_is_on_exactly_one_page_and_a_new_one_shows_at_once(
        client, english, monkeypatch):
    """The order of the unfiltered list is kept until public data changes: the pages hold
    each winner once, newest decision first, and a decision published after them is on
    the first page of the very next request."""
    import re

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)
    older = many_winners(7, pilots=False, year=2025)
    newer = many_winners(5, pilots=False)
    titles = []
    for page in (1, 2, 3):
        body = main_of(client.get(f"/winners?page={page}&per_page=5"))
        titles += re.findall(r'href="/en/ideas/(\d+)"', body)
    ids = [int(i) for i in dict.fromkeys(titles)]
    assert ids == [i.id for i in newer.ideas] + [i.id for i in older.ideas]
    latest = many_winners(1, pilots=False)
    first = main_of(client.get("/winners?per_page=5&again=1"))
    assert re.findall(r'href="/en/ideas/(\d+)"', first)[0] == str(latest.ideas[0].id)
    assert "13 winning ideas found." in first
