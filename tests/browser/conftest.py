"""Fixtures for the real-browser journeys (see journey.py for how to write one).

- live_server: the app under gunicorn on 127.0.0.1, on a fresh database migrated by
  `flask --app wsgi init-db`: a temporary SQLite file, or a new PostgreSQL database
  when the suite runs with TEST_DATABASE_URL=postgresql... (one per test session; the
  journeys use their own e-mail addresses, so they do not disturb each other).
- chromium: Debian's Chromium through Playwright, headless.
- journey: a fresh browser context (no cookies) as one person, in Latvian by
  default; new_journey("admin") opens another person's context in the same test.

On a failure, a screenshot and the HTML of every open page go to
test-artifacts/ and their paths are printed with the failure, together with
what the server logged during the test.

Nothing here imports Playwright at module level: without it, the journey
modules skip themselves (tests/browser/support.py) and this file stays inert.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from tests.browser.server import LiveServer

    url = os.environ.get("TEST_DATABASE_URL") or ""
    server = LiveServer(tmp_path_factory.mktemp("browser-server"),
                        postgres_url=url if url.startswith("postgresql") else None).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a busy CI machine may take more than the default 5 s
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_journey(chromium, live_server, request):
    """new_journey(actor="admin", locale="lv-LV") → a Journey in its own browser context."""
    from tests.browser import axe
    from tests.browser.journey import Journey

    opened = []
    request.node._browser_journeys = opened
    request.node._browser_server = live_server
    request.node._browser_log_offset = live_server.log_size()

    def open_journey(actor: str = "visitor", *, locale: str = "lv-LV") -> Journey:
        context = chromium.new_context(base_url=live_server.url, locale=locale,
                                       timezone_id="Europe/Riga",
                                       viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        axe.install_route(context, live_server.url)
        journey = Journey(context.new_page(), live_server, actor)
        opened.append((context, journey))
        return journey

    yield open_journey

    report = getattr(request.node, "rep_call", None)
    problems = []
    if report is not None and report.passed:
        for _context, journey in opened:
            problems += [f"{journey.actor}: {p}" for p in journey.unfinished_business()]
    for context, _journey in opened:
        context.close()
    if problems:
        pytest.fail("the journey's steps passed, but:\n  " + "\n  ".join(problems),
                    pytrace=False)


@pytest.fixture
def journey(new_journey):
    return new_journey("visitor")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed and report.when in ("setup", "call"):
        lines = []
        for _context, journey in getattr(item, "_browser_journeys", []):
            for path in journey.save_artifacts(ARTIFACTS, item.name):
                lines.append(f"{journey.actor}: {path}")
            lines.append(f"{journey.actor}: was at {journey.page.url}")
        server = getattr(item, "_browser_server", None)
        if server is not None:
            log = server.log_since(getattr(item, "_browser_log_offset", 0))
            if log.strip():
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                log_path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name) + "-server.log")
                log_path.write_text(log)
                lines.append(f"server log of this test: {log_path}")
                tail = "\n".join(log.splitlines()[-25:])
                report.sections.append(("server log (last lines)", tail))
        if lines:
            report.sections.append(("browser artifacts", "\n".join(lines)))
    return report
