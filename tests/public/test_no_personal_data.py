"""No public page shows a person: no e-mail address, no name of a user, no judge."""

from __future__ import annotations

import pytest

from app.core.language import localised
from tests.factories_teams import _municipality

# Pages that are not about the public data (forms, health, redirects) or need a secret.
SKIP_PREFIXES = ("/api/", "/static/", "/login", "/logout", "/register", "/confirm",
                 "/password-reset", "/teams/invitations", "/language", "/healthz",
                 "/ideas/kept")


def _public_paths(app, world) -> list[str]:
    values = {"slug": world.hackathon.slug, "idea_id": world.winner.id,
              "pilot_id": world.pilot.id,
              "municipality_id": _municipality("Dobeles novads").id}
    paths = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) != "public" or "GET" not in rule.methods:
            continue
        if not set(rule.arguments) <= set(values):
            continue
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        if not path.startswith(SKIP_PREFIXES):
            paths.add(path)
    # The same pages for the other winner, pilot and municipality, and with filters.
    paths |= {f"/ideas/{world.second.id}", f"/pilots/{world.ended.id}",
              f"/municipalities/{_municipality('Jelgava').id}",
              f"/municipalities/{_municipality('Bauskas novads').id}",
              f"/pilots/{world.ended.id}/feed.atom", "/winners?region=zemgale",
              f"/hackathons/{world.judging.slug}", f"/hackathons/{world.open.slug}"}
    return sorted(paths)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_no_public_page_shows_a_persons_name_or_email(app, client, world, lang):
    checked = []
    for path in _public_paths(app, world):
        response = client.get(path if lang == "lv" else localised(path, lang))
        if response.status_code != 200:
            continue
        text = response.get_data().decode("utf-8", errors="replace")
        for user in world.people:
            assert user.email not in text, (path, user.email)
            assert user.name not in text, (path, user.name)
        assert "@privata-adrese.example.lv" not in text, path
        checked.append(path)
    # The scan did reach the pages that matter.
    for must in ("/", "/winners", "/feed.atom", "/sitemap.xml",
                 f"/hackathons/{world.hackathon.slug}", f"/ideas/{world.winner.id}"):
        assert must in checked, must


def test_internal_pilot_data_is_not_in_the_public_feeds_or_lists(client, world):
    for path in ("/", "/winners", "/feed.atom", f"/pilots/{world.pilot.id}/feed.atom",
                 f"/municipalities/{_municipality('Dobeles novads').id}"):
        text = client.get(path).get_data(as_text=True)
        assert "Rēķins par skaitītājiem" not in text  # expenses are on the pilot page only
        assert "Iekšējais līgums" not in text  # milestone evidence
        assert "Iekšēja piezīme" not in text  # an internal report

