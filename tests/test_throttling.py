"""Sign-in throttling: per account and per address, only failures count, a localised
429, and the counters in Redis when RATELIMIT_STORAGE_URI points there."""

from __future__ import annotations

import logging
import re

import pytest
from markupsafe import escape

from app import create_app
from tests.conftest import DEFAULT_PASSWORD

REDIS_URI = "redis://127.0.0.1:6379/15"


def in_latvian(message: str) -> str:
    from flask_babel import force_locale, gettext

    with force_locale("lv"):
        return str(escape(gettext(message)))


def attempt(client, email, password="not the right password", address="10.0.0.1", *,
            path="/login"):
    return client.post(path, data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_account_even_from_another_address(client, make_user):
    user = make_user("target@example.lv")
    for _ in range(5):
        assert attempt(client, user.email).status_code == 422
    # The right password, from elsewhere, is still refused for now.
    assert attempt(client, user.email, DEFAULT_PASSWORD, address="10.9.9.9").status_code == 429
    # The lock is on the account (however its address is spelt), not on everyone.
    assert attempt(client, "TARGET@Example.lv", DEFAULT_PASSWORD,
                   address="10.8.8.8").status_code == 429
    other = make_user()
    assert attempt(client, other.email, DEFAULT_PASSWORD, address="10.9.9.9").status_code == 302


def test_twenty_failures_from_one_address_block_that_address(client, make_user):
    user = make_user()
    for n in range(20):
        assert attempt(client, f"guess{n}@example.lv", address="203.0.113.5").status_code == 422
    assert attempt(client, user.email, DEFAULT_PASSWORD, address="203.0.113.5").status_code == 429
    assert attempt(client, user.email, DEFAULT_PASSWORD, address="203.0.113.6").status_code == 302


def test_successful_sign_ins_do_not_count(app, make_user):
    user = make_user()
    for _ in range(25):
        browser = app.test_client()
        assert attempt(browser, user.email, DEFAULT_PASSWORD).status_code == 302
    browser = app.test_client()
    for _ in range(5):
        assert attempt(browser, user.email).status_code == 422
    assert attempt(browser, user.email).status_code == 429


def test_the_throttle_is_logged_without_the_password(client, make_user, caplog):
    caplog.set_level(logging.INFO, logger="talka.security")
    user = make_user()
    for _ in range(6):
        attempt(client, user.email, password="guessing very hard 42")
    throttled = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_throttled"]
    assert throttled and throttled[0].fields["email"] == user.email
    assert throttled[0].fields["ip"] == "10.0.0.1"
    assert not any("guessing very hard 42" in r.getMessage() for r in caplog.records)


def test_the_429_page_is_latvian_by_default_and_english_after_switching(client, make_user):
    user = make_user()
    for _ in range(5):
        attempt(client, user.email)
    response = attempt(client, user.email)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert in_latvian("Too many attempts") in html
    assert "Too many attempts" not in html

    html = attempt(client, user.email, path="/en/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert re.search(r"Too many attempts in a short time\. Try again in 1[56] minutes\.", html)


def test_limits_are_kept_in_memory_by_default(monkeypatch):
    from app.config import load_config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert load_config({"TESTING": True})["RATELIMIT_STORAGE_URI"] == "memory://"


def test_limits_are_kept_in_redis_when_configured(test_config, make_user):
    redis = pytest.importorskip("redis")
    store = redis.Redis.from_url(REDIS_URI)
    try:
        store.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    store.flushdb()
    user = make_user()
    try:
        worker_one = create_app({**test_config, "RATELIMIT_STORAGE_URI": REDIS_URI})
        browser = worker_one.test_client()
        for _ in range(5):
            assert attempt(browser, user.email).status_code == 422
        assert store.keys("*"), "no rate-limit counters were written to Redis"
        # Another worker (a new app, a new storage connection) sees the same counters.
        worker_two = create_app({**test_config, "RATELIMIT_STORAGE_URI": REDIS_URI})
        answer = attempt(worker_two.test_client(), user.email, DEFAULT_PASSWORD)
        assert answer.status_code == 429
    finally:
        store.flushdb()
        # The limiter is one shared object: bind it back to in-memory storage.
        create_app(test_config)


def test_behind_a_trusted_proxy_the_throttle_counts_the_real_address(test_config, make_user):
    # README's production: gunicorn on 127.0.0.1 behind a TLS proxy. Without trusting
    # the proxy, every visitor would share the proxy's address and its 20 failures.
    proxied = create_app({**test_config, "TRUSTED_PROXIES": 1})
    browser = proxied.test_client()
    user = make_user()

    def through_proxy(email, password, visitor):
        return browser.post("/login", data={"email": email, "password": password},
                            headers={"X-Forwarded-For": visitor},
                            environ_base={"REMOTE_ADDR": "127.0.0.1"})

    for n in range(20):
        assert through_proxy(f"guess{n}@example.lv", "wrong but long", "203.0.113.5"
                             ).status_code == 422
    assert through_proxy(user.email, DEFAULT_PASSWORD, "203.0.113.5").status_code == 429
    assert through_proxy(user.email, DEFAULT_PASSWORD, "198.51.100.7").status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_header_is_ignored(client, make_user):
    user = make_user()
    for n in range(20):
        client.post("/login", data={"email": f"guess{n}@example.lv", "password": "wrong one"},
                    headers={"X-Forwarded-For": f"10.1.1.{n}"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                           headers={"X-Forwarded-For": "10.2.2.2"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 429


def test_an_unknown_address_and_a_known_one_answer_alike_at_every_step(client, make_user):
    """Nobody learns which addresses have accounts from the throttle."""
    user = make_user("esosa@example.lv")
    known, unknown = [], []
    for _ in range(6):
        known.append(attempt(client, user.email, address="10.1.0.1"))
        unknown.append(attempt(client, "nav.konta@example.lv", address="10.2.0.1"))
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [422] * 5 + [429]

    def body(response):
        # The wait is counted from each address's own lock, taken a moment apart: on a
        # busy machine the two can fall either side of a whole minute.
        text = response.get_data(as_text=True).replace(user.email, "").replace(
            "nav.konta@example.lv", "")
        return re.sub(r"\d+ minūt", "N minūt", text)
    assert body(known[0]) == body(unknown[0]) and body(known[-1]) == body(unknown[-1])


def test_the_429_says_how_long_to_wait(client, make_user):
    user = make_user("gaida@example.lv", locale="en")
    for _ in range(5):
        attempt(client, user.email)
    locked = attempt(client, user.email)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    page = locked.get_data(as_text=True)
    assert "Try again in" in page or "Mēģiniet vēlreiz pēc" in page


def test_a_browser_that_signed_in_before_still_signs_in_while_the_address_is_locked(
        app, make_user):
    user = make_user("ipasniece@example.lv")
    own = app.test_client()
    assert attempt(own, user.email, DEFAULT_PASSWORD, address="10.5.0.1").status_code == 302
    own.post("/logout")
    attacker = app.test_client()
    for _ in range(6):
        attempt(attacker, user.email, address="198.51.100.7")
    assert attempt(attacker, user.email, DEFAULT_PASSWORD,
                   address="198.51.100.7").status_code == 429
    # Her own browser carries the signed proof of an earlier sign-in: not locked out.
    assert attempt(own, user.email, DEFAULT_PASSWORD, address="10.5.0.1").status_code == 302
    # A forged or copied-for-another-address cookie proves nothing.
    stranger = app.test_client()
    stranger.set_cookie("talka_device", "forged")
    assert attempt(stranger, user.email, DEFAULT_PASSWORD, address="10.6.0.1").status_code == 429
