"""A winner's idea page leads to its pilot for everyone: the pilot page is public, so a
resident who reads the winning idea can follow it on to the pilot."""

from __future__ import annotations

from tests.public.conftest import main_of


def test_a_resident_on_a_winners_idea_page_finds_the_link_to_its_pilot(client, world):
    page = main_of(client.get(f"/ideas/{world.winner.id}"))
    assert f'href="/pilots/{world.pilot.id}"' in page
    assert client.get(f"/pilots/{world.pilot.id}").status_code == 200


def test_a_winner_without_a_pilot_has_no_pilot_link(client, world, english):
    from tests.factories_public import many_winners

    extra = many_winners(1, municipality="Jelgava", pilots=False).ideas[0]
    page = main_of(client.get(f"/ideas/{extra.id}"))
    assert "This idea is now a pilot" not in page and 'href="/en/pilots/' not in page
