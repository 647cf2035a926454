"""Who may open which judging page: the permission matrix, and judges reading their ideas."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories_judging import judging_world, make_review, make_user_in, sign_in

ROLES = ("anonymous", "stranger", "judge", "other_judge", "coordinator", "other_coordinator",
         "national", "admin")
COORDINATORS = {"coordinator": 200, "national": 200, "admin": 200}


def expect(default, **special):
    return {role: special.get(role, default) for role in ROLES}


# Page → expected status per role ("login" = redirected to sign in).
MATRIX = {
    "/hackathons/{slug}/jury": expect(403, anonymous="login", **COORDINATORS),
    "/hackathons/{slug}/judging": expect(403, anonymous="login", **COORDINATORS),
    "/hackathons/{slug}/judging/scores.csv": expect(403, anonymous="login", **COORDINATORS),
    "/hackathons/{slug}/judging/audit": expect(403, anonymous="login", **COORDINATORS),
    "/hackathons/{slug}/winners": expect(403, anonymous="login", **COORDINATORS),
    "/reviews": expect(200, anonymous="login"),
    "/reviews/{review}": expect(404, anonymous="login", judge=200, **COORDINATORS),
    "/reviews/{review}/conflict": expect(404, anonymous="login", judge=200),
    # Before publishing: "results are being prepared", for everyone alike.
    "/hackathons/{slug}/results": expect(200),
    "/hackathons/{slug}/vote": expect(404),  # no public vote in this hackathon
    # Nothing published yet: nothing to correct, no original to show (after publishing:
    # test_errata.py).
    "/hackathons/{slug}/results/correct": expect(403, anonymous="login", coordinator=404,
                                                 national=404, admin=404),
    "/hackathons/{slug}/results/original": expect(404),
    "/how-we-rank": expect(200),
    "/ideas/{idea}": expect(404, judge=200, **COORDINATORS),
}

API_MATRIX = {
    ("GET", "/api/v1/hackathons/{hid}/jury"): expect(403, anonymous=401, **COORDINATORS),
    ("GET", "/api/v1/hackathons/{hid}/ranking"): expect(403, anonymous=401, **COORDINATORS),
    ("GET", "/api/v1/reviews/{review}"): expect(404, anonymous=401, judge=200, **COORDINATORS),
    ("GET", "/api/v1/me/reviews"): expect(200, anonymous=401),
    ("GET", "/api/v1/winners"): expect(200),
    ("GET", "/api/v1/hackathons/{hid}/winners"): expect(404),  # not published yet
}


@pytest.fixture
def cast(db):
    w = judging_world(judges=2, ideas=1, criteria=2)
    review = make_review(w.ideas[0], w.judges[0])
    make_review(w.ideas[0], w.judges[1], status="conflict")  # a judge who stepped aside
    people = {
        "anonymous": None,
        "stranger": make_user_in("Rēzekne"),
        "judge": w.judges[0],
        "other_judge": w.judges[1],
        "coordinator": w.coordinator,
        "other_coordinator": make_user_in(None, role="coordinator", region="kurzeme"),
        "national": make_user_in(None, role="coordinator", region=None),
        "admin": make_user_in(None, role="admin"),
    }
    from app.judging.models import AssignmentRun

    db.session.add(AssignmentRun(hackathon_id=w.hackathon.id, trigger="judging_started"))
    db.session.commit()
    values = {"slug": w.hackathon.slug, "review": review.id, "idea": w.ideas[0].id,
              "hid": w.hackathon.id}
    return people, values


@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(client, cast, role):
    people, values = cast
    sign_in(client, people[role])
    problems = []
    for path, expected in MATRIX.items():
        url = path.format(**values)
        response = client.get(url)
        wanted = expected[role]
        if wanted == "login":
            ok = response.status_code == 302 and "/login" in response.location
        else:
            ok = response.status_code == wanted
        if not ok:
            problems.append(f"{url}: {response.status_code}, expected {wanted}")
    assert not problems, f"{role}: " + "; ".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(client, cast, role, token_for):
    people, values = cast
    headers = token_for(people[role]) if people[role] else {}
    problems = []
    for (method, path), expected in API_MATRIX.items():
        url = path.format(**values)
        response = client.open(url, method=method, headers=headers)
        if response.status_code != expected[role]:
            problems.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not problems, f"{role}: " + "; ".join(problems)


def test_every_judging_route_has_a_decision_in_the_matrix(app):
    import re

    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)

    known = {shape(p) for p in MATRIX} | {shape(p) for _, p in API_MATRIX}
    tested_elsewhere = {  # POST/PUT/DELETE actions, each with its own refusal tests
        "judging.add_judge", "judging.remove_judge", "judging.build_assignments",
        "judging.remind_judges", "judging.save_review", "judging.reopen_review",
        "judging.cast_vote", "judging.start_final_round", "api_judging.add_judge",
        "api_judging.remove_judge", "api_judging.build_assignments",
        "api_judging.publish_winners", "api_judging.save_review",
        "api_judging.declare_conflict", "api_judging.reopen_review", "api_judging.cast_vote",
        "api_judging.vote_counts", "api_judging.start_final_round",
        # The final round's own criteria and its opening: test_final_round_criteria.py
        # (pages and API for coordinators, judges, other coordinators and anonymous).
        "judging.open_final_scoring", "judging.final_criteria", "judging.final_criterion_edit",
        "judging.final_criterion_delete", "api_judging.get_final_round",
        "api_judging.open_final_scoring",
        # Excluding a review: test_exclusion.py (its coordinator, the judge, a signed-in
        # stranger, another region's coordinator, a made-up id).
        "judging.exclude_review", "api_judging.exclude_review",
        # Correcting published results: test_errata.py (the region's, another region's and a
        # national coordinator, an admin, a judge; page and API).
        "api_judging.correct_results",
    }
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith(("judging.", "api_judging."))
               and rule.endpoint not in tested_elsewhere and shape(rule.rule) not in known]
    assert not missing, missing


def test_a_judge_reads_an_assigned_idea_until_declaring_a_conflict(client, cast):
    people, values = cast
    sign_in(client, people["judge"])
    assert client.get(f"/ideas/{values['idea']}").status_code == 200
    from app.judging.models_reviews import Review, ReviewStatus

    review = db.session.get(Review, values["review"])
    review.status = ReviewStatus.CONFLICT
    db.session.commit()
    assert client.get(f"/ideas/{values['idea']}").status_code == 404


def test_only_the_judge_and_coordinators_post_to_a_review(client, cast):
    people, values = cast
    for role in ("stranger", "other_judge", "other_coordinator"):
        sign_in(client, people[role])
        assert client.post(f"/reviews/{values['review']}", data={"comment": "x"}
                           ).status_code == 404, role
    sign_in(client, people["coordinator"])
    assert client.post(f"/reviews/{values['review']}", data={"comment": "x"}
                       ).status_code == 404  # coordinators read reviews, never write them
