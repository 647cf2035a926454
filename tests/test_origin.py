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
    return set(re.findall(r"https?://[^/\s\"'<>]+", text))


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
