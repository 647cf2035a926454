"""Every public page: a meaningful title and one h1, Open Graph, a canonical address without
the query string, the site navigation, and a print stylesheet."""

from __future__ import annotations

import itertools
import re

import pytest

from app.core.language import localised
from tests.factories_teams import _municipality


def _paths(world):
    return {
        "/": "Idea hackathons for better public services",
        "/winners": "Winning ideas",
        "/municipalities": "Municipalities",
        f"/municipalities/{_municipality('Dobeles novads').id}": "Dobeles novads",
        f"/hackathons/{world.hackathon.slug}": world.hackathon.title,
    }


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_titles_headings_open_graph_and_canonical(client, world, lang):
    for bare, title in _paths(world).items():
        path = localised(bare, lang)  # /en/… for English
        page = client.get(path + "?utm_source=news&page=1").get_data(as_text=True)
        found = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        if lang == "en" or bare not in ("/", "/winners", "/municipalities"):
            assert found.startswith(title), (path, found)
        assert found.endswith("· Talka")
        assert len(re.findall(r"<h1[ >]", page)) == 1, path
        canonical = f'<link rel="canonical" href="http://talka.test{path}">'
        assert canonical in page, path
        assert f'<meta property="og:url" content="http://talka.test{path}">' in page
        assert '<meta property="og:title" content="' in page
        assert '<meta property="og:description" content="' in page
        assert f'<html lang="{lang}">' in page


def test_navigation_links_the_public_pages(client, db):
    page = client.get("/winners").get_data(as_text=True)
    nav = page[page.index('class="main-nav"'):page.index("</nav>")]
    assert 'href="/winners" aria-current="page"' in nav
    assert 'href="/hackathons/"' in nav


def test_headings_are_in_order_on_the_home_page(client, world):
    page = client.get("/").get_data(as_text=True)
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_tables_have_captions_and_header_scopes(client, world):
    page = client.get(f"/municipalities/{_municipality('Dobeles novads').id}")
    text = page.get_data(as_text=True)
    for table in re.findall(r"<table.*?</table>", text, re.S):
        assert "<caption" in table
        assert 'scope="col"' in table and 'scope="row"' in table


def test_the_stylesheet_has_print_rules_for_public_pages(client):
    css = client.get("/static/css/talka.css").get_data(as_text=True)
    public = css[css.index("=== Public (app/public)"):css.index("=== end Public")]
    assert "@media print" in public
    assert "break-inside: avoid" in public
