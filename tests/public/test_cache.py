"""Repeat views are cheap: ETag and Last-Modified with 304, a page cache keyed by the public
data version, and the version raised by every change to public data."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.public.cache import forget_recent_state, page_cache, public_state
from app.public.models import PublicDataVersion
from tests.conftest import DEFAULT_PASSWORD
from tests.factories_public import many_winners
from tests.public.conftest import main_of


def _version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(PublicDataVersion.version).where(
        PublicDataVersion.id == 1)) or 0


def test_anonymous_pages_carry_an_etag_and_answer_304(client, world):
    first = client.get("/winners")
    etag = first.headers["ETag"]
    assert etag and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/winners", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get("/winners", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_304_costs_one_query_and_no_rendering(client, world, count_queries):
    etag = client.get("/").headers["ETag"]
    page_cache.clear()
    forget_recent_state()
    with count_queries() as counter:
        response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert counter.count == 1  # the public state; then it is remembered for a moment
    assert len(page_cache) == 0  # nothing was rendered
    with count_queries() as counter:
        again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and counter.count == 0


def test_the_etag_depends_on_the_address_and_the_language(client, world):
    plain = client.get("/winners").headers["ETag"]
    filtered = client.get("/winners?region=zemgale").headers["ETag"]
    assert plain != filtered
    english = client.get("/en/winners")
    assert english.headers["ETag"] != plain
    assert "Winning ideas" in english.get_data(as_text=True)


def test_a_change_to_public_data_raises_the_version_and_shows_at_once(client, world):
    page = main_of(client.get("/winners"))
    old_etag = client.get("/winners").headers["ETag"]
    before = _version()
    extra = many_winners(1, municipality="Jelgava", pilots=False)
    assert _version() > before
    response = client.get("/winners", headers={"If-None-Match": old_etag})
    assert response.status_code == 200
    assert extra.ideas[0].title in main_of(response) and extra.ideas[0].title not in page


def test_operations_invalidate_the_cache(client, world):
    """Approving a public report through the pilots' operation shows it in the feed."""
    from app.pilots.reports import approve_update

    feed = client.get("/feed.atom").get_data(as_text=True)
    assert "Vēl nepārbaudīta ziņa" not in feed
    approve_update(world.waiting, actor=world.coordinator)
    db.session.commit()
    feed = client.get("/feed.atom").get_data(as_text=True)
    assert "Vēl nepārbaudīta ziņa" in feed


def test_changes_outside_public_data_keep_the_cache(client, world):
    from tests.factories_public import person

    client.get("/")
    before = _version()
    person("Jauns Lietotājs")  # a user is not public data
    world.draft.title = "Cits melnraksts"  # nor is a team's draft
    db.session.commit()
    assert _version() == before


def test_a_rolled_back_change_does_not_raise_the_version(client, world):
    before = _version()
    world.winner.title = "Atcelts nosaukums"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert _version() == before


def test_bulk_statements_through_the_session_raise_the_version(client, world):
    from sqlalchemy import update

    from app.ideas.models import Idea

    before = _version()
    db.session.execute(update(Idea).where(Idea.id == world.winner.id).values(title="Jauns"))
    db.session.commit()
    assert _version() == before + 1


def test_the_cache_key_follows_the_clock(world):
    """A hackathon opening or closing changes the key even if no row changed."""
    from app.core.clock import now_utc

    now = now_utc()
    today = public_state(now)
    assert today.key == public_state(now).key
    later = public_state(now + timedelta(days=8))  # the open hackathon's deadline passed
    assert later.key != today.key
    assert later.last_modified > today.last_modified


def test_signed_in_visitors_get_personal_uncached_pages(client, world, signed_in):
    signed_in()
    response = client.get("/winners")
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert len(page_cache) == 0


def test_a_pending_message_is_never_cached(client, world, signed_in):
    user = signed_in()
    client.post("/logout")  # leaves a flash message for the next page
    response = client.get("/")
    assert user.name not in response.get_data(as_text=True)
    assert len(page_cache) == 0 or "ETag" not in response.headers


def test_cached_pages_hold_no_csrf_token_and_set_no_cookie(client, world):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert 'name="csrf_token"' not in page
    assert "Set-Cookie" not in response.headers
    assert len(page_cache) == 2  # kept for the application and for the front cache


def test_a_reader_who_only_reads_gets_no_cookie_even_where_forms_are_protected(
        app, client, world, csrf_enabled):
    """Only a page with a form of its own (sign-in, registration) needs a CSRF token, and
    so a session: public pages, each a cache miss here, set no cookie."""
    pages = ["/", "/winners", "/pilots", f"/pilots/{world.pilot.id}", "/hackathons",
             f"/hackathons/{world.hackathon.slug}", "/municipalities", "/privacy",
             "/en/winners", "/api/v1/pilots"]
    for path in pages:
        page_cache.clear()
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert "Set-Cookie" in app.test_client().get("/login").headers


def test_a_signed_in_user_still_signs_out_with_a_token(app, client, world, csrf_enabled):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": world.coordinator.email,
                                       "password": DEFAULT_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get("/winners", follow_redirects=True).get_data(as_text=True)
    sign_out = re.search(r'<form method="post" action="[^"]*/logout".*?</form>', page, re.S)
    assert sign_out and 'name="csrf_token"' in sign_out.group(0)


def test_language_switch_works_from_a_cached_page_without_a_token(client, world,
                                                                 csrf_enabled):
    response = client.post("/language", data={"lang": "en", "next": "/winners"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/winners")
    assert "Winning ideas" in client.get("/en/winners").get_data(as_text=True)


def test_a_signed_in_users_preference_changes_only_with_a_token(app, client, db, signed_in):
    user = signed_in()
    assert user.locale == "lv"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.post("/language", data={"lang": "en"})  # no token: this browser only
        db.session.refresh(user)
        assert user.locale == "lv"
        page = client.get("/en/account").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/language", data={"lang": "en", "csrf_token": token})
        db.session.refresh(user)
        assert user.locale == "en"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_page_cache_is_bounded_in_entries_and_bytes():
    from app.public.cache import CachedPage, PageCache

    cache = PageCache(max_entries=3, max_bytes=250)
    for n in range(5):
        cache.put(("page", n), CachedPage(b"x" * 100, 200, "text/html", ()))
    assert len(cache) == 2 and cache.size == 200  # bytes bound first
    assert cache.get(("page", 0)) is None and cache.get(("page", 4)) is not None
    cache = PageCache(max_entries=3, max_bytes=10_000)
    for n in range(5):
        cache.put(("page", n), CachedPage(b"x", 200, "text/html", ()))
    assert len(cache) == 3 and cache.get(("page", 1)) is None


def test_public_data_changed_makes_every_kept_page_anew(app, client, world):
    """After an SQL script applied by hand: the command raises the public version as a change
    that cannot be told, so a kept page is made again and its ETag changes."""
    from sqlalchemy import text

    from app.public.cache import forget_recent_state

    first = client.get("/winners")
    db.session.execute(text("UPDATE idea SET title = 'Pārdēvēta ar SQL' WHERE id = :id"),
                       {"id": world.winner.id})
    db.session.commit()  # no version raised: the session saw no object change
    result = app.test_cli_runner().invoke(args=["public-data-changed"])
    assert result.exit_code == 0, result.output
    forget_recent_state()
    again = client.get("/winners")
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "Pārdēvēta ar SQL" in again.get_data(as_text=True)
