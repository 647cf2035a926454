"""Each judge's progress, those who fall behind the judging period's pace, and the
reminders they are sent (at most one a day, by a coordinator or by the hourly job)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import url_for
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.audit import record_audit
from app.core.clock import now_utc, today_riga
from app.core.collation import sort_key
from app.core.errors import WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.judging.assigning import ensure_assignments
from app.judging.guards import check_manager
from app.judging.models import JuryMember
from app.judging.models_reviews import Review, ReviewStatus
from app.judging.queries import RANKED_STATUSES
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail

L = TypeVar("L", bound="JuryLine")

# --- reminders --------------------------------------------------------------------------------

@dataclass(frozen=True)
class JuryLine:
    """How far one judge is: reviews done (submitted) of those that count, and conflicts;
    `jury_counts` without the clock, `standing` with it (behind, reminded today)."""

    user_id: int
    name: str
    done: int = 0
    total: int = 0
    conflicts: int = 0
    behind: bool = False
    reminded_today: bool = False

    @property
    def pending(self) -> int:
        return self.total - self.done


@dataclass(frozen=True)
class JudgeProgress(JuryLine):
    """A judge's line with her user, to be written to (the reminders)."""

    user: Any = None


def expected_share(hackathon: Hackathon, now: datetime) -> float:
    """How much of the judging time has passed (0–1): a judge is behind below it."""
    start, end = hackathon.submission_closes_at, hackathon.judging_closes_at
    if start is None or end is None or end <= start:
        return 0.0
    return min(1.0, max(0.0, (now - start) / (end - start)))


def is_behind(progress: JuryLine, hackathon: Hackathon, now: datetime) -> bool:
    """Behind: reviews left, and a smaller share done than the share of judging time passed,
    or judging closes within two days."""
    if progress.pending <= 0:
        return False
    closes = hackathon.judging_closes_at
    if closes is not None and closes - now <= timedelta(days=2):
        return True
    return progress.done / progress.total < expected_share(hackathon, now)


def judge_progress(hackathon: Hackathon, *, now: datetime | None = None) -> list[JudgeProgress]:
    """Per judge (with the user, to be written to): reviews done of those that count,
    conflicts, behind or not: 3 queries."""
    members = db.session.scalars(_progress_statements()[0], {"hackathon_id": hackathon.id})
    counted = _counted(hackathon)
    lines = [JudgeProgress(m.user_id, m.user.name, *counted.get(m.user_id, (0, 0, 0)),
                           user=m.user) for m in members]
    return standing(_by_name(lines), hackathon, now or now_utc())


def jury_counts(hackathon: Hackathon) -> tuple[JuryLine, ...]:
    """Each judge's counts by name, as plain values (kept with the dashboard's figures):
    2 queries."""
    judges = db.session.execute(_progress_statements()[2], {"hackathon_id": hackathon.id})
    counted = _counted(hackathon)
    return _by_name([JuryLine(user_id, name, *counted.get(user_id, (0, 0, 0)))
                     for user_id, name in judges])


def _by_name(lines: list[L]) -> tuple[L, ...]:
    return tuple(sorted(lines, key=lambda line: (sort_key(line.name), line.user_id)))


def standing(lines: tuple[L, ...], hackathon: Hackathon, now: datetime) -> list[L]:
    """The judges' lines with who is behind now and who was reminded today: 1 query."""
    reminded = reminded_today(hackathon, now)
    return [replace(line, behind=is_behind(line, hackathon, now),
                    reminded_today=line.user_id in reminded) for line in lines]


def _counted(hackathon: Hackathon) -> dict[int, tuple[int, int, int]]:
    """By judge: (done, total, conflicts) of the reviews of ideas in the ranking; a review
    excluded by a coordinator counts nowhere."""
    counted: dict[int, list[int]] = {}
    for judge_id, status, n in db.session.execute(_progress_statements()[1],
                                                  {"hackathon_id": hackathon.id}):
        item = counted.setdefault(judge_id, [0, 0, 0])
        if status == ReviewStatus.CONFLICT:
            item[2] += n
        elif status != ReviewStatus.EXCLUDED:
            item[1] += n
            if status == ReviewStatus.SUBMITTED:
                item[0] += n
    return {judge_id: (done, total, conflicts)
            for judge_id, (done, total, conflicts) in counted.items()}


@functools.cache
def _reminded_statement() -> Any:
    """`reminded_today`'s query, built once per process (the dashboard asks on every read);
    the pattern of the day's reminders' kinds is bound."""
    return select(OutboxMessage.kind).where(OutboxMessage.kind.like(bindparam("kind")))


@functools.cache
def _progress_statements() -> tuple[Any, Any, Any]:
    """The jury (with its users), the review counts and the jury's names, built once per
    process (the dashboard asks on every read, and building them cost more than running
    them); the hackathon is bound."""
    hackathon_id: Any = bindparam("hackathon_id")
    members = (select(JuryMember).where(JuryMember.hackathon_id == hackathon_id)
               .options(joinedload(JuryMember.user)))
    counts = (select(Review.judge_id, Review.status, func.count(Review.id))
              .join(Idea, Idea.id == Review.idea_id)
              .where(Review.hackathon_id == hackathon_id, Idea.status.in_(RANKED_STATUSES))
              .group_by(Review.judge_id, Review.status))
    names = (select(JuryMember.user_id, User.name).join(User, User.id == JuryMember.user_id)
             .where(JuryMember.hackathon_id == hackathon_id))
    return members, counts, names


def reminder_kind(hackathon: Hackathon, user_id: int, now: datetime) -> str:
    return f"judging-reminder:{hackathon.id}:{user_id}:{today_riga(now).isoformat()}"


def send_judge_reminders(hackathon: Hackathon, *, actor=None, now: datetime | None = None
                         ) -> list[User]:
    """E-mail each judge who is behind, never twice on the same day; return who was mailed."""
    now = now or now_utc()
    if actor is not None:
        check_manager(hackathon, actor)
    if hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("Reminders go out only while the hackathon is judging."))
    reminded = []
    url = url_for("judging.my_reviews", _external=True)
    for progress in judge_progress(hackathon, now=now):
        if not progress.behind or progress.reminded_today:
            continue
        user = progress.user
        queue_mail(user.email, "judging_reminder", locale=user.locale,
                   kind=reminder_kind(hackathon, user.id, now), user=user,
                   hackathon=hackathon, done=progress.done, total=progress.total,
                   closes_at=hackathon.judging_closes_at, url=url)
        reminded.append(user)
    if reminded and actor is not None:
        record_audit("judging.remind", actor=actor, object_type="hackathon",
                     object_id=hackathon.id, after={"judges": [u.id for u in reminded]},
                     now=now)
    return reminded


def send_judging_reminders(now: datetime | None = None) -> int:
    """The hourly job (`send-reminders`): build the assignments where judging has begun and
    remind the judges who are behind; returns the number of e-mails queued."""
    now = now or now_utc()
    hackathons = db.session.scalars(
        select(Hackathon).where(Hackathon.effective_phase_is(Phase.JUDGING, now))
        .order_by(Hackathon.id)).all()
    queued = 0
    for hackathon in hackathons:
        result = ensure_assignments(hackathon, now=now)
        if result:
            queued += len({review.judge_id for review in result.created})
        queued += len(send_judge_reminders(hackathon, now=now))
    return queued


def reminded_today(hackathon: Hackathon, now: datetime) -> set[int]:
    """Ids of the judges already reminded today (Latvian date)."""
    prefix = f"judging-reminder:{hackathon.id}:"
    suffix = f":{today_riga(now).isoformat()}"
    kinds = db.session.scalars(_reminded_statement(), {"kind": prefix + "%" + suffix}).all()
    return {int(k[len(prefix):-len(suffix)]) for k in kinds
            if k[len(prefix):-len(suffix)].isdigit()}
