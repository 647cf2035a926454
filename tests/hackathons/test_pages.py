"""The hackathon pages as people use them: list, page, and the coordinator's pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db as _db
from app.hackathons.models import Hackathon, Phase
from tests.factories_hackathons import make_hackathon

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def coordinator(client, signed_in):
    user = signed_in(role="coordinator", region="zemgale")
    return user


def _text(response) -> str:
    return response.data.decode()


def _form(**changes):
    data = {
        "title": "Drošas apkaimes Zemgalē", "region": "zemgale",
        "theme": "Komunālie un sabiedriskās drošības pakalpojumi",
        "eligible_regions": ["zemgale"],
        "submission_opens_at": "2030-03-01T09:00", "submission_closes_at": "2030-03-31T23:59",
        "judging_closes_at": "2030-04-30T17:00", "reviews_per_idea": "3",
        "blind_review": "y", "ranking_order": "score",
        "description": "## Noteikumi\n\nIdejas **drošākām** ielām.", "prize_text": "",
    }
    data.update(changes)
    return data


# --- the list ---------------------------------------------------------------------------------

def test_list_shows_public_hackathons_with_filters(client):
    zemgale = make_hackathon(region="zemgale", title="Zemgales drošība",
                             theme="Komunālie pakalpojumi")
    kurzeme = make_hackathon(region="kurzeme", title="Kurzemes jaunieši",
                             theme="Darbs ar jaunatni")
    make_hackathon(region="zemgale", title="Slepens melnraksts", phase="draft")
    page = _text(client.get("/hackathons/"))
    assert "Zemgales drošība" in page and "Kurzemes jaunieši" in page
    assert "Slepens melnraksts" not in page
    assert "2 hackathons found." in page
    by_region = _text(client.get("/hackathons/?region=kurzeme"))
    assert kurzeme.title in by_region and zemgale.title not in by_region
    by_theme = _text(client.get("/hackathons/?q=jaunatn"))
    assert kurzeme.title in by_theme and zemgale.title not in by_theme
    by_phase = _text(client.get("/hackathons/?phase=judging"))
    assert "0 hackathons found." in by_phase
    # Nonsense filters are ignored, not errors.
    assert client.get("/hackathons/?region=marss&phase=x&page=abc").status_code == 200


def test_list_search_takes_percent_and_underscore_literally(client):
    make_hackathon(title="Atlaide 100% jauniešiem")
    make_hackathon(title="Atlaide 1000 jauniešiem")
    assert "1 hackathon found." in _text(client.get("/hackathons/?q=100%25"))
    assert "0 hackathons found." in _text(client.get("/hackathons/?q=10_0"))


def test_list_phase_filter_uses_the_effective_phase(client):
    past = now_utc() - timedelta(minutes=5)
    late = make_hackathon(title="Termiņš pagājis", opens_at=past - timedelta(days=2),
                          closes_at=past)
    assert late.title in _text(client.get("/hackathons/?phase=judging"))
    assert late.title not in _text(client.get("/hackathons/?phase=open"))


def test_the_list_follows_edits_and_the_clock_and_shows_drafts_to_their_coordinator(
        client, monkeypatch, signed_in):
    """The public list reads cards kept until public data changes: an edit shows on the
    next read, a deadline passing moves a hackathon to judging with no edit, and a
    coordinator still finds her region's draft there."""
    from app.core import clock

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)
    open_now = make_hackathon(region="vidzeme", title="Vidzemes hakatons")
    draft = make_hackathon(region="zemgale", title="Zemgales melnraksts", phase="draft")
    assert open_now.title in _text(client.get("/hackathons/?phase=open"))
    open_now.title = "Vidzemes jaunais nosaukums"
    _db.session.commit()
    assert "Vidzemes jaunais nosaukums" in _text(client.get("/hackathons/?phase=open"))
    later = open_now.submission_closes_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now_utc", lambda: later)
    monkeypatch.setattr("app.hackathons.views.now_utc", lambda: later)
    assert "Vidzemes jaunais nosaukums" not in _text(client.get("/hackathons/?phase=open"))
    assert "Vidzemes jaunais nosaukums" in _text(client.get("/hackathons/?phase=judging"))
    assert draft.title not in _text(client.get("/hackathons/"))
    signed_in(role="coordinator", region="zemgale")
    assert draft.title in _text(client.get("/hackathons/?region=zemgale"))


def test_list_is_paginated(client):
    for n in range(23):
        make_hackathon(title=f"Hakatons numur {n:02d}", criteria=0)
    first = _text(client.get("/hackathons/"))
    second = _text(client.get("/hackathons/?page=2"))
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert first.count('class="card hackathon-card"') == 20
    assert second.count('class="card hackathon-card"') == 3


def test_the_main_navigation_links_to_hackathons(client):
    page = _text(client.get("/hackathons/"))
    assert 'href="/en/hackathons/" aria-current="page"' in page


# --- the hackathon page --------------------------------------------------------------------------

def test_the_page_shows_timeline_rules_criteria_and_countdown(client):
    now = now_utc()
    h = make_hackathon(
        criteria=2, prize_text="Pilotprojekta finansējums līdz 30 000 EUR",
        description="## Noteikumi\n\nTikai **pašvaldību** komandas. <script>alert(1)</script>"
                    "[x](javascript:alert(1))",
        closes_at=now + timedelta(days=3, hours=4, minutes=30),
        eligible_regions=["zemgale", "latgale"],
    )
    h.criteria[0].low_description = "Neskaidrs ieguvums."
    h.criteria[0].high_description = "Liels, izmērāms ieguvums."
    _db.session.commit()
    page = _text(client.get(f"/hackathons/{h.slug}"))
    assert "3 days 4 hours left to submit ideas" in page
    assert "<strong>pašvaldību</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    assert "Submissions open" in page and "Judging closes" in page
    assert "Pilotprojekta finansējums līdz 30 000 EUR" in page
    assert "Latgale Planning Region" in page and "Zemgale Planning Region" in page
    assert '<th scope="row" lang="lv">Ietekme uz iedzīvotājiem' in page  # Latvian data
    assert "Liels, izmērāms ieguvums." in page
    assert "Open for ideas" in page


def test_times_are_shown_in_latvian_time(client):
    # 21:59 UTC on 31 March 2030 is 00:59 on 1 April in Riga (summer time, UTC+3).
    h = make_hackathon(opens_at=datetime(2030, 3, 1, 7, 0, tzinfo=UTC),
                       closes_at=datetime(2030, 3, 31, 21, 59, tzinfo=UTC),
                       judging_closes_at=datetime(2030, 4, 30, 14, 0, tzinfo=UTC))
    page = _text(client.get(f"/hackathons/{h.slug}"))
    assert "1 April 2030, 00:59" in page
    assert 'datetime="2030-04-01T00:59:00+03:00"' in page


def test_after_the_deadline_the_page_says_submissions_are_closed(client):
    past = now_utc() - timedelta(seconds=1)
    h = make_hackathon(opens_at=past - timedelta(days=3), closes_at=past)
    page = _text(client.get(f"/hackathons/{h.slug}"))
    assert "Submissions are closed." in page and "Judging" in page
    assert "left to submit" not in page


def test_before_opening_the_countdown_counts_to_the_opening(client):
    now = now_utc()
    h = make_hackathon(opens_at=now + timedelta(hours=5, minutes=10),
                       closes_at=now + timedelta(days=9))
    assert "Submissions open in 5 hours" in _text(client.get(f"/hackathons/{h.slug}"))


def test_unknown_slug_is_404(client):
    assert client.get("/hackathons/nav-tada").status_code == 404


# --- the coordinator's pages ---------------------------------------------------------------------

def test_a_coordinator_creates_adds_criteria_and_opens_a_hackathon(client, coordinator):
    form_page = _text(client.get("/hackathons/new"))
    assert '<datalist id="theme-suggestions">' in form_page
    assert "Communal and public-safety services" in form_page
    assert 'list="theme-suggestions"' in form_page

    created = client.post("/hackathons/new", data=_form())
    assert created.status_code == 302
    h = _db.session.scalar(select(Hackathon))
    assert created.headers["Location"].endswith(f"/hackathons/{h.slug}/criteria")
    assert (h.phase, h.blind_review, h.eligible_region_codes) == (Phase.DRAFT, True,
                                                                  ["zemgale"])
    assert h.submission_closes_at == datetime(2030, 3, 31, 20, 59, tzinfo=UTC)  # 23:59 Riga

    premature = client.post(f"/hackathons/{h.slug}/phase", data={"to": "open"})
    assert premature.status_code == 409
    assert "Add at least one judging criterion." in _text(premature)

    added = client.post(f"/hackathons/{h.slug}/criteria", data={
        "name": "Ietekme", "description": "Cik liels ieguvums", "weight": "1,5",
        "max_score": "10", "low_description": "Maz"})
    assert added.status_code == 302
    assert "Ietekme" in _text(client.get(f"/hackathons/{h.slug}/criteria"))

    opened = client.post(f"/hackathons/{h.slug}/phase",
                         data={"to": "open", "reason": "Kritēriji apstiprināti"})
    assert opened.status_code == 302
    history = _text(client.get(f"/hackathons/{h.slug}/phase"))
    assert "Kritēriji apstiprināti" in history and coordinator.name in history
    assert "Move to “Judging”" in history
    assert h.title in _text(client.get("/hackathons/"))


def test_bad_input_on_the_form_shows_every_problem_and_keeps_the_text(client, coordinator):
    response = client.post("/hackathons/new", data=_form(
        title="", theme="t" * 201, reviews_per_idea="11",
        submission_opens_at="2030-03-10T10:00", submission_closes_at="2030-03-05T10:00",
        judging_closes_at="2030-03-01T10:00", description="Mans garais apraksts"))
    assert response.status_code == 422
    page = _text(response)
    for message in ("Enter a title.", "Use at most 200 characters",
                    "Enter a whole number of reviews per idea from 1 to 10.",
                    "The submission deadline must be after submissions open.",
                    "Judging must close after the submission deadline."):
        assert message in page, message
    assert "Mans garais apraksts" in page
    assert 'aria-invalid="true"' in page
    assert _db.session.scalar(select(Hackathon)) is None


def test_an_unparseable_date_on_the_form_is_a_clear_message(client, coordinator):
    response = client.post("/hackathons/new", data=_form(submission_closes_at="31.03.2030"))
    assert response.status_code == 422
    assert "Enter the submission deadline as a date and time" in _text(response)


def test_edit_form_shows_stored_values_in_latvian_time(client, coordinator):
    h = make_hackathon(region="zemgale", phase="draft",
                       closes_at=datetime(2030, 3, 31, 20, 59, tzinfo=UTC))
    page = _text(client.get(f"/hackathons/{h.slug}/edit"))
    assert 'value="2030-03-31T23:59"' in page and 'name="version" type="hidden" value="1"' in page


def test_a_stale_edit_shows_both_versions_and_loses_nothing(client, coordinator, make_user,
                                                           token_for):
    h = make_hackathon(region="zemgale", phase="draft", title="Sākotnējais")
    other = token_for(make_user(role="coordinator", region="zemgale"))
    client.patch(f"/api/v1/hackathons/{h.id}", headers=other,
                 json={"title": "Kolēģa nosaukums"})
    mine = _form(title="Mans nosaukums", description="Mans rūpīgi rakstītais apraksts",
                 version="1")
    response = client.post(f"/hackathons/{h.slug}/edit", data=mine)
    assert response.status_code == 409
    page = _text(response)
    assert "Someone else saved this hackathon while you were editing" in page
    assert "Kolēģa nosaukums" in page                     # what is saved
    assert 'value="Mans nosaukums"' in page               # what I typed, still in the form
    assert "Mans rūpīgi rakstītais apraksts" in page
    assert 'name="version" type="hidden" value="2"' in page
    _db.session.expire_all()
    assert _db.session.get(Hackathon, h.id).title == "Kolēģa nosaukums"
    # Saving again, having seen the other version, goes through.
    again = client.post(f"/hackathons/{h.slug}/edit", data={**mine, "version": "2"})
    assert again.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Hackathon, h.id).title == "Mans nosaukums"


def test_the_edit_form_shows_frozen_settings_as_text_once_open(client, coordinator):
    h = make_hackathon(region="zemgale", phase="open")
    page = _text(client.get(f"/hackathons/{h.slug}/edit"))
    assert 'id="region"' not in page and 'name="eligible_regions"' not in page
    assert 'name="submission_closes_at"' in page
    response = client.post(f"/hackathons/{h.slug}/edit", data=_form(
        title="Labots nosaukums", region="kurzeme", version="1",
        submission_opens_at="", submission_closes_at="2030-03-31T23:59"))
    assert response.status_code == 302
    _db.session.expire_all()
    saved = _db.session.get(Hackathon, h.id)
    assert (saved.title, saved.region_code) == ("Labots nosaukums", "zemgale")


def test_criteria_are_frozen_on_the_page_once_judging_starts(client, coordinator):
    past = now_utc() - timedelta(minutes=1)
    h = make_hackathon(region="zemgale", opens_at=past - timedelta(days=2), closes_at=past)
    page = _text(client.get(f"/hackathons/{h.slug}/criteria"))
    assert "The criteria are frozen" in page and "Add a criterion" not in page
    response = client.post(f"/hackathons/{h.slug}/criteria",
                           data={"name": "Vēlāk", "weight": "1", "max_score": "5"})
    assert response.status_code == 409 and "frozen" in _text(response)
    edit = client.post(f"/hackathons/{h.slug}/criteria/{h.criteria[0].id}",
                       data={"name": "Pārdēvēts", "weight": "1", "max_score": "5"})
    assert edit.status_code == 409
    delete = client.post(f"/hackathons/{h.slug}/criteria/{h.criteria[0].id}/delete")
    # The same answer as the API's, with the reason and a way back to the criteria.
    assert delete.status_code == 409 and "frozen" in _text(delete)
    assert f'href="/en/hackathons/{h.slug}/criteria"' in delete.get_data(as_text=True)
    _db.session.expire_all()
    assert len(_db.session.get(Hackathon, h.id).criteria) == 2


def test_bad_criterion_input_on_the_page(client, coordinator):
    h = make_hackathon(region="zemgale", phase="draft", criteria=0)
    response = client.post(f"/hackathons/{h.slug}/criteria",
                           data={"name": "", "weight": "0", "max_score": "0.5"})
    assert response.status_code == 422
    page = _text(response)
    assert "Enter the criterion&#39;s name." in page or "Enter the criterion's name." in page
    assert "Enter a weight greater than 0" in page
    assert "Enter the maximum score as a whole number from 1" in page


def test_a_criterion_is_edited_and_deleted_on_the_page(client, coordinator):
    h = make_hackathon(region="zemgale", phase="draft", criteria=2)
    first, second = h.criteria
    second_name = second.name
    form = _text(client.get(f"/hackathons/{h.slug}/criteria/{first.id}"))
    assert f'value="{first.name}"' in form
    saved = client.post(f"/hackathons/{h.slug}/criteria/{first.id}", data={
        "name": "Ietekme (precizēts)", "weight": "2.5", "max_score": "7", "position": "5"})
    assert saved.status_code == 302
    deleted = client.post(f"/hackathons/{h.slug}/criteria/{second.id}/delete")
    assert deleted.status_code == 302
    page = _text(client.get(f"/hackathons/{h.slug}"))
    assert "Ietekme (precizēts)" in page and second_name not in page
    other = make_hackathon(region="zemgale", criteria=1)
    assert client.get(f"/hackathons/{h.slug}/criteria/{other.criteria[0].id}").status_code == 404


def test_the_phase_page_explains_an_automatic_close_and_going_back_is_refused(
        client, coordinator):
    past = now_utc() - timedelta(hours=1)
    h = make_hackathon(region="zemgale", opens_at=past - timedelta(days=2), closes_at=past)
    page = _text(client.get(f"/hackathons/{h.slug}/phase"))
    assert "submissions closed automatically" in page
    assert "Move to “Results”" in page
    back = client.post(f"/hackathons/{h.slug}/phase", data={"to": "open"})
    assert back.status_code == 409 and "Phases only move forward" in _text(back)
    moved = client.post(f"/hackathons/{h.slug}/phase",
                        data={"to": "results", "reason": "Vērtēšana pabeigta"})
    assert moved.status_code == 302
    history = _text(client.get(f"/hackathons/{h.slug}/phase"))
    assert "automatically, at the deadline" in history and "Vērtēšana pabeigta" in history


def test_the_last_phase_offers_no_further_step(client, coordinator):
    h = make_hackathon(region="zemgale", phase="closed")
    page = _text(client.get(f"/hackathons/{h.slug}/phase"))
    assert "This is the last phase." in page
    assert client.post(f"/hackathons/{h.slug}/edit", data=_form(version="1")).status_code == 409


def test_the_hackathon_page_says_whether_my_municipality_may_take_part(client, make_user):
    from tests.conftest import login

    hackathon = make_hackathon(region="zemgale", eligible_regions=("zemgale",))
    dobele = make_user("dalibniece@dobele.example.lv", municipality="Dobeles novads",
                       locale="en")
    login(client, dobele)
    page = _text(client.get(f"/hackathons/{hackathon.slug}"))
    assert "Your municipality, Dobeles novads, is in Zemgale" in page
    assert "may take part" in page and "Write an idea" in page
    client.post("/logout")
    cesis = make_user("dalibnieks@cesis.example.lv", municipality="Cēsu novads", locale="en")
    login(client, cesis)
    page = _text(client.get(f"/hackathons/{hackathon.slug}"))
    assert "Only municipalities of these planning regions may take part: Zemgale" in page
    assert "Cēsu novads, is in Vidzeme" in page and "Write an idea" not in page


def test_the_criteria_show_each_weight_share_and_the_level_descriptions(client, coordinator):
    h = make_hackathon(region="zemgale", phase="draft", criteria=0)
    for name, weight in (("Ietekme", "3"), ("Izmaksas", "1")):
        client.post(f"/hackathons/{h.slug}/criteria", data={
            "name": name, "weight": weight, "max_score": "5",
            "low_description": "Maza ietekme", "high_description": "Liela ietekme"})
    page = _text(client.get(f"/hackathons/{h.slug}/criteria"))
    assert "75&nbsp;%" in page and "25&nbsp;%" in page
    assert "Maza ietekme" in page and "Liela ietekme" in page


def test_every_management_page_shows_the_same_sub_navigation(client, coordinator):
    h = make_hackathon(region="zemgale", phase="judging")
    pages = [f"/hackathons/{h.slug}", f"/hackathons/{h.slug}/edit",
             f"/hackathons/{h.slug}/criteria", f"/hackathons/{h.slug}/ideas",
             f"/hackathons/{h.slug}/jury", f"/hackathons/{h.slug}/judging",
             f"/hackathons/{h.slug}/judging/audit", f"/hackathons/{h.slug}/winners",
             f"/hackathons/{h.slug}/phase"]
    navs = set()
    for path in pages:
        html = _text(client.get(path))
        start = html.find('<nav class="subnav"')
        assert start >= 0, path
        nav = html[start:html.index("</nav>", start)]
        assert nav.count('aria-current="page"') == 1, path
        navs.add(re.sub(r"\s+", " ", nav.replace('aria-current="page"', "")))
    assert len(navs) == 1  # the same items, in the same order, everywhere


def test_a_kept_card_counts_down_by_the_minute_and_closes_at_the_deadline(client, monkeypatch):
    """The list's cards are kept, each with its countdown in whole minutes: readers within
    the same whole minute left share the card, the next minute gets a new one, and the
    moment the deadline passes, mid-minute, the card says judging and counts no more."""
    from app.core import clock
    from app.hackathons import cards
    from app.public import summaries
    from app.public.cache import forget_recent_state

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)
    closes = datetime(2031, 5, 10, 12, 5, 30, tzinfo=UTC)
    make_hackathon(region="vidzeme", title="Vidzemes skaitīšana", opens_at=closes - timedelta(
        days=10), closes_at=closes, judging_closes_at=closes + timedelta(days=10))

    def card_at(moment: datetime) -> str:
        monkeypatch.setattr(clock, "now_utc", lambda: moment)
        monkeypatch.setattr("app.hackathons.views.now_utc", lambda: moment)
        monkeypatch.setattr("app.public.cache.now_utc", lambda: moment)
        forget_recent_state()
        page = _text(client.get("/hackathons/?region=vidzeme"))
        return page[page.index('<li class="card hackathon-card">'):].split("</li>")[0]

    early = card_at(datetime(2031, 5, 10, 12, 0, 5, tzinfo=UTC))  # 5 min 25 s left
    assert "5 minutes left" in early
    assert card_at(datetime(2031, 5, 10, 12, 0, 20, tzinfo=UTC)) == early  # 5 min 10 s
    assert any(key[0] == cards._card.name for key in summaries.public_store().kept)
    assert "4 minutes left" in card_at(datetime(2031, 5, 10, 12, 0, 40, tzinfo=UTC))
    before = card_at(datetime(2031, 5, 10, 12, 5, 10, tzinfo=UTC))
    assert "less than a minute left" in before
    after = card_at(datetime(2031, 5, 10, 12, 5, 40, tzinfo=UTC))  # the deadline's minute
    assert "Judging" in after and "left" not in after
