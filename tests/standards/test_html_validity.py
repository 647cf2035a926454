"""Every page the browser journeys visit is valid HTML to the Nu Html Checker (vnu.jar).

The pages are rendered by the test client on one seeded world (a hackathon waiting for its
results and a running pilot), in Latvian and English, signed out and as each kind of user,
with CSRF tokens on (they are what repeated ids came from), and all checked in one run of
the checker. It needs Java and `npm ci` (vnu-jar); without them the test skips, except in
CI (TALKA_BROWSER_REQUIRED=1), where a missing checker must not pass unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404 - runs the checker we install, with fixed arguments
from pathlib import Path

import pytest
from flask import url_for

from app.core.language import localised
from tests.browser.support import ROOT
from tests.conftest import login

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _require_checker() -> str:
    java = shutil.which("java")
    missing = [m for m, ok in (("java (apt-get install default-jre-headless)", java),
                               ("vnu-jar (npm ci)", VNU_JAR.is_file())) if not ok]
    if missing:
        message = "Nu Html Checker cannot run: missing " + ", ".join(missing)
        if os.environ.get("TALKA_BROWSER_REQUIRED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return java


def _world() -> dict:
    from app.programme.models import RoundKind
    from tests.browser import scenarios
    from tests.factories_programme import (
        answer_round,
        make_instrument,
        municipalities_of,
        round_of,
    )

    made = scenarios.pilot_running("vnurun")
    waiting = scenarios.results_ready("vnuwait")
    # An assessment that Zemgale answered (so its editor shows the locked form).
    instrument = make_instrument()
    answer_round(round_of(instrument, RoundKind.BASELINE),
                 dict.fromkeys(municipalities_of("zemgale", 3), 2))
    return {"running": made, "waiting": waiting, "instrument": instrument.id}


def _pages(world: dict) -> dict[str, list[str]]:
    """Paths per visitor, as the journeys visit them."""
    running, waiting = world["running"], world["waiting"]
    slug, pilot = running["hackathon"]["slug"], running["pilot"]["id"]
    idea = running["ideas"][0]["id"]
    public = [url_for("public.home"), url_for("hackathons.index"),
              url_for("hackathons.detail", slug=slug),
              url_for("hackathons.detail", slug=waiting["hackathon"]["slug"]),
              url_for("hackathons.all_ideas", slug=slug),
              url_for("judging.results", slug=slug), url_for("public.winners"),
              url_for("public.pilots"), url_for("public.pilots_overview"),
              url_for("pilots.pilot", pilot_id=pilot), url_for("public.municipalities"),
              url_for("search.results", q="pilot"), url_for("opendata.index"),
              url_for("opendata.dictionary"), url_for("public.accessibility"),
              url_for("public.privacy"), url_for("programme.dashboard"),
              url_for("judging.how_we_rank"), url_for("accounts.login"),
              url_for("accounts.register"), url_for("programme.assessments"),
              url_for("programme.results", instrument_id=world["instrument"]),
              url_for("programme.final_report", instrument_id=world["instrument"])]
    waiting_slug = waiting["hackathon"]["slug"]
    return {
        "public": public,
        "coordinator": [url_for("accounts.account"), url_for("pilots.portfolio"),
                        url_for("hackathons.phase", slug=waiting_slug),
                        url_for("judging.dashboard", slug=waiting_slug),
                        url_for("judging.winners", slug=waiting_slug),
                        url_for("judging.jury", slug=waiting_slug),
                        url_for("ideas.idea", idea_id=waiting["ideas"][0]["id"]),
                        url_for("pilots.pilot", pilot_id=pilot), url_for("teams.my_teams"),
                        url_for("hackathons.index"), url_for("programme.events"),
                        url_for("programme.new_event"),
                        url_for("programme.final_report_detail",
                                instrument_id=world["instrument"])],
        "judge": [url_for("judging.my_reviews"), url_for("accounts.account"),
                  url_for("ideas.idea", idea_id=waiting["ideas"][0]["id"])],
        "team": [url_for("teams.my_teams"), url_for("ideas.my_ideas"),
                 url_for("ideas.idea", idea_id=idea), url_for("pilots.my_pilots"),
                 url_for("pilots.pilot", pilot_id=pilot),
                 url_for("pilots.record", pilot_id=pilot), url_for("accounts.account"),
                 url_for("teams.directory"), url_for("pilots.edit", pilot_id=pilot)],
        "admin": [url_for("admin.index"), url_for("admin.users"), url_for("admin.places"),
                  url_for("accounts.account"), url_for("programme.instruments"),
                  url_for("programme.new_instrument"),
                  url_for("programme.edit_instrument", instrument_id=world["instrument"])],
    }


def _path(url: str) -> str:
    """vnu names a file as file:/tmp/x.html."""
    return str(Path(url.removeprefix("file:")))


def test_journey_pages_are_valid_html(app, make_user, tmp_path):
    java = _require_checker()
    world = _world()
    with app.test_request_context():
        pages = _pages(world)
    people = {
        "coordinator": (world["waiting"]["coordinator"]["email"],
                        world["waiting"]["coordinator"]["password"]),
        "judge": (world["waiting"]["judges"][0]["email"],
                  world["waiting"]["judges"][0]["password"]),
        "team": (world["running"]["winner"]["lead"]["email"],
                 world["running"]["winner"]["lead"]["password"]),
        "admin": (make_user(role="admin").email, None),
    }
    clients = {"public": app.test_client()}
    for who, (email, password) in people.items():
        client = app.test_client()
        response = login(client, email, password) if password else login(client, email)
        assert response.status_code == 302, who
        clients[who] = client

    written: dict[str, str] = {}
    app.config["WTF_CSRF_ENABLED"] = True  # the tokens are part of what must be valid
    try:
        for who, paths in pages.items():
            for lang in ("lv", "en"):
                for n, bare in enumerate(paths):
                    path = localised(bare, lang)  # the language is in the address
                    response = clients[who].get(path)
                    assert response.status_code == 200, (who, lang, path, response.status_code)
                    file = tmp_path / f"{who}-{lang}-{n:02d}.html"
                    file.write_bytes(response.data)
                    written[str(file)] = f"{who} {lang} {path}"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    result = subprocess.run(  # nosec B603 - fixed arguments, our own files
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         *sorted(written)],
        capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{written.get(_path(m.get('url', '')), m.get('url'))}: line {m.get('lastLine')}: "
              f"{m['message']} [{m.get('extract', '').strip()}]"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
