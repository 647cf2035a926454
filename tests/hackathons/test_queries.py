"""The list and the hackathon page cost the same number of queries at any size."""

from __future__ import annotations

import pytest

from app.public.cache import forget_recent_state
from tests.conftest import login
from tests.factories_hackathons import make_coordinator, make_criterion, make_hackathon


def _count(client, count_queries, path):
    forget_recent_state()  # each count includes reading the public state (see app/public/cache)
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("viewer", ["anonymous", "coordinator"])
def test_the_list_uses_a_fixed_number_of_queries(client, count_queries, viewer):
    creator = make_coordinator("zemgale")
    if viewer == "coordinator":
        login(client, creator)

    def grow_to(n):
        while grow_to.made < n:
            region = ("zemgale", "kurzeme", "latgale", None)[grow_to.made % 4]
            make_hackathon(region=region, criteria=1, created_by=creator,
                           eligible_regions=["zemgale", "vidzeme"],
                           phase="draft" if grow_to.made % 5 == 0 else "open")
            grow_to.made += 1
    grow_to.made = 0

    grow_to(3)
    small = _count(client, count_queries, "/hackathons/?per_page=50")
    grow_to(30)
    large = _count(client, count_queries, "/hackathons/?per_page=50")
    assert small == large, f"{small} queries for 3 hackathons, {large} for 30"
    api_small = _count(client, count_queries, "/api/v1/hackathons?per_page=100")
    grow_to(33)
    api_large = _count(client, count_queries, "/api/v1/hackathons?per_page=100")
    assert api_small == api_large


@pytest.mark.parametrize("viewer", ["anonymous", "coordinator"])
def test_the_hackathon_page_uses_a_fixed_number_of_queries(client, count_queries, viewer):
    creator = make_coordinator("zemgale")
    if viewer == "coordinator":
        login(client, creator)
    h = make_hackathon(criteria=3, created_by=creator, eligible_regions=["zemgale"])
    path = f"/hackathons/{h.slug}"
    small = _count(client, count_queries, path)
    for n in range(27):
        make_criterion(h, name=f"Kritērijs {n}", low_description="zems",
                       high_description="augsts")
    large = _count(client, count_queries, path)
    assert small == large, f"{small} queries for 3 criteria, {large} for 30"
    if viewer == "coordinator":
        for page in (f"/hackathons/{h.slug}/criteria", f"/hackathons/{h.slug}/phase"):
            assert _count(client, count_queries, page) <= large + 2
