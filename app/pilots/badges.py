"""A pilot's badges as HTML: its status, its health with the reasons, and its progress.

The words carry the meaning; colour and the mark only repeat it. They are written here in
Python rather than as Jinja macros because a list of pilots calls them four times a row,
and a macro call costs more than building its few tags. Every value is escaped; the
templates call them like any other global.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.core.translation import gettext as _
from app.pilots.health import Health, badge_text
from app.pilots.states import PilotStatus

_MARKS = {"green": "●", "amber": "▲", "red": "■"}


def health_badge(health: Health) -> Markup:
    badge = escape(health.badge)
    return _html(f'<span class="status status-{badge} health-badge"><span aria-hidden="true" '
                 f'class="health-mark">{_MARKS.get(health.badge, "○")}</span> '
                 f'{escape(badge_text(health))}</span>')


def status_badge(status: PilotStatus) -> Markup:
    return _html(f'<span class="pilot-status pilot-status-{escape(status.value)}">'
                 f'{escape(status.label)}</span>')


def reasons(health: Health) -> Markup:
    """Every reason for the health, each saying its level in words (hidden, as the list's
    colour shows it too); nothing when it is green."""
    if not health.reasons:
        return Markup("")
    said = {"red": escape(_("Red:")), "amber": escape(_("Amber:"))}
    items = "".join(
        f'<li class="reason-{escape(level)}"><span class="visually-hidden">'
        f'{said["red"] if level == "red" else said["amber"]} </span>'
        f'{escape(sentence)}</li>' for level, sentence in health.in_words())
    return _html(f'\n  <ul class="health-reasons">\n    {items}\n  </ul>\n  ')


def progress_bar(value: int) -> Markup:
    shown = escape(value)
    return _html(f'<span class="pilot-progress"><progress max="100" value="{shown}" '
                 f'aria-hidden="true">{shown} %</progress> {shown}&nbsp;%</span>')


def _html(text: str) -> Markup:
    """Markup built above from escaped values only. (An f-string with `escape` is quicker
    than a template's macro; Markup's own `%` and `format` are slower than both.)"""
    return Markup(text)  # noqa: S704  # nosec B704 - every value is escaped above


BADGES = {"health_badge": health_badge, "status_badge": status_badge, "reasons": reasons,
          "progress_bar": progress_bar}
