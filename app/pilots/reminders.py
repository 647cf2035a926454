"""Pilot e-mails of `flask --app wsgi send-reminders`: reminders to teams, digests to coordinators.

Safe to run every hour: every message is recorded in the outbox under a kind, and a
kind already there is never sent again.

- A team whose running pilot has an overdue milestone, or no progress report for 45
  days (the health rules' own thresholds), is reminded: each member once a day at
  most ("pilot-reminder:<pilot>:<date>"), and a pilot at most once in 7 days, so a
  team is nudged, not nagged.
- Each coordinator gets a weekly digest of the pilots they follow
  ("pilot-digest:<user>:<ISO year>-W<week>"), on the first run of the week.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail
from app.pilots import health as rules
from app.pilots import portfolio as overview
from app.pilots import queries
from app.pilots.health import reason_text
from app.pilots.models import Pilot
from app.pilots.models_reports import PilotUpdate
from app.pilots.states import ENDED, UpdateStatus

TEAM_REMINDER_EVERY_DAYS = 7
REPORT_REASONS = ("no_report_45", "no_report_90")


def team_reminder_kind(pilot_id: int, today: date) -> str:
    return f"pilot-reminder:{pilot_id}:{today.isoformat()}"


def digest_kind(user_id: int, today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"pilot-digest:{user_id}:{year}-W{week:02d}"


def _running_rows(today: date) -> list[queries.PilotRow]:
    """Every pilot that has not ended, with its team's members, and computed values."""
    from app.teams.models import Team, TeamMember

    condition = Pilot.status.not_in(sorted(ENDED))
    pilots = db.session.scalars(
        select(Pilot).where(condition).options(
            selectinload(Pilot.milestones), joinedload(Pilot.hackathon),
            joinedload(Pilot.team).selectinload(Team.members).joinedload(TeamMember.user))
        .order_by(Pilot.id)).unique().all()
    return queries.summarize_all(pilots, queries.load_figures(condition), today)


def _recently_reminded(today: date) -> set[int]:
    """Pilots whose team had a reminder in the last 7 days (by the Riga date in its kind,
    so the answer follows the `now` passed in, not the time the row was written)."""
    days = [today - timedelta(days=back) for back in range(TEAM_REMINDER_EVERY_DAYS)]
    kinds = db.session.scalars(select(OutboxMessage.kind).where(
        or_(*(OutboxMessage.kind.like(f"pilot-reminder:%:{day.isoformat()}") for day in days))))
    return {int(kind.split(":")[1]) for kind in kinds if kind.split(":")[1].isdigit()}


def send_pilot_reminders(now: datetime | None = None) -> int:
    """Remind teams of overdue milestones and missing progress reports; return how many."""
    now = now or now_utc()
    today = today_riga(now)
    rows = _running_rows(today)
    reminded = _recently_reminded(today)
    sent_today = set(db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.recipient)
        .where(OutboxMessage.kind.like("pilot-reminder:%:" + today.isoformat()))).tuples())
    count = 0
    for row in rows:
        pilot = row.pilot
        overdue = [m for m in pilot.milestones if m.is_overdue(today)]
        report = next((r for r in row.health.reasons if r.code in REPORT_REASONS), None)
        if (not overdue and report is None) or pilot.id in reminded:
            continue
        kind = team_reminder_kind(pilot.id, today)
        url = url_for("pilots.pilot", pilot_id=pilot.id, _external=True)
        for member in pilot.team.members:
            user = member.user
            if not user.is_active or (kind, user.email) in sent_today:
                continue
            queue_mail(user.email, "pilot_reminder", locale=user.locale, kind=kind, user=user,
                       pilot=pilot, overdue=overdue, today=today,
                       report_reason=report, reason_text=reason_text, url=url,
                       record_url=url_for("pilots.record", pilot_id=pilot.id, _external=True))
            sent_today.add((kind, user.email))
            count += 1
    return count


def send_coordinator_digests(now: datetime | None = None) -> int:
    """The weekly digest to each coordinator of the pilots they follow; return how many."""
    from app.accounts.models import Role, RoleGrant, User

    now = now or now_utc()
    today = today_riga(now)
    coordinators = db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.COORDINATOR, User.disabled_at.is_(None))
        .order_by(User.id)).unique().all()
    if not coordinators:
        return 0
    kinds = {digest_kind(u.id, today) for u in coordinators}
    done = set(db.session.scalars(select(OutboxMessage.kind)
                                  .where(OutboxMessage.kind.in_(sorted(kinds)))))
    pending = [u for u in coordinators if digest_kind(u.id, today) not in done]
    if not pending:
        return 0
    pilots = db.session.scalars(select(Pilot).options(
        selectinload(Pilot.milestones), joinedload(Pilot.hackathon),
        joinedload(Pilot.lead_municipality)).order_by(Pilot.id)).unique().all()
    rows = queries.summarize_all(pilots, queries.load_figures(Pilot.id.is_not(None)), today)
    waiting: defaultdict[int, int] = defaultdict(int)
    for update in db.session.scalars(select(PilotUpdate).where(
            PilotUpdate.status == UpdateStatus.SUBMITTED)):
        waiting[update.pilot_id] += 1
    count = 0
    for user in pending:
        mine = [r for r in rows if r.pilot.can_manage(user)]
        if not mine:
            continue
        mine.sort(key=overview.sort_key)
        counts = {level: sum(1 for r in mine if r.level == level) for level in rules.LEVELS}
        overdue, coming = overview.due_milestones(mine, today, days=7)
        queue_mail(user.email, "pilot_digest", locale=user.locale,
                   kind=digest_kind(user.id, today), user=user, today=today, counts=counts,
                   attention=[r for r in mine if r.level != rules.GREEN], overdue=overdue,
                   coming=coming, waiting=sum(waiting[r.pilot.id] for r in mine),
                   waiting_pilots=[(r.pilot, waiting[r.pilot.id]) for r in mine
                                   if waiting[r.pilot.id]],
                   total=len(mine), reason_text=reason_text,
                   url=url_for("pilots.portfolio", _external=True),
                   pilot_url=lambda p: url_for("pilots.pilot", pilot_id=p.id, _external=True))
        count += 1
    return count
