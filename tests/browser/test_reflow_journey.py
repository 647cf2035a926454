"""Reflow (WCAG 2.1 1.4.10) and text resize (1.4.4): a phone 320 CSS px wide.

A resident reads every public page at 320 × 640 CSS px in Latvian and in English, and a
coordinator, a winning team and an administrator read their main pages signed in: none
scrolls sideways (`scrollWidth <= clientWidth` on the document). Wide tables scroll inside
their own labelled region instead, which is allowed. Then a few pages with the text at 200 %.
"""

from __future__ import annotations

import pytest

from app.core.language import localised
from tests.browser.support import require_browser
from tests.factories_programme import on_live_server

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}

# The document's overflow, and the elements that stick out past its right edge outside
# any region that scrolls on its own (so the failure names what to fix).
_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !scrolls(el)) {
      const classes = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
      culprits.push(`${name} (${Math.round(box.right - width)} px)`);
    }
  }
  return {scroll: root.scrollWidth, client: width, culprits: culprits.slice(0, 8)};
}"""


def _no_sideways_scroll(journey, path: str, label: str) -> str | None:
    journey.goto(path)
    found = journey.page.evaluate(_OVERFLOW)
    if found["scroll"] <= found["client"]:
        return None
    return (f"{label} {path}: {found['scroll'] - found['client']} px too wide; "
            f"{', '.join(found['culprits'])}")


def _sign_in(journey, person: dict) -> None:
    page = journey.page
    journey.goto("/login")
    page.get_by_label("E-pasta adrese").fill(person["email"])
    page.get_by_label("Parole", exact=True).fill(person["password"])
    journey.click(journey.main().get_by_role("button", name="Pieslēgties", exact=True))
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()


def _to_english(journey) -> None:
    journey.click(journey.page.get_by_role("banner").get_by_role("link", name="English"))
    journey.language_is("en")


ADMIN = {"email": "metodike.reflow@talka.lv", "name": "Mārtiņš Metodiķis", "role": "admin",
         "password": "šaurā ekrānā viss vienā slejā"}


@pytest.fixture(scope="module")
def world(live_server):
    made = live_server.scenario("pilot_running", "results_ready")
    # The programme's pages: an event of the coordinator's region, and an assessment with
    # the winning lead's municipality as a respondent.
    made["programme"] = on_live_server(
        live_server, coordinator=made["results_ready"]["coordinator"]["email"],
        respondent=made["pilot_running"]["winner"]["lead"]["email"])
    live_server.create_users([ADMIN])
    return made


def _public_paths(world: dict) -> list[str]:
    running = world["pilot_running"]
    slug = running["hackathon"]["slug"]
    return ["/", "/hackathons/", f"/hackathons/{slug}",
            f"/hackathons/{world['results_ready']['hackathon']['slug']}",
            f"/hackathons/{slug}/results", f"/hackathons/{slug}/all-ideas", "/winners",
            "/pilots", "/pilots/overview", f"/pilots/{running['pilot']['id']}",
            "/municipalities", "/search?q=jaunie%C5%A1i", "/data", "/data/dictionary",
            "/programme/", "/how-we-rank", "/accessibility", "/privacy", "/login",
            "/register", "/programme/assessments",
            f"/programme/assessments/{world['programme']['instrument']}/results",
            f"/programme/assessments/{world['programme']['instrument']}/final-report"]


def test_public_pages_reflow_at_320_px_in_both_languages(new_journey, world):
    resident = new_journey("resident")
    resident.page.set_viewport_size(PHONE)
    problems = []
    for lang in ("lv", "en"):
        if lang == "en":
            resident.goto("/")
            _to_english(resident)
        problems += [p for path in _public_paths(world)
                     if (p := _no_sideways_scroll(resident, localised(path, lang), lang))]
    assert not problems, "pages scroll sideways at 320 px:\n" + "\n".join(problems)


def test_signed_in_pages_reflow_at_320_px(new_journey, world):
    running, waiting = world["pilot_running"], world["results_ready"]
    pilot = running["pilot"]["id"]
    programme = world["programme"]
    instrument = programme["instrument"]
    pages = {
        "coordinator": (waiting["coordinator"],
                        ["/account", "/pilots/portfolio", "/teams", "/ideas",
                         f"/hackathons/{waiting['hackathon']['slug']}/judging",
                         f"/hackathons/{waiting['hackathon']['slug']}/phase",
                         f"/hackathons/{waiting['hackathon']['slug']}/winners",
                         f"/ideas/{waiting['ideas'][0]['id']}",
                         "/programme/events", "/programme/events/new",
                         f"/programme/events/{programme['event']}",
                         "/programme/people/duplicates",
                         f"/programme/assessments/{instrument}/final-report/detail"]),
        "team": (running["winner"]["lead"],
                 ["/account", "/teams", "/ideas", "/pilots/mine", f"/pilots/{pilot}",
                  f"/pilots/{pilot}/record", f"/ideas/{running['winner']['id']}",
                  f"/programme/assessments/rounds/{programme['final_round']}/answer",
                  "/programme/benchlearning"]),
        "judge": (waiting["judges"][0], ["/reviews", "/account"]),
        "admin": (ADMIN, ["/programme/instruments", "/programme/instruments/new",
                          f"/programme/instruments/{instrument}/edit",
                          f"/programme/instruments/{instrument}/rounds"]),
    }
    problems = []
    for who, (person, paths) in pages.items():
        journey = new_journey(who)
        _sign_in(journey, person)
        journey.page.set_viewport_size(PHONE)
        for lang in ("lv", "en"):
            if lang == "en":
                _to_english(journey)
            problems += [p for path in paths
                         if (p := _no_sideways_scroll(journey, localised(path, lang),
                                                      f"{who} {lang}"))]
    assert not problems, "pages scroll sideways at 320 px:\n" + "\n".join(problems)


def test_text_at_200_percent_still_reflows(new_journey, world):
    """Text resized to 200 % (the browser's text-only zoom) on a 640 px window."""
    resident = new_journey("resident")
    resident.page.set_viewport_size({"width": 640, "height": 800})
    resident.page.context.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => "
        "{ document.documentElement.style.fontSize = '200%'; });")
    running = world["pilot_running"]
    problems = [p for path in ("/", "/pilots", f"/pilots/{running['pilot']['id']}",
                               "/winners", f"/hackathons/{running['hackathon']['slug']}")
                if (p := _no_sideways_scroll(resident, path, "200 %"))]
    assert not problems, "pages scroll sideways with text at 200 %:\n" + "\n".join(problems)
