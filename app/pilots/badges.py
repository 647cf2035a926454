"""A pilot's badges as HTML: its status, its health with the reasons, and its progress.

The words carry the meaning; colour and the mark only repeat it. They are written here in
Python rather than as Jinja macros because a list of pilots calls them four times a row,
and calling a macro cost several times what building its few tags does. Every value is
escaped; the templates call them like any other global.
"""

from __future__ import annotations

from markupsafe import Markup

from app.core.translation import gettext as _
from app.pilots.health import Health, badge_text, reason_text
from app.pilots.states import PilotStatus

_MARKS = {"green": "●", "amber": "▲", "red": "■"}


def health_badge(health: Health) -> Markup:
    return _HEALTH % (health.badge, _MARKS.get(health.badge, "○"), badge_text(health))


def status_badge(status: PilotStatus) -> Markup:
    return _STATUS % (status.value, status.label)


def reasons(health: Health) -> Markup:
    """Every reason for the health, each saying its level in words (hidden, as the list's
    colour shows it too); nothing when it is green."""
    if not health.reasons:
        return Markup("")
    return _REASONS % Markup("").join(
        _REASON % (r.level, _("Red:") if r.level == "red" else _("Amber:"), reason_text(r))
        for r in health.reasons)


def progress_bar(value: int) -> Markup:
    return _PROGRESS % {"value": value}


# Markup's % escapes every value it puts in (and is several times quicker than its format).
_HEALTH = Markup('<span class="status status-%s health-badge"><span aria-hidden="true" '
                 'class="health-mark">%s</span> %s</span>')
_STATUS = Markup('<span class="pilot-status pilot-status-%s">%s</span>')
_REASONS = Markup('\n  <ul class="health-reasons">\n    %s\n  </ul>\n  ')
_REASON = Markup('<li class="reason-%s"><span class="visually-hidden">%s </span>%s</li>')
_PROGRESS = Markup('<span class="pilot-progress"><progress max="100" value="%(value)s" '
                   'aria-hidden="true">%(value)s %%</progress> %(value)s&nbsp;%%</span>')


BADGES = {"health_badge": health_badge, "status_badge": status_badge, "reasons": reasons,
          "progress_bar": progress_bar}
