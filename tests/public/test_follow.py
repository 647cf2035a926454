"""Following a pilot: signed-in users follow and stop following (POST with CSRF), and get an
e-mail in their language when a public report is published or the status changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.public import follow as follow_ops
from app.public.models import PilotFollower
from tests.conftest import login
from tests.factories_public import person


def _followers(pilot) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(PilotFollower.user_id).where(
        PilotFollower.pilot_id == pilot.id)))


def test_a_signed_in_user_follows_and_stops_following(client, world):
    reader = person("Lasītāja Marta")
    login(client, reader)
    response = client.post(f"/pilots/{world.pilot.id}/follow")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pilots/{world.pilot.id}#follow")
    assert _followers(world.pilot) == {reader.id}
    client.post(f"/pilots/{world.pilot.id}/follow")  # twice is once
    assert _followers(world.pilot) == {reader.id}
    client.post(f"/pilots/{world.pilot.id}/unfollow")
    assert _followers(world.pilot) == set()


def test_following_needs_a_sign_in(client, world):
    response = client.post(f"/pilots/{world.pilot.id}/follow")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _followers(world.pilot) == set()


def test_following_is_a_post_with_a_csrf_token(app, client, world):
    reader = person("Lasītājs Kārlis")
    login(client, reader)
    assert client.get(f"/pilots/{world.pilot.id}/follow").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/pilots/{world.pilot.id}/follow")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _followers(world.pilot) == set()


def test_following_an_unknown_pilot_is_404(client, world):
    login(client, person("Lasītāja Ieva"))
    assert client.post("/pilots/999999/follow").status_code == 404


def _follow(pilot, *users):
    for user in users:
        follow_ops.follow_pilot(pilot, actor=user)
    db.session.commit()


def test_followers_are_emailed_in_their_language_when_a_report_is_published(world, outbox):
    latvian = person("Sekotāja Līga", locale="lv")
    english = person("Follower Tom", locale="en")
    _follow(world.pilot, latvian, english)
    world.waiting.status = world.published.status  # approved
    db.session.commit()
    assert follow_ops.notify_update_published(world.waiting, actor=world.coordinator) == 2
    db.session.commit()
    [lv_mail] = outbox(latvian.email)
    [en_mail] = outbox(english.email)
    assert world.pilot.title in en_mail.subject and "News from the pilot" in en_mail.subject
    assert "Vēl nepārbaudīta ziņa." in en_mail.body
    assert f"/pilots/{world.pilot.id}#report-{world.waiting.id}-h" in en_mail.body
    assert "Labdien, Sekotāja Līga!" in lv_mail.body
    assert "Hello, Follower Tom!" in en_mail.body


def test_no_email_for_an_internal_or_unapproved_report(world, outbox):
    reader = person("Sekotājs Andris")
    _follow(world.pilot, reader)
    assert follow_ops.notify_update_published(world.internal) == 0
    assert follow_ops.notify_update_published(world.waiting) == 0
    assert outbox(reader.email) == []


def test_followers_are_emailed_when_the_status_changes(world, outbox):
    from app.pilots.states import PilotStatus

    reader = person("Follower Kate", locale="en")
    _follow(world.pilot, reader)
    sent = follow_ops.notify_status_changed(world.pilot, PilotStatus.ACTIVE,
                                            PilotStatus.ON_HOLD, actor=world.coordinator)
    db.session.commit()
    assert sent == 1
    [mail] = outbox(reader.email)
    assert "On hold" in mail.subject
    assert "from “Active” to “On hold”" in mail.body


@pytest.mark.parametrize("who", ["actor", "disabled"])
def test_the_person_who_acted_and_disabled_accounts_get_nothing(world, outbox, who):
    from app.core.clock import now_utc
    from app.pilots.states import PilotStatus

    reader = person("Sekotāja Daina")
    _follow(world.pilot, reader)
    actor = None
    if who == "actor":
        actor = reader
    else:
        reader.disabled_at = now_utc()
        db.session.commit()
    follow_ops.notify_status_changed(world.pilot, PilotStatus.ACTIVE, PilotStatus.ON_HOLD,
                                     actor=actor)
    assert outbox(reader.email) == []


def test_following_does_not_change_the_public_pages(client, world):
    etag = client.get("/winners").headers["ETag"]
    _follow(world.pilot, person("Sekotājs Jānis"))
    assert client.get("/winners", headers={"If-None-Match": etag}).status_code == 304
