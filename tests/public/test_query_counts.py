"""Public pages answer in a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import pytest

from app.public.cache import forget_recent_state, page_cache
from app.public.summaries import forget_summaries
from tests.factories_public import many_winners
from tests.factories_teams import _municipality

PAGES = ["/", "/winners", "/municipalities/{dobele}", "/municipalities", "/feed.atom",
         "/pilots/{pilot}/feed.atom", "/sitemap.xml", "/winners?region=zemgale&year=2026",
         "/pilots", "/pilots?health=red&region=zemgale", "/pilots/{pilot}",
         "/hackathons/{slug}", "/ideas/{idea}"]


def _queries(client, count_queries, path) -> tuple[int, int]:
    """The queries of the page read in a new process, and right after an edit of a pilot in
    one that read it before (kept rows carried over the change)."""
    from app.extensions import db
    from app.pilots.models import Pilot

    counts = []
    for edited in (False, True):
        page_cache.clear()
        if edited:
            pilot = db.session.get(Pilot, _pilot_id())
            pilot.title += "."
            db.session.commit()
        else:
            forget_summaries()
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(counter.count)
    return counts[0], counts[1]


def _path(template: str) -> str:
    from sqlalchemy import select

    from app.extensions import db
    from app.hackathons.models import Hackathon
    from app.ideas.models import Idea

    first_hackathon = db.session.scalar(select(Hackathon).order_by(Hackathon.id).limit(1))
    first_idea = db.session.scalar(select(Idea.id).order_by(Idea.id).limit(1))
    return template.format(dobele=_municipality("Dobeles novads").id, pilot=_pilot_id(),
                           slug=first_hackathon.slug, idea=first_idea)


def _pilot_id():
    from sqlalchemy import select

    from app.extensions import db
    from app.pilots.models import Pilot

    return db.session.scalar(select(Pilot.id).order_by(Pilot.id).limit(1))


@pytest.mark.parametrize("template", PAGES)
def test_queries_do_not_grow_with_the_data(client, count_queries, template):
    many_winners(2)
    path = _path(template)
    small = _queries(client, count_queries, path)
    many_winners(40)
    many_winners(20, municipality="Jelgava")
    large = _queries(client, count_queries, path)
    assert small == large, (path, small, large)
    assert max(large) <= 20, (path, large)


@pytest.mark.parametrize("template", PAGES)
def test_a_repeat_view_costs_one_query_at_most(client, count_queries, template):
    many_winners(5)
    path = _path(template)
    page_cache.clear()
    first = client.get(path)
    forget_recent_state()
    with count_queries() as counter:
        again = client.get(path)
    assert again.data == first.data
    assert counter.count == 1  # the public data version
    with count_queries() as counter:
        third = client.get(path)
    assert third.data == first.data
    assert counter.count == 0  # the version read a moment ago is remembered for a second
