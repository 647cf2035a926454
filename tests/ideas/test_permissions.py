"""Who sees and does what, on the pages and in the API.

Drafts: the team and admins. Submitted ideas: the team, the hackathon's coordinators
(and later assigned judges). Everyone else: 404, as if the idea did not exist.
Only team members change an idea: a reader outside the team gets 403, on pages and in the API.
"""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.ideas.status import IdeaStatus
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in
from tests.ideas.test_attachments import PNG
from tests.ideas.test_pages import form_fields

WHO = ("member", "other", "coordinator", "other_coordinator", "national", "admin",
       "anonymous")

# Who may read every field of the idea, by status.
READERS = {
    "draft": {"member", "admin"},
    "submitted": {"member", "coordinator", "national", "admin"},
}


def person(world, who):
    return None if who == "anonymous" else getattr(world, who)


@pytest.mark.parametrize("status", ["draft", "submitted"])
@pytest.mark.parametrize("who", WHO)
def test_idea_page_and_its_readers(client, world, who, status):
    idea = make_idea(world.hackathon, world.team, status=status)
    sign_in(client, person(world, who))
    expected = 200 if who in READERS[status] else 404
    assert client.get(f"/ideas/{idea.id}").status_code == expected
    history = client.get(f"/ideas/{idea.id}/history").status_code
    attachments = client.get(f"/ideas/{idea.id}/attachments").status_code
    if who == "anonymous":
        assert history == attachments == 302  # sign in first
    else:
        assert history == attachments == expected


@pytest.mark.parametrize("who", WHO)
def test_only_team_members_edit_submit_and_withdraw_on_pages(client, world, who):
    draft = make_idea(world.hackathon, world.team, title="Melnraksts")
    submitted = make_idea(world.hackathon, world.team, status="submitted", title="Iesniegts")
    sign_in(client, person(world, who))
    edit_page = client.get(f"/ideas/{draft.id}/edit").status_code
    save = client.post(f"/ideas/{draft.id}/edit",
                       data=form_fields(version=draft.version, title="Mainīts")).status_code
    submit = client.post(f"/ideas/{draft.id}/submit").status_code
    upload = client.post(f"/ideas/{submitted.id}/attachments",
                         data={"file": (io.BytesIO(PNG()), "a.png")},
                         content_type="multipart/form-data").status_code
    withdraw = client.post(f"/ideas/{submitted.id}/withdraw").status_code
    db.session.expire_all()
    if who == "member":
        assert (edit_page, save, submit, withdraw, upload) == (200, 302, 302, 302, 302)
        assert draft.status == IdeaStatus.SUBMITTED
        assert submitted.status == IdeaStatus.WITHDRAWN
        return
    if who == "anonymous":
        # Sent to sign in; a posted form's text is kept (test_nothing_lost).
        assert {edit_page, save, submit, withdraw, upload} == {302}
    else:
        # As in the API: who may read the idea is refused plainly (403), anyone else does
        # not learn that it exists (404).
        on_draft = 403 if who in READERS["draft"] else 404
        on_submitted = 403 if who in READERS["submitted"] else 404
        assert (edit_page, save, submit, withdraw, upload) == (
            on_draft, on_draft, on_draft, on_submitted, on_submitted)
    assert draft.title == "Melnraksts" and draft.status == IdeaStatus.DRAFT
    assert submitted.status == IdeaStatus.SUBMITTED and not submitted.attachments


@pytest.mark.parametrize("who", WHO)
def test_attachment_downloads_follow_the_readers_of_the_idea(client, world, who):
    from app.ideas import operations as ops

    idea = make_idea(world.hackathon, world.team, status="submitted")
    with client.application.test_request_context("/"):
        attachment = ops.add_attachment(idea, "plāns.png", PNG(), actor=world.member)
        db.session.commit()
    sign_in(client, person(world, who))
    response = client.get(f"/ideas/{idea.id}/attachments/{attachment.id}")
    assert response.status_code == (200 if who in READERS["submitted"] else 404)


@pytest.mark.parametrize("who", WHO)
def test_coordinator_actions_belong_to_the_hackathons_coordinators(client, world, who):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    sign_in(client, person(world, who))
    listing = client.get(f"/hackathons/{world.hackathon.slug}/ideas").status_code
    export = client.get(f"/hackathons/{world.hackathon.slug}/ideas.csv").status_code
    rule_out = client.post(f"/ideas/{idea.id}/ineligible", data={"reason": "Nē."}).status_code
    db.session.expire_all()
    if who in ("coordinator", "national", "admin"):
        assert (listing, export, rule_out) == (200, 200, 302)
        assert idea.status == IdeaStatus.INELIGIBLE
        return
    if who == "anonymous":
        assert {listing, export, rule_out} == {302}
    elif who == "other_coordinator":
        assert (listing, export, rule_out) == (403, 403, 404)
    else:  # not a coordinator at all
        assert {listing, export, rule_out} == {403}
    assert idea.status == IdeaStatus.SUBMITTED


# --- the API ----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "submitted"])
@pytest.mark.parametrize("who", WHO)
def test_api_read_follows_the_same_rule(client, world, token_for, who, status):
    idea = make_idea(world.hackathon, world.team, status=status)
    user = person(world, who)
    headers = token_for(user) if user else {}
    response = client.get(f"/api/v1/ideas/{idea.id}", headers=headers)
    assert response.status_code == (200 if who in READERS[status] else 404)
    if response.status_code == 200:
        assert response.json["problem_html"].startswith("<p>")
        assert response.json["version"] == 1


@pytest.mark.parametrize("who", WHO)
def test_api_changes_only_by_the_team(client, world, token_for, who):
    draft = make_idea(world.hackathon, world.team, title="Melnraksts")
    submitted = make_idea(world.hackathon, world.team, status="submitted")
    user = person(world, who)
    headers = token_for(user) if user else {}
    patch = client.patch(f"/api/v1/ideas/{draft.id}", json={"title": "X"}, headers=headers)
    submit = client.post(f"/api/v1/ideas/{draft.id}/submit", headers=headers)
    withdraw = client.post(f"/api/v1/ideas/{submitted.id}/withdraw", headers=headers)
    upload = client.post(f"/api/v1/ideas/{submitted.id}/attachments", headers=headers,
                         data={"file": (io.BytesIO(PNG()), "a.png")},
                         content_type="multipart/form-data")
    codes = (patch.status_code, submit.status_code, withdraw.status_code, upload.status_code)
    if who == "member":
        assert codes == (200, 200, 200, 409)  # withdrawn ideas take no files
        return
    if who == "anonymous":
        assert codes == (401,) * 4
    elif who == "admin":
        # Admins may read a draft and a submitted idea, but only the team changes them.
        assert codes == (403, 403, 403, 403)
    elif who in ("coordinator", "national"):
        # The hackathon's coordinators read submitted ideas, not drafts.
        assert codes == (404, 404, 403, 403)
    else:
        assert codes == (404,) * 4
    db.session.expire_all()
    assert draft.title == "Melnraksts" and draft.status == IdeaStatus.DRAFT
    assert submitted.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize("who", WHO)
def test_api_list_of_a_hackathons_ideas(client, world, token_for, who):
    make_idea(world.hackathon, world.team, status="submitted", title="Iesniegta")
    make_idea(world.hackathon, world.team, status="draft", title="Melnraksts")
    user = person(world, who)
    headers = token_for(user) if user else {}
    response = client.get(f"/api/v1/hackathons/{world.hackathon.id}/ideas", headers=headers)
    assert response.status_code == 200
    titles = {item["title"] for item in response.json["items"]}
    if who == "admin":
        assert titles == {"Iesniegta", "Melnraksts"}
    elif who in ("coordinator", "national"):
        assert titles == {"Iesniegta"}
    else:
        assert titles == set()  # the public sees winners only, after results


def test_api_create_needs_a_team_of_the_caller(client, world, token_for):
    url = f"/api/v1/hackathons/{world.hackathon.id}/ideas"
    assert client.post(url, json={"team_id": world.team.id}).status_code == 401
    other = client.post(url, json={"team_id": world.team.id}, headers=token_for(world.other))
    assert other.status_code == 422 and "team_id" in other.json["errors"]
    mine = client.post(url, json={"team_id": world.team.id, "title": "API ideja"},
                       headers=token_for(world.member))
    assert mine.status_code == 201 and mine.json["status"] == "draft"
