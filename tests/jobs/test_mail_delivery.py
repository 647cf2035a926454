"""Mail leaves in a worker, not in the request: the request writes the outbox row, a job
sends it, failures wait their backoff on the row, and a message is claimed before it is
sent, so two workers never send it twice and a dead worker's message goes out once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from huey.storage import MemoryStorage
from sqlalchemy import update

from app.core.clock import now_utc
from app.extensions import db
from app.jobs import huey
from app.mail.models import OutboxMessage
from app.mail.operations import backoff, deliver_due, queue_mail, send_messages
from tests.test_mail import parsed


@pytest.fixture
def queue():
    """A real queue (in memory) instead of running each task at once: what a worker sees."""
    huey.immediate = False
    huey.storage = MemoryStorage("talka-test")
    yield huey
    huey.immediate = True


def run_queued(queue) -> int:
    ran = 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        ran += 1
    return ran


def _queue_one(user, url="http://talka.test/password-reset/x") -> OutboxMessage:
    message = queue_mail(user.email, "password_reset", user=user, url=url)
    db.session.commit()
    return message


def test_the_request_only_writes_the_outbox_and_the_worker_sends(client, make_user, outbox,
                                                                 smtp_server, queue):
    user = make_user("ilze@valmiera.lv")
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == 200
    [stored] = outbox()
    assert stored.sent_at is None
    assert smtp_server.received == []  # the request did not talk to SMTP
    assert queue.pending_count() == 1

    assert run_queued(queue) == 1
    [stored] = outbox()
    assert stored.sent_at is not None
    assert stored.attempts == 1
    [delivery] = smtp_server.received
    assert delivery["to"] == ["ilze@valmiera.lv"]


def test_a_failed_request_hands_nothing_to_the_queue(client, smtp_server, queue, outbox):
    response = client.post("/register", data={
        "name": "Ilze", "email": "ilze@example.lv", "locale": "lv",
        "password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert queue.pending_count() == 0
    assert outbox() == []


def test_when_the_queue_is_down_the_page_works_and_the_sweep_sends_later(
        client, make_user, outbox, smtp_server, queue, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(queue.storage, "enqueue", broken)
    user = make_user()
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == 200
    [stored] = outbox()
    assert stored.sent_at is None
    assert deliver_due() == 1
    assert outbox()[0].sent_at is not None
    assert len(smtp_server.received) == 1


def test_a_failed_send_is_recorded_and_tried_again_after_its_backoff(app, make_user, outbox,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nobody listens on discard
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    user = make_user()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = _queue_one(user)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    now = now_utc()
    assert deliver_due(now) == 0
    [stored] = outbox()
    assert stored.attempts == 1
    assert stored.error
    assert stored.claimed_by == ""
    assert stored.next_attempt_at is not None
    waited = stored.next_attempt_at - now
    assert backoff(1) <= waited < backoff(1) + timedelta(seconds=30)
    assert send_messages([message.id], now=now + timedelta(seconds=30)) == 0  # not yet due
    assert outbox()[0].attempts == 1


def test_backoff_doubles_and_stops_at_a_day():
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(30) == timedelta(days=1)


def test_a_message_another_worker_holds_is_not_sent_again(app, make_user, outbox,
                                                          smtp_server, monkeypatch):
    user = make_user()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = _queue_one(user)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    now = now_utc()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(claimed_by="another-worker", claimed_at=now, attempts=1))
    db.session.commit()
    assert send_messages([message.id], now=now + timedelta(seconds=5)) == 0
    assert deliver_due(now + timedelta(seconds=5)) == 0
    assert smtp_server.received == []


def test_the_message_of_a_worker_that_died_goes_out_once_with_the_same_message_id(
        app, make_user, outbox, smtp_server, monkeypatch):
    user = make_user()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = _queue_one(user)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    died_at = now_utc() - timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"] + 1)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(claimed_by="dead-worker", claimed_at=died_at, attempts=1))
    db.session.commit()
    assert deliver_due() == 1
    assert deliver_due() == 0
    [delivery] = smtp_server.received
    [stored] = outbox()
    assert stored.attempts == 2
    assert stored.sent_at is not None
    assert parsed(delivery)["Message-ID"] == f"<outbox.{stored.key}@talka.lv>"


def test_a_sent_message_is_never_sent_again(app, make_user, outbox, smtp_server):
    user = make_user()
    message = _queue_one(user)  # sent at once: tasks run immediately in tests
    assert len(smtp_server.received) == 1
    assert send_messages([message.id]) == 0
    assert deliver_due() == 0
    assert len(smtp_server.received) == 1
