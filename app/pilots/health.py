"""Pilot progress and health: pure rules over plain facts, in words a public page can quote.

Progress
    Progress is the share of the milestones' total weight that belongs to the
    milestones marked *done*, from 0 to 100 %. It is rounded down to a whole
    percent, so 100 % means that every milestone is done. A *missed* milestone
    counts in the total but never as done. A pilot without milestones is at 0 %.

Health
    A pilot is **red** when any of these holds:

    - a milestone is overdue by more than 14 days;
    - the money spent exceeds the approved budget;
    - the pilot is active and has had no progress report for 90 days or more.

    It is **amber** when no red rule holds but any of these does:

    - a milestone is overdue (by 1 to 14 days);
    - a milestone falls due within the next 7 days (today included) and work
      on it has not started (it is still *planned*);
    - the share of the budget spent runs more than 20 percentage points ahead
      of the share of the pilot's time that has passed;
    - the pilot is active and has had no progress report for 45 days or more.

    Otherwise it is **green**. Every reason that holds is shown, not just the
    worst one. Each fact gives at most one reason, at its most severe level: a
    milestone 20 days overdue is listed once, as red, not also as amber.

What the words mean
    - A milestone is *overdue* when its due date has passed and it is neither
      done nor marked missed. Marking a milestone *missed* is the team's
      recorded decision that it will not be reached: it is settled, so it no
      longer counts as overdue. It still holds progress below 100 % for good,
      and it stays visible on the milestone timeline. (Counting it as overdue
      would leave the pilot red forever, whatever the team does next.)
    - "Days overdue" counts from the due date: a milestone due yesterday is
      1 day overdue. "Due within 7 days" covers today and the next 7 days.
    - The report rules apply only to *active* pilots. A planned pilot, or one
      on hold, is not expected to report. Days without a report count from
      the last report, or from the start date when there is none yet (or
      when the last one was written before the start).
    - The time that has passed is (today − start date) ÷ (end date − start
      date), kept between 0 % and 100 %. The share spent is spent ÷ approved
      budget. With a zero budget the share is undefined, so only the
      over-budget rule looks at the money (any spending at all is over it).
    - A *completed* or *discontinued* pilot has ended: its dates and reports
      can no longer be acted upon, so only the money rule still applies
      (overspending stays red on the record); otherwise it is green. Pages
      show such a pilot's status beside its health.

What the badge says
    Green means *on track*, which only a running (active) pilot can be. A
    planned, on-hold, completed or discontinued pilot whose rules all hold says
    which of these it is instead ("plānots", "apturēts", "noslēgts",
    "pārtraukts"); when a rule does not hold, amber or red still shows, since
    an overspent closed pilot is still a problem. `Health.state` carries that
    status and `Health.badge` the one word a badge shows.

The functions take plain data, so the rules can be tested with tables and
used by pages, the API, the portfolio and e-mails alike; `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from app.core.formatting import fmt_date, fmt_money, fmt_number
from app.core.translation import gettext, lazy_gettext, ngettext

GREEN, AMBER, RED = "green", "amber", "red"
LEVELS = (GREEN, AMBER, RED)
_SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}

# Milestone and pilot statuses (the models' enums are StrEnums of the same values).
MILESTONE_OPEN = frozenset({"planned", "in_progress"})
MILESTONE_NOT_STARTED = "planned"
MILESTONE_DONE = "done"
PILOT_REPORTING = frozenset({"active"})
PILOT_ENDED = frozenset({"completed", "discontinued"})
# Statuses in which "on track" means nothing: the badge names the status instead of green.
PILOT_NOT_RUNNING = ("planned", "on_hold", "completed", "discontinued")

OVERDUE_RED_AFTER_DAYS = 14
DUE_SOON_DAYS = 7
SPENDING_AHEAD_POINTS = 20
NO_REPORT_RED_DAYS = 90
NO_REPORT_AMBER_DAYS = 45

REASON_LEVELS: Mapping[str, str] = {
    "milestone_overdue_14": RED,
    "over_budget": RED,
    "no_report_90": RED,
    "milestone_overdue": AMBER,
    "milestone_due_soon_not_started": AMBER,
    "spending_ahead_of_time": AMBER,
    "no_report_45": AMBER,
}
_RULE_ORDER = {code: i for i, code in enumerate(REASON_LEVELS)}
_HUNDRED = Fraction(100)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class MilestoneFacts:
    """What the health rules need to know about one milestone."""

    weight: Decimal
    status: str
    due_date: date
    completed_on: date | None = None
    title: str = ""


@dataclass(frozen=True)
class PilotFacts:
    """What the health rules need to know about one pilot; the caller loads the numbers."""

    status: str
    start_date: date
    end_date: date
    approved_budget: Decimal
    spent: Decimal
    milestones: Sequence[MilestoneFacts] = ()
    last_report_on: date | None = None


@dataclass(frozen=True)
class Reason:
    """Why a pilot is not green: a machine code and the values a sentence needs."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return REASON_LEVELS[self.code]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, decimals as strings (never floats)."""
        def plain(value):
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, Decimal):
                return str(value)
            return value

        return {"code": self.code, "level": self.level,
                "params": {key: plain(value) for key, value in self.params.items()}}


@dataclass(frozen=True)
class Health:
    """A pilot's health level and every reason behind it (empty when green)."""

    level: str
    reasons: list[Reason] = field(default_factory=list)
    state: str = ""  # the pilot's status when it is not running (PILOT_NOT_RUNNING)
    # The reasons in words, per language, once worked out (`in_words`). A kept pilot row
    # (app.pilots.plain) is shown to every reader until public data changes, and its
    # sentences, with their dates and sums, cost more than the rest of its row.
    _in_words: dict[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @property
    def badge(self) -> str:
        """What a badge shows: the level, except that a pilot not running is never "green"."""
        return self.state if self.state and self.level == GREEN else self.level

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "state": self.state, "badge": self.badge,
                "reasons": [r.as_dict() for r in self.reasons]}

    def in_words(self) -> tuple[tuple[str, str], ...]:
        """(level, sentence) of every reason, in the current language (`reason_text`)."""
        from app.core.language import current

        language = current()
        try:
            return self._in_words[language]
        except KeyError:
            words = self._in_words[language] = tuple(
                (reason.level, reason_text(reason)) for reason in self.reasons)
            return words


def progress(milestones: Sequence[MilestoneFacts]) -> int:
    """The weighted share of milestones done, 0–100, rounded down to a whole percent.

    Weights of zero or less are invalid (operations refuse them) and are ignored here.
    """
    total = sum((Decimal(m.weight) for m in milestones if m.weight > 0), Decimal(0))
    if total <= 0:
        return 0
    done = sum((Decimal(m.weight) for m in milestones
                if m.weight > 0 and m.status == MILESTONE_DONE), Decimal(0))
    share = Fraction(done) / Fraction(total) * _HUNDRED
    return int(share)  # int() of a non-negative Fraction rounds down


def elapsed_share(start: date, end: date, today: date) -> Fraction:
    """The share of the pilot's time that has passed, in percent, kept within 0..100."""
    if end <= start:
        return _HUNDRED if today >= start else Fraction(0)
    share = Fraction((today - start).days, (end - start).days) * _HUNDRED
    return min(max(share, Fraction(0)), _HUNDRED)


def health(facts: PilotFacts, today: date) -> Health:
    """Green, amber or red, with every reason that holds (see the module's rules)."""
    reasons: list[Reason] = []
    ended = facts.status in PILOT_ENDED
    if not ended:
        reasons += _milestone_reasons(facts.milestones, today)
    reasons += _money_reasons(facts, today, time_rules=not ended)
    if facts.status in PILOT_REPORTING:
        reasons += _report_reasons(facts, today)
    reasons.sort(key=lambda r: (-_SEVERITY[r.level], _RULE_ORDER[r.code]))  # stable
    level = max((r.level for r in reasons), key=_SEVERITY.__getitem__, default=GREEN)
    state = facts.status if facts.status in PILOT_NOT_RUNNING else ""
    return Health(level=level, reasons=reasons, state=state)


def _milestone_reasons(milestones: Sequence[MilestoneFacts], today: date) -> list[Reason]:
    reasons = []
    for m in sorted(milestones, key=lambda m: (m.due_date, m.title)):
        if m.status not in MILESTONE_OPEN:
            continue  # done or missed: settled
        overdue = (today - m.due_date).days
        if overdue > OVERDUE_RED_AFTER_DAYS:
            code, days = "milestone_overdue_14", overdue
        elif overdue > 0:
            code, days = "milestone_overdue", overdue
        elif -overdue <= DUE_SOON_DAYS and m.status == MILESTONE_NOT_STARTED:
            code, days = "milestone_due_soon_not_started", -overdue
        else:
            continue
        reasons.append(Reason(code, {"title": m.title, "days": days, "due_date": m.due_date}))
    return reasons


def _money_reasons(facts: PilotFacts, today: date, *, time_rules: bool) -> list[Reason]:
    approved, spent = Decimal(facts.approved_budget), Decimal(facts.spent)
    reasons = []
    if spent > approved:
        reasons.append(Reason("over_budget", {
            "spent": spent, "approved": approved, "over_by": spent - approved}))
    if time_rules and approved > 0:
        spent_pct = Fraction(spent) / Fraction(approved) * _HUNDRED
        elapsed_pct = elapsed_share(facts.start_date, facts.end_date, today)
        ahead = spent_pct - elapsed_pct
        if ahead > SPENDING_AHEAD_POINTS:  # exact: 20.00 is not ahead, 20.01 is
            reasons.append(Reason("spending_ahead_of_time", {
                "spent_percent": _percent(spent_pct),
                "elapsed_percent": _percent(elapsed_pct),
                "points": _percent(ahead),
            }))
    return reasons


def _report_reasons(facts: PilotFacts, today: date) -> list[Reason]:
    since = facts.start_date
    if facts.last_report_on is not None and facts.last_report_on > since:
        since = facts.last_report_on
    days = (today - since).days
    if days >= NO_REPORT_RED_DAYS:
        code = "no_report_90"
    elif days >= NO_REPORT_AMBER_DAYS:
        code = "no_report_45"
    else:
        return []
    return [Reason(code, {"days": days, "last_report_on": facts.last_report_on})]


def _percent(value: Fraction) -> Decimal:
    """A percentage for display, to two decimals; the rules compare the exact value."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(_CENT, rounding=ROUND_HALF_UP)


_BADGE_WORDS = {
    GREEN: lazy_gettext("Green: on track"),
    AMBER: lazy_gettext("Amber: needs attention"),
    RED: lazy_gettext("Red: at risk"),
    "planned": lazy_gettext("Planned: not running yet"),
    "on_hold": lazy_gettext("On hold: suspended"),
    "completed": lazy_gettext("Completed: closed"),
    "discontinued": lazy_gettext("Discontinued"),
}


def badge_text(health: Health) -> str:
    """The badge's words in the current language (call it where Babel knows the language)."""
    return str(_BADGE_WORDS[health.badge])


def reason_text(reason: Reason) -> str:
    """The reason as a sentence in the current language, for pages and e-mails.

    Call it where Babel knows the language (a request or app context); the rules
    above never call it, so they stay free of Flask.
    """
    p = reason.params
    code = reason.code
    if code in ("milestone_overdue_14", "milestone_overdue"):
        return ngettext('Milestone "%(title)s" is %(num)d day overdue (due %(due)s).',
                        'Milestone "%(title)s" is %(num)d days overdue (due %(due)s).',
                        p["days"], title=p["title"], due=fmt_date(p["due_date"], "medium"))
    if code == "milestone_due_soon_not_started":
        if p["days"] == 0:
            return gettext('Milestone "%(title)s" is due today and work on it has not '
                           'started.', title=p["title"])
        return ngettext('Milestone "%(title)s" is due in %(num)d day (%(due)s) and work on '
                        'it has not started.',
                        'Milestone "%(title)s" is due in %(num)d days (%(due)s) and work on '
                        'it has not started.',
                        p["days"], title=p["title"], due=fmt_date(p["due_date"], "medium"))
    if code == "over_budget":
        return gettext("Spending of %(spent)s exceeds the approved budget of %(approved)s "
                       "by %(over)s.",
                       spent=fmt_money(p["spent"]), approved=fmt_money(p["approved"]),
                       over=fmt_money(p["over_by"]))
    if code == "spending_ahead_of_time":
        return gettext("%(spent)s%% of the budget is spent, but only %(elapsed)s%% of the "
                       "pilot's time has passed.",
                       spent=fmt_number(p["spent_percent"]),
                       elapsed=fmt_number(p["elapsed_percent"]))
    if code in ("no_report_90", "no_report_45"):
        if p["last_report_on"] is None:
            return ngettext("No progress report since the pilot started, %(num)d day ago.",
                            "No progress report since the pilot started, %(num)d days ago.",
                            p["days"])
        return ngettext("The last progress report was %(num)d day ago (%(date)s).",
                        "The last progress report was %(num)d days ago (%(date)s).",
                        p["days"], date=fmt_date(p["last_report_on"], "medium"))
    return code
