"""/pilots and the public /pilots/<id>: what everyone sees, and what stays internal."""

from __future__ import annotations

import re

from tests.conftest import login
from tests.factories_public import many_winners, person
from tests.factories_teams import _municipality
from tests.public.conftest import main_of

# --- the list --------------------------------------------------------------------------------

def test_pilot_list_shows_every_pilot_with_status_health_progress_and_money(client, world,
                                                                           english):
    page = main_of(client.get("/pilots"))
    assert "2 pilots found." in page
    assert world.pilot.title in page and world.ended.title in page
    assert f'href="/en/pilots/{world.pilot.id}"' in page
    assert "Active" in page and "Completed" in page
    assert "Green: on track" in page
    assert "66" in page  # progress of the running pilot
    assert "€20,000.00" in page and "€2,000.00" in page
    assert "Dobeles novads" in page and "Bauskas novads" in page  # lead and partner


def test_pilot_list_filters(client, world, english):
    page = main_of(client.get("/pilots?status=completed"))
    assert world.ended.title in page and world.pilot.title not in page
    page = main_of(client.get("/pilots?region=kurzeme"))
    assert "No pilot matches these filters." in page
    bauska = _municipality("Bauskas novads")  # a partner of the Dobele pilot only
    page = main_of(client.get(f"/pilots?municipality={bauska.id}"))
    assert world.pilot.title in page and world.ended.title not in page
    page = main_of(client.get("/pilots?health=green"))
    assert world.pilot.title in page


def test_pilot_list_filters_by_health(client, english):
    many_winners(8)  # milestones in all states: some pilots are red
    red_page = main_of(client.get("/pilots?health=red"))
    green_page = main_of(client.get("/pilots?health=green"))
    red, green = (p[p.index('role="status"'):] for p in (red_page, green_page))
    assert "Red: at risk" in red and "Green: on track" not in red
    assert "Red: at risk" not in green
    found = [int(n) for n in re.findall(r"(\d+) pilots? found", red + green)]
    assert 0 < sum(found) <= 8


def test_pilot_list_ignores_nonsense_and_pages(client, english):
    many_winners(30)
    assert client.get("/pilots?status=x&health=blue&region=mars&municipality=abc"
                      ).status_code == 200
    page = main_of(client.get("/pilots"))
    assert "30 pilots found." in page and "Page 1 of 2" in page
    assert main_of(client.get("/pilots?page=2")).count('<th scope="row">') == 5


def test_the_lists_of_pilots_follow_every_change_on_the_next_read(client, db, world,
                                                                  english):
    """Every pilot's table row is kept between readers; a change to a pilot's money, its
    partners or its municipality's name shows on the next read of every list."""
    from tests.factories_pilots import add_expense

    assert world.pilot.title not in main_of(client.get("/pilots?health=red"))
    before = client.get("/api/v1/pilots?per_page=100").get_json()["items"]  # kept
    assert {i["id"]: i["health"] for i in before}[world.pilot.id] != "red"
    add_expense(world.pilot, "25000.00")  # over the approved €20,000: red
    _municipality("Bauskas novads").name = "Bauskas novads (pārdēvēts)"
    db.session.commit()
    red = main_of(client.get("/pilots?health=red"))
    assert world.pilot.title in red and "€27,000.00" in red
    assert "Bauskas novads (pārdēvēts)" in red
    home = main_of(client.get("/"))
    assert "Red: at risk" in home and "Bauskas novads (pārdēvēts)" in home
    place = main_of(client.get(f"/municipalities/{world.pilot.lead_municipality_id}"))
    assert "Red: at risk" in place
    listed = {item["id"]: item for item in
              client.get("/api/v1/pilots?per_page=100").get_json()["items"]}
    mine = listed[world.pilot.id]
    assert (mine["health"], mine["spent_eur"]) == ("red", "27000.00")
    assert "Bauskas novads (pārdēvēts)" in [m["name"] for m in mine["partner_municipalities"]]


def test_a_kept_rows_reasons_are_said_in_each_readers_language(client, db, world):
    """The reasons of a kept row are worked out once per language, never once for all."""
    from tests.factories_pilots import add_expense

    add_expense(world.pilot, "25000.00")  # over the approved €20,000
    latvian = main_of(client.get("/pilots?health=red"))
    english = main_of(client.get("/en/pilots?health=red"))
    assert "pārsniedz apstiprināto budžetu" in latvian and "Sarkans:" in latvian
    assert "exceeds the approved budget" in english and "Red:" in english
    assert "pārsniedz" not in english and "exceeds" not in latvian
    assert "exceeds the approved budget" in main_of(client.get("/en/pilots?health=red"))


def test_the_navigation_has_the_public_pilot_list(client, db):
    page = client.get("/pilots").get_data(as_text=True)
    nav = page[page.index('class="main-nav"'):page.index("</nav>")]
    assert 'href="/pilots" aria-current="page"' in nav


def test_my_pilots_moved_to_pilots_mine(client, world):
    login(client, world.lead)
    page = client.get("/pilots/mine").get_data(as_text=True)
    assert world.pilot.title in page


# --- one pilot -------------------------------------------------------------------------------

def test_anyone_sees_the_public_parts_of_a_pilot(client, world, english):
    page = main_of(client.get(f"/pilots/{world.pilot.id}"))
    assert f'<h1 lang="lv">{world.pilot.title}</h1>' in page
    assert "Active" in page and "Green: on track" in page  # status, health
    assert "No milestone is late" in page  # and why
    assert "66" in page  # progress
    for title in ("Skaitītāju iepirkums", "Uzstādīšana", "Norēķinu sasaiste"):
        assert title in page  # the milestone timeline
    assert "<svg" in page  # the indicator chart ...
    # ... with its data table
    assert 'Measurements of “<span lang="lv">Kļūdaino rēķinu skaits</span>”' in page
    assert "Norēķinu sistēma" in page
    assert "€20,000.00" in page and "€2,000.00" in page  # approved and spent
    assert "Uzstādīti <strong>200</strong> skaitītāji." in page  # the approved public report
    assert "Tukuma novads" in page  # replication
    assert world.team.name in page and f'href="/en/ideas/{world.winner.id}"' in page


def test_internal_parts_stay_internal(client, world):
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert "Vēl nepārbaudīta ziņa" not in page  # waiting for approval
    assert "Iekšēja piezīme" not in page  # an internal report
    assert "Rēķins par skaitītājiem" in page  # public money is accounted for item by item
    assert "Iekšējais līgums" not in page  # milestone evidence
    assert 'id="status-h"' not in page  # the status history names who changed it
    assert "csrf_token" not in page and "<form method=\"post\"" not in page.split("</header>")[1]
    for user in world.people:
        assert user.name not in page and user.email not in page


def test_the_team_still_sees_everything(client, world):
    login(client, world.lead)
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert "Iekšēja piezīme" in page and "Rēķins par skaitītājiem" in page
    assert "Vēl nepārbaudīta ziņa" in page


def test_an_ended_pilot_shows_its_final_evaluation(client, world, english):
    page = main_of(client.get(f"/pilots/{world.ended.id}"))
    assert "Final evaluation" in page
    assert "Sasniegts mērķis." in page and "Vajag vairāk laika." in page
    assert "Scale up" in page


def test_a_pilots_page_follows_every_change_on_the_next_read(client, db, world, english,
                                                             monkeypatch):
    """A reader's page of a pilot is kept between readers who are not signed in: a report
    published, money spent, a partner renamed, and a milestone's date passing with no edit
    at all, each shows on the next read."""
    from datetime import timedelta

    from app.core import clock
    from app.public.cache import forget_recent_state
    from tests.factories_pilots import add_expense, add_report

    monkeypatch.setitem(client.application.config, "PUBLIC_CACHE", False)
    url = f"/pilots/{world.pilot.id}"
    page = main_of(client.get(url))
    assert "Sasniegts jauns posms." not in page and "Red: at risk" not in page
    add_report(world.pilot, public=True, status="approved", body="Sasniegts jauns posms.")
    add_expense(world.pilot, "25000.00")  # over the approved €20,000: red
    _municipality("Tukuma novads").name = "Tukuma novads (pārdēvēts)"
    db.session.commit()
    page = main_of(client.get(url))
    assert "Sasniegts jauns posms." in page
    assert "Red: at risk" in page and "€27,000.00" in page
    assert "Tukuma novads (pārdēvēts)" in page
    assert "Overdue" not in page

    later = clock.now_utc() + timedelta(days=61)  # "Norēķinu sasaiste" fell due yesterday
    monkeypatch.setattr(clock, "now_utc", lambda: later)
    monkeypatch.setattr("app.public.cache.now_utc", lambda: later)
    forget_recent_state()
    assert "Overdue by 1 day" in main_of(client.get(url))


def test_a_crawler_asking_for_every_number_keeps_nothing(client, db, world):
    from app.public import summaries

    client.get(f"/pilots/{world.pilot.id}")
    kept = len(summaries._kept)
    for missing in range(10_000, 10_050):
        assert client.get(f"/pilots/{missing}").status_code == 404
    assert len(summaries._kept) == kept


def test_a_crawler_reading_every_pilot_keeps_a_bounded_number_of_pages(app, db, world):
    from sqlalchemy import select

    from app.core.clock import today_riga
    from app.pilots import kept_page
    from app.pilots.models import Pilot
    from app.public import summaries
    from tests.factories_pilots import make_many_pilots

    make_many_pilots(kept_page.KEPT_PAGES + 5)
    ids = list(db.session.scalars(select(Pilot.id).order_by(Pilot.id)))
    assert len(ids) > kept_page.KEPT_PAGES
    with app.test_request_context("/"):
        for pilot_id in ids:
            assert kept_page.page(pilot_id, today_riga(), "lv").pilot.id == pilot_id
    name = f"{kept_page._page.__module__}.{kept_page._page.__qualname__}"
    pages = [args for kept_name, args in summaries._kept if kept_name == name]
    assert len(pages) == kept_page.KEPT_PAGES
    assert {args[0] for args in pages} == set(ids[-kept_page.KEPT_PAGES:])  # the latest read


def test_a_summary_with_a_bound_keeps_at_most_that_many_answers(app, db):
    from app.public import summaries

    worked_out = []

    @summaries.summary(most=3)
    def square(n: int) -> int:
        worked_out.append(n)
        return n * n

    with app.test_request_context("/"):
        assert [square(n) for n in range(5)] == [0, 1, 4, 9, 16]
        assert (square(2), square(3), square(4)) == (4, 9, 16)  # the last three, kept
        assert worked_out == [0, 1, 2, 3, 4]
        assert square(0) == 0 and worked_out[-1] == 0  # the first, no longer kept


def test_a_value_worked_out_across_a_change_is_not_kept(db, monkeypatch):
    """A kept function that reads, then sees public data change (through another kept
    function it calls), answers what it read but does not keep it under the new state."""
    from app.public import summaries
    from app.public.cache import PublicState

    # Two versions of the same day, with no record of what changed between them.
    before, after = (PublicState(version=version, changed_at=None, today="2026-12-07",
                                 last_boundary=None) for version in (1, 2))
    state = [before]
    monkeypatch.setattr(summaries, "current_state", lambda: state[0])
    summaries.forget_summaries()
    stored = {"title": "Vecais nosaukums"}

    @summaries.summary
    def places() -> str:
        return "vietas"

    @summaries.summary
    def page() -> str:
        title = stored["title"]
        stored["title"] = "Jaunais nosaukums"  # another worker commits a change ...
        state[0] = after  # ... which the next read of the state sees
        places()
        return title

    assert page() == "Vecais nosaukums"
    assert page() == "Jaunais nosaukums"  # read again, not kept from before the change
    summaries.forget_summaries()


def test_a_pager_passes_on_the_querys_arguments_but_never_url_fors(client, db, world):
    """`?_anchor=`, `?_scheme=` or `?_external=` in an address are not url_for's to take:
    no error, and every link of the pager stays on the site."""
    import re

    from tests.factories_pilots import make_many_pilots

    make_many_pilots(30)
    for query in ("_anchor=x", "_scheme=javascript&_external=1", "_method=POST",
                  "region=zemgale&_anchor=x"):
        response = client.get(f"/pilots?{query}")
        assert response.status_code == 200, query
        links = re.findall(r'<a rel="next" href="([^"]+)"', response.get_data(as_text=True))
        assert links and all(link.startswith("/pilots?") for link in links), links
        assert all("_anchor" not in link and "_scheme" not in link for link in links)
    response = client.get("/pilots?region=zemgale&_anchor=x")
    assert 'href="/pilots?region=zemgale&amp;page=2"' in response.get_data(as_text=True)


def test_unknown_pilot_is_404(client, db):
    assert client.get("/pilots/999999").status_code == 404


def test_pilot_page_invites_to_follow_and_links_its_feed(client, world, english):
    page = main_of(client.get(f"/pilots/{world.pilot.id}"))
    assert "Sign in to follow this pilot by e-mail" in page
    assert f'href="/en/pilots/{world.pilot.id}/feed.atom"' in page
    login(client, person("Lasītāja Anna"))
    page = main_of(client.get(f"/pilots/{world.pilot.id}"))
    assert f'action="/en/pilots/{world.pilot.id}/follow"' in page
    client.post(f"/pilots/{world.pilot.id}/follow")
    page = main_of(client.get(f"/pilots/{world.pilot.id}"))
    assert f'action="/en/pilots/{world.pilot.id}/unfollow"' in page


def test_pilot_page_meta(client, world):
    page = client.get(f"/pilots/{world.pilot.id}?utm_source=x").get_data(as_text=True)
    assert f'<link rel="canonical" href="http://talka.test/pilots/{world.pilot.id}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f"<title>{world.pilot.title} · Talka</title>" in page


def test_pilot_pages_are_in_the_sitemap(client, world):
    text = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>http://talka.test/pilots/{world.pilot.id}</loc>" in text
    assert "<loc>http://talka.test/pilots</loc>" in text


def test_anonymous_pilot_page_is_conditional_and_cached(client, world):
    first = client.get(f"/pilots/{world.pilot.id}")
    again = client.get(f"/pilots/{world.pilot.id}",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# --- followers, through the pilots' own operations ---------------------------------------------

def test_approving_a_report_emails_the_followers(client, world, outbox):
    reader = person("Follower Ann", locale="en")
    login(client, reader)
    client.post(f"/pilots/{world.pilot.id}/follow")
    client.post("/logout")
    login(client, world.coordinator)
    response = client.post(f"/updates/{world.waiting.id}/approve")
    assert response.status_code == 302
    [mail] = outbox(reader.email)
    assert "News from the pilot" in mail.subject and "Vēl nepārbaudīta ziņa." in mail.body
    # ... and the public page shows the report at once.
    client.post("/logout")
    assert "Vēl nepārbaudīta ziņa." in client.get(f"/pilots/{world.pilot.id}").get_data(
        as_text=True)


def test_a_status_change_emails_the_followers(client, world, outbox):
    reader = person("Follower Ben", locale="en")
    login(client, reader)
    client.post(f"/pilots/{world.pilot.id}/follow")
    client.post("/logout")
    login(client, world.coordinator)
    response = client.post(f"/pilots/{world.pilot.id}/status",
                           data={"status": "on_hold", "reason": "Piegādātāja kavēšanās"})
    assert response.status_code == 302
    [mail] = outbox(reader.email)
    assert "On hold" in mail.subject
    assert "Piegādātāja kavēšanās" not in mail.body  # the reason may be internal


def test_the_overview_counts_pilots_by_region_and_municipality(client, world):
    page = client.get("/en/pilots/overview")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    zemgale = html[html.index('id="overview-zemgale"'):]
    zemgale = zemgale[:zemgale.index("</section>")]
    assert "2 pilots" in zemgale and "Dobeles novads" in zemgale and "Jelgava" in zemgale
    assert f'municipality={world.pilot.lead_municipality_id}' in zemgale
