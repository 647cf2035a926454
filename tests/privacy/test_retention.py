"""Each retention rule, aged past its limit: what is past it is gone, and nothing else is."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import ApiToken, UserSession
from app.core.clock import now_utc
from app.extensions import db
from app.ideas.models import KeptText
from app.mail.models import OutboxMessage
from app.privacy.retention import RETENTION, enforce_retention
from app.teams.models import TeamInvitation
from tests.factories_teams import make_team


def _session(user, *, age_days: int, token: str) -> UserSession:
    at = now_utc() - timedelta(days=age_days)
    row = UserSession(token_hash=token.ljust(64, "0"), user_id=user.id, created_at=at,
                      last_seen_at=at, ip="192.0.2.7", user_agent="Firefox")
    db.session.add(row)
    return row


def test_sessions_older_than_12_months_go_and_newer_ones_stay(make_user):
    user = make_user()
    _session(user, age_days=366, token="old")
    _session(user, age_days=364, token="new")
    db.session.commit()
    assert enforce_retention(now_utc())["sessions"] == 1
    db.session.commit()
    left = db.session.scalars(select(UserSession.token_hash)).all()
    assert [t[:3] for t in left] == ["new"]


def test_mail_bodies_are_emptied_30_days_after_sending_keeping_recipient_kind_and_time(db):
    now = now_utc()
    old = OutboxMessage(recipient="a@example.lv", subject="Ielūgums", body="https://x/secret",
                        kind="invite:1", created_at=now - timedelta(days=40),
                        sent_at=now - timedelta(days=31))
    recent = OutboxMessage(recipient="b@example.lv", subject="Ielūgums", body="keep me",
                           kind="invite:2", created_at=now - timedelta(days=40),
                           sent_at=now - timedelta(days=29))
    db.session.add_all([old, recent])
    db.session.commit()
    enforce_retention(now)
    db.session.commit()
    db.session.expire_all()
    assert (old.body, old.recipient, old.kind, old.sent_at is not None) == \
        ("", "a@example.lv", "invite:1", True)
    assert recent.body == "keep me"


def test_expired_kept_texts_go_and_live_ones_stay(make_user):
    user = make_user()
    now = now_utc()
    db.session.add_all([
        KeptText(key="k-old", reason="late", user_id=user.id, data={"title": "vecs"},
                 browser_hash="a" * 64,
                     expires_at=now - timedelta(minutes=1)),
        KeptText(key="k-live", reason="late", user_id=user.id, data={"title": "dzīvs"},
                 browser_hash="a" * 64,
                     expires_at=now + timedelta(days=1)),
    ])
    db.session.commit()
    assert enforce_retention(now)["kept_texts"] == 1
    db.session.commit()
    assert db.session.scalars(select(KeptText.key)).all() == ["k-live"]


def test_expired_and_withdrawn_invitations_go_pending_and_accepted_stay(make_user):
    lead = make_user()
    team = make_team(lead)
    now = now_utc()

    def invitation(email, **fields):
        row = TeamInvitation(team_id=team.id, email=email, token_hash=email.ljust(64, "x"),
                             invited_by_id=lead.id, expires_at=fields.pop("expires_at",
                                                                          now + timedelta(days=3)),
                             **fields)
        db.session.add(row)

    invitation("expired@example.lv", expires_at=now - timedelta(days=1))
    invitation("revoked@example.lv", revoked_at=now - timedelta(days=1))
    invitation("pending@example.lv")
    invitation("accepted@example.lv", expires_at=now - timedelta(days=9),
               accepted_at=now - timedelta(days=10), accepted_by_id=lead.id)
    db.session.commit()
    assert enforce_retention(now)["invitations"] == 2
    db.session.commit()
    assert sorted(db.session.scalars(select(TeamInvitation.email))) == \
        ["accepted@example.lv", "pending@example.lv"]


def test_revoked_tokens_go_active_ones_stay(make_user, token_for):
    user = make_user()
    token_for(user)
    token_for(user)
    first = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    first.revoked_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert enforce_retention(now_utc())["api_tokens"] == 1
    db.session.commit()
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1


def test_nothing_else_is_touched(make_user):
    user = make_user()
    _session(user, age_days=1, token="fresh")
    db.session.commit()
    done = enforce_retention(now_utc())
    assert set(done) == {r.key for r in RETENTION if r.purge}
    assert all(count == 0 for count in done.values())
    assert db.session.get(type(user), user.id).email == user.email


def test_the_command_enforces_and_commits(app, make_user):
    user = make_user()
    _session(user, age_days=400, token="ancient")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["enforce-retention"])
    assert result.exit_code == 0, result.output
    assert "sessions: 1" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_the_privacy_page_is_the_retention_table(client):
    from html import unescape

    from flask_babel import force_locale

    for lang in ("lv", "en"):
        page = unescape(client.get("/privacy" if lang == "lv" else "/en/privacy")
                        .get_data(as_text=True))
        with force_locale(lang):
            for rule in RETENTION:
                for words in (rule.data, rule.keep, rule.purpose, rule.basis):
                    assert str(words) in page, (lang, rule.key)


def test_the_record_of_processing_is_up_to_date(app):
    from app.privacy.records import DOCUMENT, records_of_processing

    with app.app_context():
        assert DOCUMENT.read_text(encoding="utf-8") == records_of_processing(), \
            "run: flask --app wsgi records-of-processing"


def test_the_security_log_is_kept_by_talka_and_entries_older_than_12_months_go(client, make_user):
    from app.core.security import SecurityEvent

    user = make_user(email="anna@example.lv")
    response = client.post("/login", data={"email": "anna@example.lv", "password": "wrong"},
                           environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert response.status_code == 422
    [failed] = db.session.scalars(select(SecurityEvent)).all()
    assert (failed.event, failed.email, failed.ip) == \
        ("sign_in_failed", "anna@example.lv", "192.0.2.44")
    assert "wrong" not in str(failed.details)  # never the password

    now = now_utc()
    db.session.add_all([
        SecurityEvent(at=now - timedelta(days=366), event="sign_in", user_id=user.id,
                      ip="192.0.2.1"),
        SecurityEvent(at=now - timedelta(days=364), event="sign_in", user_id=user.id,
                      ip="192.0.2.2")])
    db.session.commit()
    assert enforce_retention(now)["security_log"] == 1
    db.session.commit()
    left = sorted(db.session.scalars(select(SecurityEvent.ip)))
    assert left == ["192.0.2.2", "192.0.2.44"]


def test_a_refused_request_is_kept_in_the_security_log_though_its_work_is_undone(
        client, make_user):
    from app.core.security import SecurityEvent
    from tests.conftest import login

    user = make_user()
    login(client, user)
    assert client.get("/admin/users").status_code == 403
    events = db.session.scalars(select(SecurityEvent.event).where(
        SecurityEvent.user_id == user.id)).all()
    assert "access_refused" in events and "sign_in" in events
