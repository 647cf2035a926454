"""The countdown to a hackathon's deadline, as the server renders it (localised)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.clock import now_utc
from app.core.translation import gettext as _
from app.core.translation import ngettext
from app.hackathons.phases import Phase


def split_span(delta: timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of a non-negative span, rounded down to the minute."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return days, hours, minutes


def format_span(delta: timedelta) -> str:
    """"3 days 4 hours", "5 hours 12 minutes", "12 minutes", or "less than a minute"."""
    days, hours, minutes = split_span(delta)
    day_text = ngettext("%(num)d day", "%(num)d days", days)
    hour_text = ngettext("%(num)d hour", "%(num)d hours", hours)
    minute_text = ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if days:
        return f"{day_text} {hour_text}" if hours else day_text
    if hours:
        return f"{hour_text} {minute_text}" if minutes else hour_text
    if minutes:
        return minute_text
    return _("less than a minute")


def countdown_text(hackathon, now: datetime | None = None) -> str | None:
    """What the page says about the deadline, or None when there is nothing to count."""
    now = now or now_utc()
    phase = hackathon.phase_at(now)
    opens, closes = hackathon.submission_opens_at, hackathon.submission_closes_at
    if phase == Phase.OPEN and closes is not None:
        if opens is not None and now < opens:
            return _("Submissions open in %(span)s", span=format_span(opens - now))
        return _("%(span)s left to submit ideas", span=format_span(closes - now))
    if phase == Phase.DRAFT:
        return None
    return _("Submissions are closed.")
