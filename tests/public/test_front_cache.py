"""The front cache (app/public/front.py): a reader without a cookie gets a kept public page
without reaching Flask; anything personal, and any change to public data, gets a fresh one."""

from __future__ import annotations

import functools

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import text

from app.extensions import db
from app.public import cache, front
from app.public.cache import forget_recent_state, page_cache
from tests.factories_public import many_winners
from tests.public.conftest import main_of


@pytest.fixture
def anonymous(app):
    """A reader whose browser keeps no cookie (most of a news story's readers)."""
    return app.test_client(use_cookies=False)


@pytest.fixture
def views_called(app, monkeypatch):
    """How many times each view function ran (a kept answer runs none)."""
    calls: dict[str, int] = {}
    for endpoint, view in list(app.view_functions.items()):
        @functools.wraps(view)  # keeps the access rule the view declares
        def counted(*args, _endpoint=endpoint, _view=view, **kwargs):
            calls[_endpoint] = calls.get(_endpoint, 0) + 1
            return _view(*args, **kwargs)
        monkeypatch.setitem(app.view_functions, endpoint, counted)
    return calls


def _front_entries() -> int:
    return sum(1 for key in page_cache._items if key[0] == "front")


def test_a_repeat_view_without_a_cookie_is_answered_without_the_application(
        anonymous, world, views_called, count_queries):
    first = anonymous.get("/winners")
    assert first.status_code == 200 and views_called == {"public.winners": 1}
    with count_queries() as counter:
        again = anonymous.get("/winners")
    assert again.status_code == 200
    assert views_called == {"public.winners": 1}  # the view did not run again
    assert counter.count == 0  # the public state was read a moment ago
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    # The kept answer carries every header of the first, security headers included.
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type",
                 "Cache-Control", "Last-Modified", "Vary"):
        assert again.headers.get(name) == first.headers.get(name), name


def test_the_marker_header_never_reaches_the_reader(anonymous, client, world):
    responses = [anonymous.get("/"), anonymous.get("/"), anonymous.head("/"),
                 anonymous.get("/data"), anonymous.get("/data"), anonymous.get("/api/v1/pilots"),
                 client.get("/winners"), client.get("/winners")]
    for response in responses:
        assert front.MARKER not in response.headers


def test_a_change_made_here_shows_at_once(anonymous, world):
    before = main_of(anonymous.get("/winners"))
    extra = many_winners(1, municipality="Jelgava", pilots=False)
    after = main_of(anonymous.get("/winners"))
    assert extra.ideas[0].title not in before and extra.ideas[0].title in after


def test_another_workers_change_shows_once_the_remembered_state_expires(
        app, anonymous, world, monkeypatch):
    """Another process raises the version: this one sees it when its state of the last
    second expires (here: the clock moves on), not before."""
    anonymous.get("/winners")
    old = anonymous.get("/winners").data
    # Another worker's commit: the version row changes without this process's hooks.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE public_data_version SET version = version + 1"))
        connection.execute(text("UPDATE idea SET title = 'Cits nosaukums' WHERE id = :id"),
                           {"id": world.winner.id})
    assert anonymous.get("/winners").data == old  # within the second: the kept page
    moment = cache.monotonic_clock.monotonic() + cache.STATE_TTL_SECONDS + 0.01
    monkeypatch.setattr(cache.monotonic_clock, "monotonic", lambda: moment)
    assert "Cits nosaukums" in main_of(anonymous.get("/winners"))


def test_with_no_remembered_state_every_view_reads_it(app, anonymous, world,
                                                      count_queries, views_called):
    app.config["PUBLIC_STATE_TTL_SECONDS"] = 0
    try:
        anonymous.get("/municipalities")
        with count_queries() as counter:
            anonymous.get("/municipalities")
        assert counter.count == 1 and views_called == {"public.municipalities": 1}
    finally:
        app.config.pop("PUBLIC_STATE_TTL_SECONDS")


def test_a_conditional_repeat_view_gets_a_304_from_the_front(anonymous, world, views_called):
    etag = anonymous.get("/pilots").headers["ETag"]
    response = anonymous.get("/pilots", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag and "Content-Length" not in response.headers
    assert views_called == {"public.pilots": 1}


def test_head_is_answered_from_the_kept_page_without_a_body(anonymous, world, views_called):
    page = anonymous.get("/pilots")
    head = anonymous.head("/pilots")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == page.headers["Content-Length"]
    assert views_called == {"public.pilots": 1}


def test_a_request_with_a_cookie_always_reaches_the_application(anonymous, world,
                                                                 views_called):
    anonymous.get("/api/v1/pilots")
    anonymous.get("/api/v1/pilots", headers={"Cookie": "session=x"})
    assert views_called == {"api_pilots.list_pilots": 2}


def test_a_request_with_a_token_always_reaches_the_application(anonymous, world):
    assert anonymous.get("/api/v1/pilots").status_code == 200
    refused = anonymous.get("/api/v1/pilots", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401  # checked by the application, not answered from a copy


def test_signed_in_pages_are_never_kept(client, world, signed_in):
    signed_in()
    client.get("/winners")
    client.get("/")
    assert _front_entries() == 0


def test_an_answer_that_sets_a_cookie_is_never_kept(anonymous, db, views_called):
    """The sign-in page starts a session (its CSRF token): it must not be shared."""
    for _ in range(2):
        response = anonymous.get("/login")
        assert response.status_code == 200
    assert views_called == {"accounts.login": 2}
    assert _front_entries() == 0


def test_api_answers_are_kept_per_language(anonymous, world, views_called):
    latvian = anonymous.get("/api/v1/pilots", headers={"Accept-Language": "lv"})
    english = anonymous.get("/api/v1/pilots", headers={"Accept-Language": "en"})
    again = anonymous.get("/api/v1/pilots", headers={"Accept-Language": "en"})
    assert views_called == {"api_pilots.list_pilots": 2}
    assert again.data == english.data and latvian.status_code == 200
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_that_show_no_data_are_kept_whatever_changes(anonymous, world, views_called):
    anonymous.get("/data")
    many_winners(1, municipality="Jelgava", pilots=False)
    forget_recent_state()
    assert anonymous.get("/data").status_code == 200
    assert views_called == {"opendata.index": 1}


def test_the_front_cache_follows_the_switch(app, anonymous, world, views_called):
    app.config["PUBLIC_CACHE"] = False
    try:
        anonymous.get("/winners")
        anonymous.get("/winners")
    finally:
        app.config.pop("PUBLIC_CACHE")
    assert views_called == {"public.winners": 2}


def test_open_data_downloads_are_kept_until_the_data_change(anonymous, world, views_called):
    first = anonymous.get("/data/ideas.csv")
    assert first.status_code == 200
    assert first.headers["Content-Disposition"] == 'attachment; filename="talka-ideas.csv"'
    again = anonymous.get("/data/ideas.csv")
    assert again.data == first.data and views_called == {"opendata.table_csv": 1}
    extra = many_winners(1, municipality="Jelgava", pilots=False)
    fresh = anonymous.get("/data/ideas.csv")
    assert extra.ideas[0].title in fresh.get_data(as_text=True)
    assert views_called == {"opendata.table_csv": 2}


def test_english_pages_are_kept_apart_from_latvian_ones(app, world, views_called):
    reader = app.test_client()
    first = reader.get("/en/winners")
    again = reader.get("/en/winners")
    assert "Winning ideas" in again.get_data(as_text=True) and again.data == first.data
    latvian = app.test_client(use_cookies=False).get("/winners")
    assert "Winning ideas" not in latvian.get_data(as_text=True)
    assert '<html lang="lv">' in latvian.get_data(as_text=True)
    assert views_called["public.winners"] == 2  # once in English, once in Latvian
    assert _front_entries() == 2


def test_a_kept_latvian_page_does_not_skip_the_one_redirect_to_english(app, world):
    app.test_client(use_cookies=False).get("/winners")  # kept for readers without a cookie
    reader = app.test_client()
    chose = reader.get("/en/winners?lang=en")  # the switcher's link
    assert chose.status_code == 302 and chose.headers["Location"] == "/en/winners"
    sent = reader.get("/winners")
    assert sent.status_code == 302 and sent.headers["Location"] == "/en/winners"
    stays = reader.get("/winners")  # only once: then the Latvian address is Latvian
    assert stays.status_code == 200 and '<html lang="lv">' in stays.get_data(as_text=True)
    assert reader.get("/winners").data == stays.data


def test_a_forged_language_cookie_is_answered_by_the_application(anonymous, world,
                                                                 views_called):
    for _ in range(2):
        response = anonymous.get("/winners",
                                 headers={"Cookie": "session=eyJsYW5nIjoiZW4ifQ.x.y"})
        assert response.status_code == 200 and front.MARKER not in response.headers
    assert views_called == {"public.winners": 2}


def test_a_session_with_a_pending_message_is_never_answered_from_a_copy(
        app, client, world, signed_in):
    app.test_client(use_cookies=False).get("/")  # a kept home page for other readers
    signed_in()
    client.post("/logout")  # leaves "signed out" for the next page
    page = client.get("/").get_data(as_text=True)
    with force_locale("lv"):
        assert gettext("You have signed out.") in page
