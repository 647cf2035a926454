"""Every programme page is valid HTML to the Nu Html Checker (vnu.jar), in Latvian and
English, as each of its readers sees it: the public, a coordinator, a respondent and an
administrator; and in the states a form comes back in (a sign-in sheet with bad rows, an
assessment submitted unfinished, an instrument with a bad scale, a round opened twice).

Like tests/standards/test_html_validity.py, it needs Java and vnu-jar (`npm ci`), and
skips without them except where a missing checker must fail (TALKA_BROWSER_REQUIRED=1).
"""

from __future__ import annotations

import io
import json
import subprocess  # nosec B404 - runs the checker we install, with fixed arguments
from datetime import timedelta

from app.core.clock import today_riga
from app.core.language import localised
from tests.conftest import login
from tests.factories_programme import make_instrument, programme_world
from tests.standards.test_html_validity import VNU_JAR, _path, _require_checker


def _sheet(text: str) -> dict:
    return {"sheet": (io.BytesIO(text.encode()), "dalibnieki.csv")}


def test_programme_pages_are_valid_html(app, make_user, tmp_path):
    java = _require_checker()
    coordinator = make_user(role="coordinator", region="zemgale")
    respondent = make_user("valid.html@dobele.example.lv", municipality="Dobeles novads")
    admin = make_user(role="admin")
    made = programme_world(coordinator.email, respondent.email)
    fresh = make_instrument(name="Jauns instruments bez kārtām", rounds=())
    event, instrument, final = made["event"], made["instrument"], made["final_round"]
    pages = {
        None: ["/programme/", "/programme/assessments",
               f"/programme/assessments/{instrument}/results",
               f"/programme/assessments/{instrument}/final-report"],
        coordinator: ["/programme/", "/programme/events", "/programme/events/new",
                      f"/programme/events/{event}", "/programme/people/duplicates",
                      f"/programme/assessments/{instrument}/final-report/detail"],
        respondent: ["/programme/assessments", f"/programme/assessments/rounds/{final}/answer",
                     "/programme/benchlearning"],
        admin: ["/programme/assessments", "/programme/instruments",
                "/programme/instruments/new", f"/programme/instruments/{instrument}/edit",
                f"/programme/instruments/{fresh.id}/edit",
                f"/programme/instruments/{instrument}/rounds",
                f"/programme/instruments/{fresh.id}/rounds"],
    }
    clients = {}
    for who in pages:
        clients[who] = app.test_client()
        if who is not None:
            assert login(clients[who], who).status_code == 302

    written: dict[str, str] = {}

    def keep(who, lang: str, path: str, response, status: int = 200) -> None:
        assert response.status_code == status, (path, response.status_code)
        file = tmp_path / f"page-{len(written):03d}.html"
        file.write_bytes(response.data)
        written[str(file)] = f"{getattr(who, 'email', 'public')} {lang} {path}"

    app.config["WTF_CSRF_ENABLED"] = True  # the tokens are part of what must be valid
    try:
        for who, paths in pages.items():
            for lang in ("lv", "en"):
                for bare in paths:
                    path = localised(bare, lang)
                    keep(who, lang, path, clients[who].get(path))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    question = fresh.themes[0].questions[0]
    closes = (today_riga() + timedelta(days=30)).isoformat()
    for lang in ("lv", "en"):
        def post(who, bare: str, status: int, lang: str = lang, **kwargs) -> None:
            path = localised(bare, lang)
            keep(who, lang, f"POST {path}", clients[who].post(path, **kwargs), status)

        post(coordinator, f"/programme/events/{event}/import", 422,
             data=_sheet("vārds;pašvaldība\n;Atlantīdas novads\n"),
             content_type="multipart/form-data")
        post(coordinator, "/programme/events/new", 422, data={"title": ""})
        post(respondent, f"/programme/assessments/rounds/{final}/answer", 422,
             data={"action": "submit"})
        post(admin, f"/programme/instruments/{fresh.id}/edit", 422, data={
            "name": fresh.name, "themes-0-id": str(fresh.themes[0].id),
            "themes-0-name": fresh.themes[0].name,
            "themes-0-questions-0-id": str(question.id),
            "themes-0-questions-0-text": question.text,
            "themes-0-questions-0-levels": "Tikai viens"})
        post(admin, f"/programme/instruments/{instrument}/rounds", 409,
             data={"kind": "baseline", "closes_on": closes})
        post(admin, f"/programme/instruments/{fresh.id}/rounds", 422,
             data={"kind": "baseline", "opens_on": closes, "closes_on": "2020-01-01"})

    result = subprocess.run(  # nosec B603 - fixed arguments, our own files
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *sorted(written)],
        capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{written.get(_path(m.get('url', '')), m.get('url'))}: line {m.get('lastLine')}: "
              f"{m['message']} [{m.get('extract', '').strip()}]"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert len(written) == 2 * (sum(len(p) for p in pages.values()) + 6)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
