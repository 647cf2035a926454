"""Actions on many pilots at once, chosen in the portfolio: reminding their teams."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

from app.core.audit import record_audit
from app.core.clock import now_utc, today_riga
from app.core.errors import NotAllowed
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail
from app.pilots.health import reason_text
from app.pilots.models import Pilot
from app.pilots.reminders import team_reminder_kind


def remind_teams(pilots: Iterable[Pilot], *, actor: Any, now: datetime | None = None) -> int:
    """E-mail the members of each pilot's team that has overdue milestones; a team already
    reminded today (by hand or by the hourly job) is not reminded again. Returns the number
    of messages."""
    now = now or now_utc()
    today = today_riga(now)
    pilots = list(pilots)
    kinds = [team_reminder_kind(p.id, today) for p in pilots]
    sent = set(db.session.execute(select(OutboxMessage.kind, OutboxMessage.recipient)
                                  .where(OutboxMessage.kind.in_(kinds))).tuples())
    count = 0
    for pilot in pilots:
        if not pilot.can_manage(actor):
            raise NotAllowed(_l("You may not remind the team of this pilot."))
        overdue = [m for m in pilot.milestones if m.is_overdue(today)]
        if not overdue or pilot.has_ended:
            continue
        kind = team_reminder_kind(pilot.id, today)
        url = url_for("pilots.pilot", pilot_id=pilot.id, _external=True)
        for member in pilot.team.members:
            user = member.user
            if not user.is_active or (kind, user.email) in sent:
                continue
            queue_mail(
                user.email, "pilot_reminder", locale=user.locale, kind=kind, user=user,
                pilot=pilot, overdue=overdue, today=today, report_reason=None,
                reason_text=reason_text, url=url,
                record_url=url_for("pilots.record", pilot_id=pilot.id, _external=True))
            count += 1
        record_audit("pilot.remind", actor=actor, object_type="pilot", object_id=pilot.id,
                     after={"overdue_milestones": [m.id for m in overdue]}, now=now)
    db.session.flush()
    return count
