"""Fixtures of the public pages' tests: the public world, an empty page cache per test."""

from __future__ import annotations

import pytest

from tests.conftest import read_in_english
from tests.factories_public import public_world


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    from app.public.cache import page_cache

    page_cache.clear()
    yield
    page_cache.clear()


@pytest.fixture
def world(db):
    return public_world()


@pytest.fixture
def english(client):
    """The visitor reads the English site (/en/…)."""
    return read_in_english(client)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def main_of(response) -> str:
    """The page's <main> only (the header and footer are the same everywhere)."""
    page = text_of(response)
    return page[page.index("<main"):page.index("</main>")]
