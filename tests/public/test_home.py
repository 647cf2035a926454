"""The home page: what Talka is, open and coming hackathons, winners, pilots, figures."""

from __future__ import annotations

from tests.public.conftest import main_of


def test_home_shows_open_and_coming_hackathons_but_not_drafts(client, world):
    page = main_of(client.get("/"))
    assert world.open.title in page
    assert world.coming.title in page
    assert world.hidden.title not in page  # a draft
    assert world.hackathon.title in page  # as the hackathon of the latest winners


def test_home_shows_the_latest_winners_with_their_pilots(client, world):
    page = main_of(client.get("/"))
    assert world.winner.title in page and world.second.title in page
    assert f'href="/ideas/{world.winner.id}"' in page
    assert f'href="/pilots/{world.pilot.id}"' in page
    assert world.loser.title not in page
    assert world.pending.title not in page and world.draft.title not in page


def test_home_lists_pilots_in_progress_with_health_and_progress(client, world, english):
    page = main_of(client.get("/"))
    section = page[page.index('id="pilots-h"'):]
    assert world.pilot.title in section
    assert "Green: on track" in section
    assert "66" in section  # two of three equal milestones done
    assert "20,000.00" in section


def test_headline_figures_are_counted_right(client, world, english):
    page = main_of(client.get("/"))
    figures = page[page.index('id="figures-h"'):page.index('id="open-h"')]
    # Four ideas competed (the draft does not count); Dobele, Bauska (its partner) and
    # Jelgava took part; two pilots, one running; one of the two milestones due so far was
    # met on time; 25 000 approved, 2 000 spent.
    assert "<dd>4</dd>" in figures
    assert "<dd>3 <span" in figures
    assert "1 in progress" in figures
    assert "50 %" in figures and "1 of 2 due so far" in figures
    assert "€25,000.00" in figures
    assert "€2,000.00" in figures and "8 % of the approved" in figures


def test_figures_of_an_empty_site(client, english):
    page = main_of(client.get("/"))
    assert "Talka in figures" in page
    assert "No results have been published yet." in page
    assert "No hackathon is taking ideas right now." in page


def test_home_in_latvian_and_english(client, world):
    latvian = client.get("/").get_data(as_text=True)
    assert '<html lang="lv">' in latvian
    assert "Ideju hakatoni labākiem pašvaldību pakalpojumiem" in latvian
    english = client.get("/en/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Idea hackathons for better municipal services" in english
    assert "Latest winners" in english


def test_a_coming_hackathon_is_listed_as_open_once_its_submission_opens(
        client, world, english, monkeypatch):
    """The lists are kept until the public state changes, and the moment a hackathon opens
    is one of the state's clock boundaries: no edit is needed for the home page to move it."""
    from datetime import timedelta

    from app.core import clock
    from app.public.cache import forget_recent_state

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)

    def lists() -> tuple[str, str]:
        page = main_of(client.get("/"))
        section = page[page.index('id="open-h"'):page.index('id="winners-h"')]
        return tuple(section.split("Coming soon", 1)) if "Coming soon" in section \
            else (section, "")

    open_now, coming = lists()
    assert world.coming.title in coming and world.coming.title not in open_now
    later = world.coming.submission_opens_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now_utc", lambda: later)
    for module in ("app.public.queries.home", "app.public.cache", "app.public.views"):
        monkeypatch.setattr(f"{module}.now_utc", lambda: later, raising=False)
    forget_recent_state()
    open_now, coming = lists()
    assert world.coming.title in open_now and world.coming.title not in coming
