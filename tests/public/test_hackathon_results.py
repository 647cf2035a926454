"""/hackathons/<slug> after results: winners, the published justification and the ranking."""

from __future__ import annotations

from tests.public.conftest import main_of


def test_results_section_shows_winners_justification_and_ranking(client, world, english):
    page = main_of(client.get(f"/hackathons/{world.hackathon.slug}"))
    section = page[page.index('id="results"'):page.index('id="timeline-h"')]
    assert "Winners" in section
    assert world.winner.title in section and world.second.title in section
    assert f'href="/en/ideas/{world.winner.id}"' in section
    assert f'href="/en/pilots/{world.pilot.id}"' in section
    assert "Justification of the choice" in section
    assert "Abas idejas papildina viena otru." in section
    assert "The jury’s ranking" in section
    # The idea not selected is in the ranking, by title, without a link.
    assert world.loser.title in section
    assert f'href="/en/ideas/{world.loser.id}"' not in section
    assert section.index(world.winner.title) < section.index(world.loser.title)


def test_the_ranking_never_names_a_judge(client, world):
    page = client.get(f"/hackathons/{world.hackathon.slug}").get_data(as_text=True)
    for user in world.people:
        assert user.name not in page and user.email not in page


def test_no_results_section_before_the_results(client, world, english):
    page = main_of(client.get(f"/hackathons/{world.judging.slug}"))
    assert 'id="results"' not in page
    assert world.pending.title not in page
    page = main_of(client.get(f"/hackathons/{world.open.slug}"))
    assert 'id="results"' not in page
