"""The production topology under load (see topology.py): a deadline rush through nginx
across two instances, an edit seen by the other instance within a second, a worker killed
mid-batch, and Redis stopped. Figures go to benchmarks/RESULTS-topology.md."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.stress import rush as r

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "RESULTS-topology.md"
FIGURES: dict = {}


@pytest.fixture(scope="module")
def rushed(topology):
    result = r.run_rush(topology, topology.plan)
    figures = r.figures(result)
    accepted = {c.idea for c in result.calls if c.kind == "submit" and c.status == 200}
    figures["lost_submissions"] = sum(result.state.ideas[i].status != "submitted"
                                      for i in accepted)
    figures["all_requests_p95_ms"] = r.percentile([c.latency * 1000 for c in result.calls], 95)
    FIGURES["rush"] = figures
    return result


def test_deadline_rush_through_nginx_loses_nothing_and_answers_no_5xx(rushed):
    problems = (r.check_answers(rushed) + r.check_saves_kept(rushed)
                + r.check_deadline(rushed) + r.check_rows_whole(rushed))
    assert problems == []
    assert not [c for c in rushed.calls if c.status >= 500 or c.status == 0]
    assert rushed.log_alarms == []


def test_an_edit_on_one_instance_shows_on_the_other_within_a_second(topology, rushed):
    topology.flask("create-user", "koordinatore@varam.gov.lv", "--name", "Koordinatore",
                   "--role", "coordinator", "--password-stdin",
                   stdin="a long and quiet evening\n")
    token = topology.flask("create-token", "koordinatore@varam.gov.lv").strip().splitlines()[-1]
    first, second = topology.instance_ports
    hackathon = rushed.world["hackathon_id"]
    path = f"/hackathons/{topology.slug(hackathon)}"
    assert r.http_call("GET", second, path, None)[0] == 200  # kept in the second's cache
    title = f"Hakatons {uuid.uuid4().hex[:8]}"
    status, body = r.http_call("PATCH", first, f"/api/v1/hackathons/{hackathon}", token,
                               {"title": title})
    assert status == 200, body
    changed = time.monotonic()
    while True:
        status, page = _page(second, path)
        seen = time.monotonic() - changed
        if title in page or seen > 5:
            break
        time.sleep(0.02)
    FIGURES["edit seen on the other instance after (s)"] = round(seen, 3)
    assert title in page
    assert seen <= 1.0


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
        topology, rushed):
    """SMTP has no way to ask whether a message arrived. A worker killed after the server
    took a message but before the outbox row recorded it cannot know, and sends it again
    (under the same Message-ID, which mail systems use to fold repeats). Everything else
    is sent exactly once: a claim keeps a message from two senders, and a dead worker's
    claims expire into the sweep. So at most one repeat per worker thread, and no loss."""
    marker = f"topology-{uuid.uuid4().hex[:6]}"
    topology.sink.delay = 0.02  # a slow SMTP server: the batch takes seconds
    topology.queue_mail(200, marker)
    time.sleep(1.0)
    before_kill = 200 - topology.unsent(marker)
    topology.kill_worker()
    time.sleep(0.5)
    topology.start_worker()
    limit = time.monotonic() + 150  # a dead worker's claims expire; the minute sweep sends
    while topology.unsent(marker) and time.monotonic() < limit:
        time.sleep(1)
    topology.sink.delay = 0
    keys = topology.keys(marker)
    deliveries = [topology.sink.deliveries.get(f"<outbox.{k}@talka.lv>", 0) for k in keys]
    FIGURES["mail batch"] = {"messages": len(keys), "sent before the kill": before_kill,
                             "delivered": sum(deliveries), "lost": deliveries.count(0),
                             "duplicates": sum(n - 1 for n in deliveries if n > 1)}
    assert 0 < before_kill < 200, "the kill did not land mid-batch"
    assert topology.unsent(marker) == 0
    assert deliveries.count(0) == 0, "a message was lost"
    assert max(deliveries) <= 2
    threads = 2  # topology.start_worker: each thread has at most one message in flight
    assert sum(n - 1 for n in deliveries if n > 1) <= threads


def test_tls_ends_at_nginx_with_hsts_and_plain_http_redirects(topology, rushed):
    status, headers, _ = _call(topology.port, "GET", "/pilots",
                               {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["content-encoding"] == "gzip"
    status, headers, _ = _call(topology.port, "GET", "/static/css/talka.css")
    assert status == 200 and "x-cache" not in headers  # from disk, not from the app
    status, headers, _ = _call(topology.http_port, "GET", "/pilots")
    assert status == 301
    assert headers["location"].startswith("https://127.0.0.1/pilots")
    # A session started through nginx is marked Secure: the app saw https from nginx.
    status, headers, _ = _call(topology.port, "GET", "/login")
    assert status == 200
    assert all("; secure" in line.lower() for line in headers["set-cookie"].splitlines())


def test_nginx_keeps_a_public_page_for_readers_without_a_cookie(topology, rushed):
    # A path of its own, so that no earlier request filled this cache entry.
    path = f"/winners?from=topology-{uuid.uuid4().hex[:8]}"
    status, first, _ = _call(topology.port, "GET", path)
    assert status == 200 and "set-cookie" not in first
    assert first["x-cache"] == "MISS"
    status, again, _ = _call(topology.port, "GET", path)  # well within its second
    assert status == 200 and again["x-cache"] == "HIT"
    # A signed-in reader's request (any cookie) is never answered from the shared cache.
    status, personal, _ = _call(topology.port, "GET", path, {"Cookie": "session=x"})
    assert status == 200 and personal["x-cache"] == "BYPASS"


def test_sign_in_throttling_counts_across_instances(topology, rushed):
    """Five failed sign-ins to one address, spread over both instances, lock the address
    on both: the counts live in Redis, not in a process."""
    first, second = topology.instance_ports
    email = f"throttle-{uuid.uuid4().hex[:6]}@example.lv"
    status, headers, page = _call(first, "GET", "/login")
    cookie = "; ".join(line.split(";", 1)[0] for line in headers["set-cookie"].splitlines())
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"email": email, "password": "not the password", "csrf_token": token}
    answers = [_post_form(port, "/login", form, cookie)[0]
               for port in (first, second, first, second, first)]
    assert answers == [422] * 5
    status, headers = _post_form(second, "/login", form, cookie)
    assert status == 429
    assert int(headers["retry-after"]) > 0
    assert _post_form(first, "/login", form, cookie)[0] == 429


def test_with_redis_stopped_the_site_serves_and_healthz_says_so(topology, rushed):
    topology.stop_redis()
    try:
        marker = f"redis-down-{uuid.uuid4().hex[:6]}"
        topology.queue_mail(3, marker)  # committed; the hand-over to the queue fails
        for port in (*topology.instance_ports, topology.port):
            assert _page(port, "/")[0] == 200
            status, body = r.http_call("GET", port, "/healthz", None)
            assert status == 200
            assert body["status"] == "degraded"
            assert body["detail"]["queue"] == "unavailable"
            assert body["detail"]["mail_waiting"] >= 3
        assert topology.unsent(marker) == 3  # kept in the outbox
    finally:
        topology.start_redis()
    limit = time.monotonic() + 150
    while topology.unsent(marker) and time.monotonic() < limit:
        time.sleep(1)
    FIGURES["redis restarted: mail kept in the outbox was sent"] = topology.unsent(marker) == 0
    assert topology.unsent(marker) == 0


def _call(port: int, method: str, path: str, headers: dict | None = None,
          body: bytes | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers with lower-case names, body text); nothing decompressed."""
    connection = r.connect(port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
        text = "" if response.getheader("Content-Encoding") else raw.decode("utf-8", "replace")
        headers: dict[str, str] = {}
        for name, value in response.getheaders():  # repeated headers (Set-Cookie) one a line
            headers[name.lower()] = "\n".join(filter(None, [headers.get(name.lower()), value]))
        return response.status, headers, text
    finally:
        connection.close()


def _post_form(port: int, path: str, form: dict, cookie: str) -> tuple[int, dict[str, str]]:
    status, headers, _ = _call(port, "POST", path, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        urllib.parse.urlencode(form).encode())
    return status, headers


def _page(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = r.connect(port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def teardown_module(module):
    if "rush" not in FIGURES:
        return
    lines = ["# The topology under load", "",
             "`deploy/test-topology.sh` (tests/topology): nginx → two gunicorn instances "
             "(2 gthread workers × 4 threads each) → PostgreSQL; Redis for the job queue and "
             "rate limits; one Huey worker; an aiosmtpd sink counting deliveries by "
             "Message-ID. nginx runs deploy/nginx/talka.conf itself (TLS on a self-signed "
             "certificate) and gunicorn deploy/gunicorn.conf.py. One 2-core machine, "
             "everything on it; when other work shares the machine, latencies show its load "
             "as much as Talka's.", "", _summary(), "",
             "```json", json.dumps(FIGURES, indent=2, ensure_ascii=False, default=str), "```",
             ""]
    RESULTS.write_text("\n".join(lines))


def _summary() -> str:
    rush, mail = FIGURES["rush"], FIGURES.get("mail batch", {})
    line = (f"Requests {rush['requests']}, 5xx {rush['server_errors']}, lost submissions "
            f"{rush['lost_submissions']}, all requests' p95 {rush['all_requests_p95_ms']:.0f} ms.")
    if mail:
        line += (f" E-mail: {mail['delivered']} deliveries of {mail['messages']} messages, "
                 f"{mail['lost']} lost, {mail['duplicates']} repeated, with the worker killed "
                 f"(SIGKILL) after {mail['sent before the kill']} were sent.")
    return line
