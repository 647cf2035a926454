"""One origin for every absolute URL: SITE_URL, never the Host a request claims.

A forged Host must not reach another person's e-mail or page, with SITE_URL (the Host is
refused, and links use SITE_URL anyway) or without it (local use: pages are kept per host).
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.config import ConfigError
from tests.conftest import IsolatedClient
from tests.factories_public import public_world

EVIL = "evil.example"
SITE = "https://talka.example.lv"


@pytest.fixture
def site_app(test_config):
    """The app as deployed: SITE_URL set (the test database and settings otherwise)."""
    app = create_app({**test_config, "SITE_URL": SITE, "SERVER_NAME": None})
    app.test_client_class = IsolatedClient
    return app


def _links(text: str) -> set[str]:
    return set(re.findall(r"https?://[^/\s\"'<>)]+", text))


def test_production_refuses_to_start_without_site_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a long and random production secret")
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="SITE_URL"):
        create_app({"TALKA_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError, match="origin"):
        create_app({"TALKA_ENV": "production", "INSTANCE_PATH": str(tmp_path),
                    "SITE_URL": "https://talka.example.lv/sub"})


def test_trusted_hosts_default_to_the_site_and_the_machine(site_app):
    assert site_app.config["TRUSTED_HOSTS"] == ["talka.example.lv", "localhost", "127.0.0.1"]
    client = site_app.test_client()
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "talka.example.lv"}).status_code == 200
    assert client.get("/", headers={"Host": EVIL}).status_code == 400


def test_a_reset_mail_asked_for_with_a_forged_host_links_to_the_site(site_app, make_user,
                                                                      outbox):
    user = make_user("upuris@dobele.example.lv")
    client = site_app.test_client()
    refused = client.post("/password-reset", data={"email": user.email},
                          headers={"Host": EVIL})
    assert refused.status_code == 400 and not outbox()
    # Even a trusted local name (a health check's) builds links from SITE_URL.
    client.post("/password-reset", data={"email": user.email}, headers={"Host": "localhost"})
    (mail,) = outbox(user.email)
    assert _links(mail.body) == {SITE}


def test_without_site_url_a_forged_host_is_refused_for_mail_and_pages(client, make_user,
                                                                       outbox):
    """Local use: the machine's own names only; a forged Host asks in vain."""
    user = make_user("upuris@dobele.example.lv")
    forged = {"Host": EVIL}
    assert client.post("/password-reset", data={"email": user.email},
                       headers=forged).status_code == 400
    assert client.post("/register", data={"name": "X", "email": "x@example.lv"},
                       headers=forged).status_code == 400
    assert client.get("/", headers=forged).status_code == 400
    assert not outbox()


def test_without_site_url_a_page_made_for_one_host_is_never_served_to_another(client):
    public_world()
    for path in ("/", "/winners", "/pilots", "/feed.atom", "/sitemap.xml", "/robots.txt",
                 "/data", "/api/v1/pilots", "/api/v1/winners"):
        other = client.get(path, headers={"Host": "127.0.0.1", "Cookie": "x=1"})
        assert other.status_code == 200, path
        mine = client.get(path)
        assert "127.0.0.1" not in mine.get_data(as_text=True), path


def test_with_site_url_every_public_page_links_to_the_site(site_app):
    public_world()
    client = site_app.test_client()
    for path in ("/", "/winners", "/pilots", "/feed.atom", "/sitemap.xml", "/robots.txt",
                 "/data", "/api/v1/pilots", "/api/v1/winners"):
        page = client.get(path, headers={"Host": "localhost"})
        assert page.status_code == 200, path
        hosts = {h for h in _links(page.get_data(as_text=True)) if "talka" in h or "localhost"
                 in h}
        assert "http://localhost" not in hosts, path


LOCAL = "http://localhost"  # a trusted name (health checks), but not the site's


def _registration(email: str) -> dict:
    from tests.conftest import DEFAULT_PASSWORD

    return {"name": "Ilze Vītola", "email": email, "municipality_id": "", "locale": "lv",
            "password": DEFAULT_PASSWORD, "password_again": DEFAULT_PASSWORD}


def test_every_mail_flow_asked_for_through_another_host_links_to_the_site(site_app, make_user,
                                                                            outbox):
    """Confirmation, its resending and a team invitation: each link leads to SITE_URL."""
    from tests.conftest import login
    from tests.factories_teams import make_team

    client = site_app.test_client()
    client.post("/register", data=_registration("jauna@valmiera.example.lv"), base_url=LOCAL)
    client.post("/confirm/resend", data={"email": "jauna@valmiera.example.lv"},
                base_url=LOCAL)
    confirmations = outbox("jauna@valmiera.example.lv")
    assert len(confirmations) == 2
    lead = make_user("vaditaja@dobele.example.lv", municipality="Dobeles novads")
    team = make_team(lead)
    inviting = site_app.test_client()
    assert login(inviting, lead).status_code == 302
    inviting.post(f"/teams/{team.id}/invitations", data={"email": "draugs@example.lv"},
                  base_url=LOCAL)
    (invitation,) = outbox("draugs@example.lv")
    for mail in (*confirmations, invitation):
        assert _links(mail.body) == {SITE}, mail.subject


def _sitemap_paths(client, **kwargs) -> list[str]:
    import xml.etree.ElementTree as ET
    from urllib.parse import urlsplit

    root = ET.fromstring(client.get("/sitemap.xml", **kwargs).data)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    paths = [urlsplit(loc).path for loc in locs]
    assert len(paths) > 10
    return [*paths, "/feed.atom", "/en/feed.atom", "/robots.txt", "/sitemap.xml",
            "/data/datapackage.json", "/data/ideas.json", "/data/dictionary",
            "/api/v1/pilots", "/api/v1/winners", "/api/v1/hackathons"]


def test_with_site_url_no_public_page_links_to_the_host_it_was_asked_through(site_app):
    public_world()
    client = site_app.test_client()
    for path in _sitemap_paths(client, base_url=LOCAL):
        assert client.get(path, headers={"Host": EVIL}).status_code == 400, path
        page = client.get(path, base_url=LOCAL)
        assert page.status_code == 200, path
        assert _links(page.get_data(as_text=True)) <= {SITE, "https://creativecommons.org",
                                                       "http://www.w3.org",
                                                       "http://www.sitemaps.org"}, path


def test_without_site_url_no_public_page_made_for_one_host_reaches_another(client):
    """Local use: a page asked for through 127.0.0.1 is kept for 127.0.0.1 only."""
    public_world()
    for path in _sitemap_paths(client):
        assert client.get(path, headers={"Host": EVIL}).status_code == 400, path
        made = client.get(path, base_url="http://127.0.0.1")
        assert made.status_code == 200, path
        assert "127.0.0.1" not in client.get(path).get_data(as_text=True), path


def test_links_written_outside_a_request_start_at_the_site(site_app):
    """A job or a command (no request at all) writes links to SITE_URL too, in the language
    it was asked for."""
    from flask import url_for
    from flask_babel import force_locale

    with site_app.app_context():
        assert url_for("public.winners", _external=True) == SITE + "/winners"
        with force_locale("en"):
            assert url_for("public.winners", _external=True) == SITE + "/en/winners"


def test_built_links_follow_the_host_language_and_arguments_they_are_built_for(test_config):
    """Links are kept once built; each must still be the one for its host, its language and
    its arguments (1 and True are different arguments)."""
    from flask import url_for

    local = create_app({**test_config, "SITE_URL": "", "SERVER_NAME": None})
    with local.test_request_context("/", base_url="http://localhost"):
        assert url_for("public.home", _external=True) == "http://localhost/"
        assert url_for("pilots.pilot", pilot_id=1) == "/pilots/1"
    with local.test_request_context("/", base_url="http://127.0.0.1"):
        assert url_for("public.home", _external=True) == "http://127.0.0.1/"
    with local.test_request_context("/en/winners", base_url="http://localhost"):
        assert url_for("pilots.pilot", pilot_id=1) == "/en/pilots/1"
    deployed = create_app({**test_config, "SITE_URL": SITE, "SERVER_NAME": None})
    with deployed.test_request_context("/", base_url="http://localhost"):
        assert url_for("public.home", _external=True) == SITE + "/"
        assert url_for("public.winners", page=1) != url_for("public.winners", page=True)
