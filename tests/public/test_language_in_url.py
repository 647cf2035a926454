"""The language is in the address: Latvian at /…, English at /en/…; the chosen language is a
preference that redirects once; every page names its other language and its canonical
address; Latvian data on an English page says it is Latvian."""

from __future__ import annotations

import pytest

from app.core.language import localised
from tests.conftest import DEFAULT_PASSWORD, login
from tests.factories_teams import _municipality
from tests.public.conftest import main_of, text_of

SITE = "https://talka.example.lv"


@pytest.fixture
def site_url(app):
    app.config["SITE_URL"] = SITE
    yield SITE
    app.config["SITE_URL"] = ""


def _prefer(client, lang, *, redirected=False):
    with client.session_transaction() as session:
        session["lang"] = lang
        if redirected:
            session["lang_redirected"] = True


# --- the address decides ---------------------------------------------------------------------

def test_the_english_address_answers_in_english_and_the_latvian_in_latvian(client, world):
    english = text_of(client.get("/en/winners"))
    latvian = text_of(client.get("/winners"))
    assert '<html lang="en">' in english and "Winning ideas" in english
    assert '<html lang="lv">' in latvian and "Winning ideas" not in latvian


@pytest.mark.parametrize("path", ["/", "/winners", "/pilots", "/municipalities", "/hackathons/",
                                  "/data", "/accessibility", "/login", "/register"])
def test_every_page_answers_at_both_addresses(client, world, path):
    assert '<html lang="lv">' in text_of(client.get(path))
    assert '<html lang="en">' in text_of(client.get(localised(path, "en")))


def test_a_chosen_language_does_not_change_the_language_of_an_address(client, world):
    _prefer(client, "lv")
    assert '<html lang="en">' in text_of(client.get("/en/winners"))
    _prefer(client, "en", redirected=True)
    assert '<html lang="lv">' in text_of(client.get("/winners"))


def test_a_visitor_who_prefers_english_is_sent_to_english_once(client, world):
    _prefer(client, "en")
    first = client.get("/winners?region=zemgale")
    assert first.status_code == 302
    assert first.headers["Location"] == "/en/winners?region=zemgale"
    again = client.get("/winners")
    assert '<html lang="lv">' in text_of(again)  # asked for Latvian again: Latvian it is


def test_links_on_an_english_page_stay_in_english(client, world):
    page = client.get("/en/winners").get_data(as_text=True)
    nav = page[page.index('class="main-nav"'):page.index("</nav>")]
    assert 'href="/en/winners" aria-current="page"' in nav
    assert 'href="/en/hackathons/"' in nav and 'href="/en/pilots"' in nav
    assert 'href="/en/accessibility"' in page and 'href="/en/data"' in page
    assert 'href="/en/feed.atom"' in page
    assert f'href="/en/ideas/{world.winner.id}"' in page
    # One address for both languages: static files and the API.
    assert 'href="/static/favicon.svg"' in page and 'href="/api/v1/openapi.json"' in page
    assert 'href="/en/static' not in page and 'href="/en/api' not in page


def test_language_neutral_addresses_have_no_english_copy(client, db):
    for path in ("/api/v1/regions", "/healthz", "/static/favicon.svg", "/robots.txt",
                 "/sitemap.xml"):
        assert client.get(path).status_code == 200, path
        assert client.get("/en" + path).status_code == 404, path


def test_a_missing_english_page_is_an_english_404(client, db):
    response = client.get("/en/no-such-page")
    assert response.status_code == 404
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_the_api_keeps_its_language_from_the_header(client, db):
    def title(language):
        return client.get("/api/v1/hackathons/no-such-hackathon",
                          headers={"Accept-Language": language}).get_json()["title"]

    assert title("en") != title("lv")


def test_a_form_posted_at_an_english_address_answers_in_english(client, db):
    response = client.post("/en/login", data={"email": "nobody@example.lv",
                                               "password": "wrong but long enough"})
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_signed_in_pages_answer_in_the_language_of_their_address(client, signed_in):
    signed_in()  # a Latvian-speaking user
    english = text_of(client.get("/en/account"))
    assert '<html lang="en">' in english and 'action="/en/logout"' in english
    assert '<html lang="lv">' in text_of(client.get("/account"))


def test_signing_in_with_english_as_the_accounts_language_leads_to_english(app, make_user):
    user = make_user(locale="en")
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    first = browser.get(response.headers["Location"])
    assert first.status_code == 302 and first.headers["Location"].startswith("/en/")


# --- the switcher -----------------------------------------------------------------------------

def test_the_switcher_links_to_the_same_page_in_the_other_language(client, world):
    latvian = client.get("/winners?region=zemgale").get_data(as_text=True)
    assert ('<a class="lang-switch" href="/en/winners?region=zemgale&amp;lang=en" '
            'hreflang="en" lang="en">English</a>') in latvian
    english = client.get("/en/winners?region=zemgale").get_data(as_text=True)
    assert ('<a class="lang-switch" href="/winners?region=zemgale&amp;lang=lv" '
            'hreflang="lv" lang="lv">Latviešu</a>') in english
    home = client.get("/en/").get_data(as_text=True)
    assert 'href="/?lang=lv"' in home


def test_following_the_switcher_remembers_the_choice_and_lands_on_the_clean_address(client,
                                                                                   world):
    response = client.get("/en/winners?region=zemgale&lang=en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/winners?region=zemgale"
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    assert client.get("/winners").headers["Location"] == "/en/winners"  # the preference
    # Choosing Latvian back: no more redirects to English.
    assert client.get("/winners?lang=lv").headers["Location"] == "/winners"
    assert '<html lang="lv">' in text_of(client.get("/pilots"))


# --- alternates and canonical -------------------------------------------------------------------

@pytest.mark.parametrize("bare", ["/", "/winners", "/municipalities"])
def test_every_page_names_both_languages_and_its_canonical_address(client, world, site_url,
                                                                  bare):
    en = "/en/" if bare == "/" else "/en" + bare
    for path, canonical in ((bare, SITE + bare), (en, SITE + en)):
        page = client.get(path + "?utm_source=x", headers={"Host": "127.0.0.1"}).get_data(
            as_text=True)
        assert f'<link rel="canonical" href="{canonical}">' in page, path
        assert f'<link rel="alternate" hreflang="lv" href="{SITE}{bare}">' in page
        assert f'<link rel="alternate" hreflang="en" href="{SITE}{en}">' in page
        assert f'<link rel="alternate" hreflang="x-default" href="{SITE}{bare}">' in page
        assert "127.0.0.1" not in page


def test_signed_in_pages_name_their_alternates_too(client, signed_in):
    signed_in()
    page = client.get("/en/account").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="lv" href="http://talka.test/account">' in page
    assert '<link rel="canonical" href="http://talka.test/en/account">' in page


# --- Latvian data on English pages -------------------------------------------------------------

def test_latvian_data_on_an_english_page_is_marked_latvian(client, world):
    page = main_of(client.get(f"/en/pilots/{world.pilot.id}"))
    assert f'<h1 lang="lv">{world.pilot.title}</h1>' in page
    assert f'<span lang="lv">{world.team.name}</span>' in page
    assert '<span lang="lv">Dobeles novads</span>' in page
    assert '<div class="prose" lang="lv">' in page  # the pilot's summary
    winners = main_of(client.get("/en/winners"))
    assert f'<span lang="lv">{world.winner.title}</span>' in winners
    idea = main_of(client.get(f"/en/ideas/{world.winner.id}"))
    assert f'<h1 lang="lv">{world.winner.title}</h1>' in idea
    dobele = main_of(client.get(f"/en/municipalities/{_municipality('Dobeles novads').id}"))
    assert '<h1 lang="lv">Dobeles novads</h1>' in dobele
    hackathon = main_of(client.get(f"/en/hackathons/{world.hackathon.slug}"))
    assert f'<h1 lang="lv">{world.hackathon.title}</h1>' in hackathon


def test_a_latvian_page_does_not_repeat_the_language_of_its_data(client, world):
    page = main_of(client.get(f"/pilots/{world.pilot.id}"))
    assert f"<h1>{world.pilot.title}</h1>" in page
    assert 'lang="lv"' not in page


def test_an_english_interface_text_is_not_marked_latvian(client, world, make_user):
    user = make_user(locale="en")
    login(client, user)
    page = main_of(client.get("/en/ideas"))
    assert 'lang="lv">My ideas' not in page


# --- caches ------------------------------------------------------------------------------------

def test_a_cached_latvian_page_is_never_served_at_the_english_address(app, client, world):
    from app.public.cache import page_cache

    latvian = client.get("/winners")
    again = client.get("/winners")
    assert again.data == latvian.data and len(page_cache) >= 1
    english = client.get("/en/winners")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert english.headers["ETag"] != latvian.headers["ETag"]
    # A conditional request with the Latvian ETag at the English address gets the page.
    conditional = client.get("/en/winners", headers={"If-None-Match": latvian.headers["ETag"]})
    assert conditional.status_code == 200
    assert '<html lang="en">' in conditional.get_data(as_text=True)
    assert '<html lang="lv">' in client.get("/winners").get_data(as_text=True)


def test_the_front_cache_keeps_each_language_apart(app, world):
    reader = app.test_client(use_cookies=False)
    for _ in range(2):
        assert '<html lang="lv">' in reader.get("/").get_data(as_text=True)
        assert '<html lang="en">' in reader.get("/en/").get_data(as_text=True)


def test_a_forged_host_is_refused_at_english_addresses_too(client, world):
    for path in ("/en/", "/en/winners", "/en/winners?lang=en", "/winners?lang=en"):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400, path
