"""Rows and cards rendered once and kept (app/public/fragments.py): a change shows on the next
read of every page that shows the row, each reader gets her own language and links, no
row carries anything of the reader who happened to render it first, and what is kept is
bounded."""

from __future__ import annotations

import html

import jinja2
import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.public import fragments, summaries
from tests.conftest import DEFAULT_PASSWORD, login
from tests.factories_pilots import make_coord
from tests.public.conftest import main_of


def kept_of(kind) -> list:
    """The kept keys of a fragment or of a kept function (`summaries.summary`)."""
    name = getattr(kind, "name", None) or f"{kind.__module__}.{kind.__qualname__}"
    return [key for key in summaries.public_store().kept if key[0] == name]


@pytest.fixture
def row_templates(app, monkeypatch):
    """Fragment templates of the test's own, beside the application's."""
    templates: dict[str, str] = {}
    loader = jinja2.ChoiceLoader([jinja2.DictLoader(templates), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    app.jinja_env.cache.clear()
    yield templates
    app.jinja_env.cache.clear()


def rows_of(page: str) -> str:
    """The bodies of the page's tables (the rows, without the filters' options)."""
    return "".join(part.split("</tbody>")[0] for part in page.split("<tbody>")[1:])


def test_a_change_to_a_pilot_shows_in_every_table_of_it(client, world):
    from app.pilots import rows

    pilot = world.pilot
    coordinator = make_coord("zemgale")
    old_title = pilot.title
    place = f"/municipalities/{pilot.lead_municipality_id}"
    for path in ("/pilots", "/en/pilots", place):
        assert old_title in rows_of(main_of(client.get(path)))
    login(client, coordinator)
    assert old_title in rows_of(main_of(client.get("/pilots/portfolio")))
    assert kept_of(rows._public_row) and kept_of(rows._portfolio_row)

    pilot.title = "Pārdēvēts pilotprojekts"
    db.session.commit()

    portfolio = rows_of(main_of(client.get("/pilots/portfolio")))
    assert "Pārdēvēts pilotprojekts" in portfolio and old_title not in portfolio
    client.post("/logout")
    for path in ("/pilots", "/en/pilots", place):
        page = rows_of(main_of(client.get(path)))
        assert "Pārdēvēts pilotprojekts" in page and old_title not in page


def test_each_reader_gets_the_rows_in_her_language(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)  # the rows, not the whole page
    latvian = rows_of(main_of(client.get("/pilots")))
    english = rows_of(main_of(client.get("/en/pilots")))
    assert "Aktīvs" in latvian and "Active" not in latvian
    assert "Active" in english and "Aktīvs" not in english
    assert f'href="/pilots/{world.pilot.id}"' in latvian
    assert f'href="/en/pilots/{world.pilot.id}"' in english
    assert rows_of(main_of(client.get("/pilots"))) == latvian  # the kept Latvian rows


def test_links_in_a_kept_row_follow_the_root_the_site_is_served_under(client, world):
    at_root = main_of(client.get("/pilots"))
    under = main_of(client.get("/pilots", base_url="http://talka.test/talka"))
    assert f'href="/pilots/{world.pilot.id}"' in at_root
    assert f'href="/talka/pilots/{world.pilot.id}"' in under
    assert f'href="/pilots/{world.pilot.id}"' not in under


def test_a_kept_row_can_call_no_global_that_reads_its_reader(app, client, make_user,
                                                             row_templates):
    """Every global of the templates but links, translations, Jinja's own and the badges is
    hidden from a row, those registered after this test was written included: a row kept
    for one reader must not carry her address, her user or her session."""
    user = make_user(email="lasitaja@example.lv", name="Lasītāja Līga")
    with app.test_request_context("/en/pilots"):
        from flask_login import login_user

        login_user(db.session.get(User, user.id))
        for name in app.jinja_env.globals:
            row_templates["probe.html"] = f"{{{{ {name} is none }}}}"
            app.jinja_env.cache.clear()
            probe = fragments.Fragment("probe.html", lambda: {})
            expected = str(name not in fragments.ROW_GLOBALS)
            assert str(probe.render(())) == expected, name
        assert "language_switch_url" not in fragments.ROW_GLOBALS
        assert "judging_nav_visible" not in fragments.ROW_GLOBALS
        row_templates["links.html"] = "{{ url_for('public.pilots') }} {{ _('Pilots') }}"
        app.jinja_env.cache.clear()
        assert str(fragments.Fragment("links.html", lambda: {})()) == "/en/pilots Pilots"


def test_the_portfolio_keeps_the_chosen_filter(client, world):
    from app.places.models import Municipality

    dobele = db.session.scalar(select(Municipality).where(Municipality.name == "Dobeles novads"))
    login(client, make_coord("zemgale"))
    page = main_of(client.get(f"/pilots/portfolio?municipality={dobele.id}"))
    assert f'<option value="{dobele.id}" selected' in page
    assert page.count(" selected") == 1
    page = main_of(client.get("/pilots/portfolio"))
    assert f'<option value="{dobele.id}" selected' not in page
    assert f'<option value="{dobele.id}"' in page


def test_what_is_kept_of_one_kind_is_bounded(app, row_templates):
    row_templates["bounded.html"] = "<li>{{ n }}</li>"
    bounded = fragments.Fragment("bounded.html", lambda n: {"n": n}, most=3)
    with app.test_request_context("/"):
        assert str(bounded.join((n,) for n in range(5))) == "".join(
            f"<li>{n}</li>" for n in range(5))
        assert len(kept_of(bounded)) == 3


def test_a_row_that_read_another_table_is_not_kept(app, row_templates, make_user):
    """Users are not public: a row worked out from them would not be dropped when they
    change, so it is shown but not kept."""
    make_user(email="kads@example.lv")
    row_templates["people.html"] = "{{ n }}"
    people = fragments.Fragment(
        "people.html", lambda: {"n": db.session.scalar(select(func.count(User.id)))})
    with app.test_request_context("/"):
        assert str(people()) == "1"
        assert kept_of(people) == []


def test_rows_are_rendered_afresh_while_templates_reload_on_edit(app, row_templates,
                                                                   monkeypatch):
    row_templates["edited.html"] = "first"
    edited = fragments.Fragment("edited.html", lambda: {})
    monkeypatch.setattr(app.jinja_env, "auto_reload", True)
    with app.test_request_context("/"):
        assert str(edited()) == "first"
        row_templates["edited.html"] = "second"
        assert str(edited()) == "second"
        assert kept_of(edited) == []


def test_a_winner_card_follows_its_winner(client, world):
    idea = world.pilot.idea
    assert idea.title in main_of(client.get("/winners"))
    idea.team.name = "Jaunais komandas nosaukums"
    db.session.commit()
    page = main_of(client.get("/winners"))
    assert "Jaunais komandas nosaukums" in page


def test_a_kept_page_is_not_served_under_another_root(app, client, world):
    """The page caches, like the rows, key on the root the site is served under."""
    assert app.config["PUBLIC_CACHE"]
    client.get("/pilots")  # kept at the root
    page = client.get("/pilots", base_url="http://talka.test/talka").get_data(as_text=True)
    assert 'href="/talka/pilots/overview"' in page


def test_two_kinds_of_row_sharing_a_template_answer_each_their_own(app, row_templates):
    row_templates["shared.html"] = "{{ word }}"

    def first() -> dict:
        return {"word": "pirmais"}

    def second() -> dict:
        return {"word": "otrais"}

    with app.test_request_context("/"):
        one, other = fragments.Fragment("shared.html", first), fragments.Fragment(
            "shared.html", second)
        assert (str(one()), str(other())) == ("pirmais", "otrais")
        assert (str(one()), str(other())) == ("pirmais", "otrais")  # and once kept


@pytest.mark.parametrize("path", ["/winners", "/pilots", "/admin/users"])
def test_every_filter_by_municipality_keeps_the_chosen_one(client, world, make_user, path):
    from app.places import kept as kept_places

    if path.startswith("/admin"):
        login(client, make_user(email="admine@example.lv", role="admin"))
    chosen, other = kept_places.municipalities()[:2]
    page = main_of(client.get(f"{path}?municipality={chosen.id}"))
    listed = page[page.index('<select id="municipality"'):]
    listed = listed[:listed.index("</select>")]
    assert listed.count("<option value=") == len(kept_places.municipalities()) + 1  # and “Any”
    assert f'<option value="{chosen.id}" selected' in listed
    assert f'<option value="{other.id}" selected' not in listed
    page = main_of(client.get(f"{path}?municipality={other.id}"))
    assert f'<option value="{other.id}" selected' in page
    assert f'<option value="{chosen.id}" selected' not in page


def test_a_row_worked_out_while_the_state_is_read_again_is_kept(app, row_templates,
                                                                monkeypatch):
    """With no time to live, every kept value it asks for reads the state again: that is
    the state's own table, not data, and does not stop the row from being kept."""
    from app.public.models import PublicDataVersion

    assert PublicDataVersion.__tablename__ == summaries.STATE_TABLE
    monkeypatch.setitem(app.config, "PUBLIC_STATE_TTL_SECONDS", 0)
    row_templates["inner.html"] = "{{ n }}"
    row_templates["outer.html"] = "[{{ inner }}]"
    inner = fragments.Fragment("inner.html", lambda: {"n": 5})
    outer = fragments.Fragment("outer.html", lambda: {"inner": inner()})
    with app.test_request_context("/"):
        from app.public.cache import forget_recent_state

        forget_recent_state()
        assert str(outer()) == "[5]"
        assert kept_of(outer) and kept_of(inner)


def test_a_hackathons_sections_are_kept_and_follow_its_changes(app, client, world,
                                                               monkeypatch):
    """The results, rules and criteria of a hackathon's page are rendered once, and a change
    to any of them shows on the next read."""
    from app.hackathons import sections
    from app.hackathons.models import Criterion

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)  # the sections, not the page
    path = f"/hackathons/{world.hackathon.slug}"
    page = main_of(client.get(path))
    assert world.winner.title in page and "Abas idejas papildina viena otru." in page
    assert sorted(key[1][0][1] for key in kept_of(sections._sections)) == ["results", "terms"]

    criterion = db.session.scalars(select(Criterion).where(
        Criterion.hackathon_id == world.hackathon.id)).first()
    criterion.name = "Ietekme uz iedzīvotājiem"
    world.hackathon.prize_text = "Pilotprojekta finansējums 20 000 eiro"
    db.session.commit()
    page = main_of(client.get(path))
    assert "Ietekme uz iedzīvotājiem" in page and "20 000 eiro" in page
    assert main_of(client.get(path)) == page
    assert kept_of(sections._sections)  # kept again, under the new state


def test_a_hackathons_sections_are_in_each_readers_language(app, client, world,
                                                              monkeypatch):
    """An English-reading coordinator renders the sections first (kept in English); the
    next, anonymous Latvian reader gets them in Latvian, with Latvian links."""
    from app.hackathons import sections

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    english = make_coord("zemgale")
    login(client, english)
    page = main_of(client.get(f"/en/hackathons/{world.hackathon.slug}"))
    assert "Judging criteria" in page and "Vērtēšanas kritēriji" not in page
    assert kept_of(sections._sections)
    client.post("/logout")
    latvian = main_of(app.test_client().get(f"/hackathons/{world.hackathon.slug}"))
    assert "Vērtēšanas kritēriji" in latvian and "Judging criteria" not in latvian
    assert f'href="/hackathons/{world.hackathon.slug}/all-ideas"' in latvian


def test_a_hackathons_sections_are_no_older_than_the_state_they_are_kept_under(app, world):
    """The page loads its hackathon before the public state is read; a change committed in
    between (another worker's) must not be kept, as the old values, under the new state."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from app.hackathons.models import Hackathon
    from app.hackathons.queries import load_hackathon
    from app.hackathons.sections import hackathon_sections
    from app.public.cache import bump_public_version, forget_recent_state

    with app.test_request_context(f"/hackathons/{world.hackathon.slug}"):
        loaded = load_hackathon(world.hackathon.slug, page=True)  # the page's copy
        with Session(db.engine) as other:
            other.execute(update(Hackathon).where(Hackathon.id == loaded.id)
                          .values(prize_text="Balva no cita darbinieka"))
            bump_public_version(other)
            other.commit()
        forget_recent_state()
        assert "Balva no cita darbinieka" in str(hackathon_sections(loaded, "terms"))


def test_the_api_winners_are_kept_per_page_and_follow_a_change(app, client, world,
                                                               monkeypatch):
    from app.public.queries import winners

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    first = client.get("/api/v1/winners?per_page=1").get_json()
    assert first["total"] == 2 and len(first["items"]) == 1
    assert kept_of(winners._published_winner_rows)
    second = client.get("/api/v1/winners?per_page=1&page=2").get_json()["items"]
    assert {first["items"][0]["idea_id"], second[0]["idea_id"]} == {world.winner.id,
                                                                    world.second.id}

    world.winner.title = "Ūdens skaitītāji, pārdēvēti"
    db.session.commit()
    titles = [item["title"] for item in client.get("/api/v1/winners").get_json()["items"]]
    assert "Ūdens skaitītāji, pārdēvēti" in titles


def nav_of(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('<nav class="main-nav"'):page.index("</nav>")]


def test_the_kept_navigation_is_each_readers_own(app, client, world, monkeypatch):
    """The navigation is kept per page and kind of reader: a coordinator's, kept first, is
    not what a team member or an anonymous reader of the same page gets, and the current
    page is marked on each page."""
    from app.public import frame

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    login(client, world.coordinator)
    coordinator = nav_of(client.get("/winners"))
    assert "/pilots/portfolio" in coordinator and "/pilots/mine" not in coordinator
    assert any(key[0] == frame._nav.name for key in fragments._without_data)
    login(client, world.lead)
    member = nav_of(client.get("/winners"))
    assert "/pilots/mine" in member and "/pilots/portfolio" not in member
    assert world.coordinator.name not in member
    client.post("/logout")
    anonymous = nav_of(client.get("/winners"))
    assert "/ideas" not in anonymous and "/pilots/mine" not in anonymous
    assert '/winners" aria-current="page"' in anonymous
    assert '/pilots" aria-current="page"' in nav_of(client.get("/pilots"))
    assert '/winners" aria-current' not in nav_of(client.get("/pilots"))
    assert 'hackathons/" aria-current="true"' in nav_of(
        client.get(f"/hackathons/{world.hackathon.slug}"))
    missing = client.get("/no-such-page")  # no endpoint: nothing is current
    assert missing.status_code == 404 and "aria-current" not in nav_of(missing)


def test_the_kept_navigation_gives_judges_and_admins_their_links(client, world, make_user):
    login(client, world.judge)
    judge = nav_of(client.get("/reviews"))
    assert 'reviews" aria-current="page"' in judge and "/admin" not in judge
    login(client, world.lead)
    assert "/reviews" not in nav_of(client.get("/reviews"))  # not on a jury
    login(client, make_user(email="admine@example.lv", role="admin"))
    admin = nav_of(client.get("/admin/"))
    assert '/admin/" aria-current="page"' in admin and "/pilots/portfolio" in admin


def test_the_navigation_needs_no_database(app, client, world, monkeypatch):
    """An error page is drawn, navigation and all, while the database is away."""
    from app.public import frame

    client.get("/winners")  # the navigation kept for anonymous readers
    fragments._without_data.clear()

    def away(*_args, **_kwargs):
        raise AssertionError("the navigation asked the database")

    monkeypatch.setattr(summaries, "public_state", away)
    monkeypatch.setattr(summaries, "public_store", away)
    with app.test_request_context("/no-such-page"):
        assert "main-nav" in str(frame.site_nav()) and "footer" in str(frame.site_footer())


def test_the_sign_out_form_carries_each_readers_own_token(app, world, csrf_enabled):
    """Two readers of the same page, its navigation kept, each get their own session's
    token in the sign-out form, and only their own signs them out."""

    def token_of(client) -> str:
        page = client.get("/winners", follow_redirects=True).get_data(as_text=True)
        form = page[page.index('logout" class="inline-form"'):]
        return html.unescape(
            form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0])

    first, second = app.test_client(), app.test_client()
    for client, person in ((first, world.coordinator), (second, world.lead)):
        page = client.get("/login").get_data(as_text=True)
        token = html.unescape(page.split('name="csrf_token" type="hidden" value="')[1]
                              .split('"')[0])
        client.post("/login", data={"email": person.email, "password": DEFAULT_PASSWORD,
                                    "csrf_token": token})
    mine, theirs = token_of(first), token_of(second)
    assert mine != theirs
    assert first.post("/logout", data={"csrf_token": theirs}).status_code == 400
    assert first.post("/logout", data={"csrf_token": mine}).status_code in (302, 303)
    assert 'logout" class="inline-form"' in second.get(
        "/winners", follow_redirects=True).get_data(as_text=True)


def test_a_pilots_kept_page_is_the_same_for_every_anonymous_reader_and_no_one_else(
        app, client, world, monkeypatch):
    """A pilot's page for readers who are not signed in is rendered once per language and
    root; its team, reading in between, gets the internal parts, and the next anonymous
    reader does not; signing in to follow comes back to the reader's own page."""
    from app.pilots import kept_page

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    url = f"/pilots/{world.pilot.id}"
    anonymous = app.test_client()
    first = main_of(anonymous.get(url))
    assert kept_of(kept_page._public_body)
    assert f'login?next=/pilots/{world.pilot.id}"' in first
    login(client, world.lead)
    team = main_of(client.get(url))
    assert "Iekšēja piezīme" in team and "Vēl nepārbaudīta ziņa" in team
    assert main_of(anonymous.get(url)) == first and "Iekšēja piezīme" not in first
    english = main_of(anonymous.get(f"/en{url}"))
    assert f'login?next=/en/pilots/{world.pilot.id}"' in english
    under = main_of(anonymous.get(url, base_url="http://talka.test/talka"))
    assert f'href="/talka/pilots/{world.pilot.id}/feed.atom"' in under


def test_a_team_members_kept_rows_are_her_own_and_follow_her_edits(client, world):
    from app.ideas import rows

    login(client, world.lead)
    mine = main_of(client.get("/ideas"))
    assert world.winner.title in mine and world.draft.title in mine
    assert world.second.title not in mine  # another team's
    assert kept_of(rows._my_idea_row)
    world.draft.title = "Pārdēvēts melnraksts"
    db.session.commit()
    mine = main_of(client.get("/ideas"))
    assert "Pārdēvēts melnraksts" in mine and "Slepenais melnraksts" not in mine
    login(client, world.other_lead)
    theirs = main_of(client.get("/ideas"))
    assert world.second.title in theirs and "Pārdēvēts melnraksts" not in theirs
    assert world.open.title in theirs  # a hackathon taking ideas, for every member alike


def test_the_api_list_of_pilots_keeps_each_pilot_per_language(app, client, world, monkeypatch):
    """The API's list keeps each pilot as its schema dumps it, once per language: a reader
    asking in English gets the words in English after one asking in Latvian, and back."""
    from app.api import pilots

    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)

    def health_text(language: str) -> str:
        items = client.get("/api/v1/pilots", headers={"Accept-Language": language}).get_json()
        return {item["id"]: item["health_text"] for item in items["items"]}[world.pilot.id]

    latvian = health_text("lv")
    assert kept_of(pilots._list_item)
    english = health_text("en")
    assert latvian != english and english in ("Green: on track", "Amber: at risk of delay",
                                              "Red: at risk")
    assert health_text("lv") == latvian
