"""Ideas, their proposed indicators, revisions and kept (unsaved) texts.

Attachments are in models_attachments.py; the redacted texts a blind review's judges read
in models_redaction.py.

Who may do what is answered by predicates on `Idea`; views, the API and
templates all ask the same ones. The status machine lives in status.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup
from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import RIGA, now_utc
from app.core.folding import folded_copy
from app.core.kept import KeptDraftMixin
from app.core.sanitize import rendered, stored_html
from app.extensions import Model
from app.hackathons.models import Phase
from app.ideas.status import PUBLIC_AFTER_RESULTS, SUBMITTED_ONCE, IdeaStatus

if TYPE_CHECKING:
    from app.ideas.models_attachments import Attachment
    from app.ideas.models_redaction import IdeaRedaction
    from app.pilots.models import Pilot

TITLE_MAX = 200
SUMMARY_MAX = 300
LONG_TEXT_MAX = 20_000
PARTNERS_MAX = 5_000
INDICATOR_NAME_MAX = 200
INDICATOR_VALUE_MAX = 100
INDICATORS_MAX = 10
BUDGET_MAX = Decimal("99999999.99")
DURATION_MIN, DURATION_MAX = 1, 120

# Markdown fields: rendered through app.core.sanitize.render_markdown when saved and kept in
# `<name>_html`, which pages show and the API answers.
MARKDOWN_FIELDS = ("problem", "solution", "target_group", "expected_impact", "partners")
TEXT_FIELDS = ("title", "summary", *MARKDOWN_FIELDS)
# Everything a save may change; a revision is a snapshot of these (plus indicators).
EDITABLE_FIELDS = (*TEXT_FIELDS, "budget_eur", "duration_months")
# What submitting requires; partners and attachments are optional.
REQUIRED_TO_SUBMIT = ("title", "summary", "problem", "solution", "target_group",
                      "expected_impact", "budget_eur", "duration_months", "indicators")

# While the hackathon is in these (effective) phases a team may still save a draft;
# a draft saved after the deadline can no longer be submitted, but nothing typed is lost.
DRAFT_SAVE_PHASES = frozenset({Phase.OPEN, Phase.JUDGING})


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _status_enum():
    return Enum(IdeaStatus, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e])


class Idea(Model):
    """A team's idea for a hackathon, from draft to decision."""

    __tablename__ = "idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    partners: Mapped[str] = mapped_column(Text, default="")
    # Each Markdown field's sanitised HTML, set whenever the text is (see the end of the file).
    # Title and summary folded (app.core.folding) for the site search.
    search_key: Mapped[str] = mapped_column(Text, default="")
    problem_html: Mapped[str] = mapped_column(Text, default="")
    solution_html: Mapped[str] = mapped_column(Text, default="")
    target_group_html: Mapped[str] = mapped_column(Text, default="")
    expected_impact_html: Mapped[str] = mapped_column(Text, default="")
    partners_html: Mapped[str] = mapped_column(Text, default="")
    budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    duration_months: Mapped[int | None] = mapped_column(Integer)
    # Only operations assign the status, along status.TRANSITIONS.
    status: Mapped[IdeaStatus] = mapped_column(_status_enum(), default=IdeaStatus.DRAFT,
                                               index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    ineligible_reason: Mapped[str] = mapped_column(Text, default="")
    ineligible_at: Mapped[datetime | None]
    ineligible_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )

    hackathon = relationship("Hackathon", lazy="joined")
    team = relationship("Team", lazy="joined")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    indicators: Mapped[list[ProposedIndicator]] = relationship(
        back_populates="idea", cascade="all, delete-orphan",
        order_by="(ProposedIndicator.position, ProposedIndicator.id)",
    )
    revisions: Mapped[list[IdeaRevision]] = relationship(
        back_populates="idea", cascade="all, delete-orphan", order_by="IdeaRevision.number",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="idea", cascade="all, delete-orphan",
        order_by="(Attachment.uploaded_at, Attachment.id)",
    )
    if TYPE_CHECKING:
        pilot: Pilot | None  # made at run time by the backref of Pilot.idea
    redaction: Mapped[IdeaRedaction | None] = relationship(
        back_populates="idea", cascade="all, delete-orphan", uselist=False, lazy="select")

    # An UPDATE carries "WHERE version = <old>", so two saves racing cannot both win.
    __mapper_args__ = {"version_id_col": version}

    # Other features add who else may read a submitted idea (judging: assigned judges).
    # Each rule is `rule(idea, user) -> bool` and is asked only for signed-in users.
    private_reader_rules: ClassVar[list[Callable[[Idea, Any], bool]]] = []

    def html(self, name: str) -> Markup:
        """A Markdown field as the HTML sanitised when it was saved."""
        return stored_html(getattr(self, f"{name}_html"))

    @classmethod
    def register_reader_rule(cls, rule: Callable[[Idea, Any], bool]) -> None:
        """Let another feature grant read access to submitted ideas (e.g. assigned judges)."""
        if rule not in cls.private_reader_rules:
            cls.private_reader_rules.append(rule)

    # --- facts ------------------------------------------------------------------------
    @property
    def display_title(self) -> str:
        from app.core.translation import gettext as _

        return self.title or _("Untitled idea")

    @property
    def reference(self) -> str:
        """The receipt's number, quoted in letters and calls: the year it was submitted and
        the idea's id (stable, and readable over the phone)."""
        moment = self.submitted_at or self.created_at
        year = moment.astimezone(RIGA).year if moment else 0
        return f"TLK-{year}-{self.id:06d}"

    @property
    def is_draft(self) -> bool:
        return self.status == IdeaStatus.DRAFT

    @property
    def was_submitted(self) -> bool:
        return self.status in SUBMITTED_ONCE

    # --- who may do what ----------------------------------------------------------
    def is_team_member(self, user) -> bool:
        """The user is a member of the idea's team."""
        return _signed_in(user) and self.team.is_member(user)

    def is_public(self, now: datetime | None = None) -> bool:
        """Everyone may read the public fields of a judged idea once results are out."""
        return (self.status in PUBLIC_AFTER_RESULTS
                and self.hackathon.phase_at(now) in (Phase.RESULTS, Phase.CLOSED))

    def can_view_private(self, user) -> bool:
        """All fields: the team and admins always; coordinators (and registered readers,
        e.g. assigned judges) once the idea was submitted."""
        if not _signed_in(user):
            return False
        if user.is_admin or self.is_team_member(user):
            return True
        if self.status not in SUBMITTED_ONCE:
            return False
        if self.hackathon.can_manage(user):
            return True
        return any(rule(self, user) for rule in self.private_reader_rules)

    def can_view(self, user, now: datetime | None = None) -> bool:
        """The idea page: everything for private readers, public fields for winners."""
        return self.can_view_private(user) or self.is_public(now)

    def can_edit(self, user, now: datetime | None = None) -> bool:
        """Team members edit a draft until results, a submitted idea until the deadline."""
        if not self.is_team_member(user):
            return False
        return self.editable_at(now)

    def editable_at(self, now: datetime | None = None) -> bool:
        """Whether the idea's state and the clock allow a save at all."""
        if self.status == IdeaStatus.DRAFT:
            return self.hackathon.phase_at(now) in DRAFT_SAVE_PHASES
        if self.status == IdeaStatus.SUBMITTED:
            return self.hackathon.accepts_submissions(now)
        return False

    def can_submit(self, user, now: datetime | None = None) -> bool:
        """A team member submits a draft while the hackathon accepts submissions."""
        return (self.is_team_member(user) and self.status == IdeaStatus.DRAFT
                and self.hackathon.accepts_submissions(now))

    def can_withdraw(self, user, now: datetime | None = None) -> bool:
        """A team member withdraws a submitted idea before the deadline."""
        return (self.is_team_member(user) and self.status == IdeaStatus.SUBMITTED
                and self.hackathon.accepts_submissions(now))

    def can_mark_ineligible(self, user) -> bool:
        """The hackathon's coordinators rule a submitted idea out, with a reason."""
        return self.status == IdeaStatus.SUBMITTED and self.hackathon.can_manage(user)

    def hides_team_from(self, user, now: datetime | None = None) -> bool:
        """Blind review: a reader who is not the team, an admin or one of the hackathon's
        coordinators (i.e. an assigned judge) does not learn who wrote the idea, until it
        is a public winner."""
        if not self.hackathon.blind_review or self.is_public(now):
            return False
        return not (_signed_in(user) and (user.is_admin or self.is_team_member(user)
                                          or self.hackathon.can_manage(user)))

    def reads_redacted(self, user, now: datetime | None = None) -> bool:
        """The reader gets the coordinator's redacted texts: a judge of a blind review (whom
        the team is hidden from), once a coordinator has redacted the idea."""
        return self.redaction is not None and self.hides_team_from(user, now)

    def text_for(self, user, now: datetime | None = None) -> Idea | IdeaRedaction:
        """The texts (title, summary, problem …, `html(name)`, `display_title`) this reader
        is shown: the one rule every judge's page and the API ask."""
        redaction = self.redaction
        return redaction if redaction is not None and self.reads_redacted(user, now) else self

    def can_redact(self, user, now: datetime | None = None) -> bool:
        """The hackathon's coordinators redact a submitted idea of a blind review for its
        judges once the team can no longer change it (after the deadline), until decided."""
        return (self.hackathon.blind_review and self.status == IdeaStatus.SUBMITTED
                and _signed_in(user) and self.hackathon.can_manage(user)
                and self.hackathon.phase_at(now) in (Phase.JUDGING, Phase.RESULTS))

    def can_see_history(self, user) -> bool:
        """Revisions (who saved what, and when) are for those who may read every field and
        may know the team."""
        return self.can_view_private(user) and not self.hides_team_from(user)

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status} {self.title[:30]!r}>"


class ProposedIndicator(Model):
    """How the team proposes to measure the idea's impact: a name, a baseline, a target."""

    __tablename__ = "proposed_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(INDICATOR_NAME_MAX))
    baseline: Mapped[str] = mapped_column(String(INDICATOR_VALUE_MAX), default="")
    target: Mapped[str] = mapped_column(String(INDICATOR_VALUE_MAX), default="")

    idea: Mapped[Idea] = relationship(back_populates="indicators")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "baseline": self.baseline, "target": self.target}

    def __repr__(self) -> str:
        return f"<ProposedIndicator {self.id} {self.name!r}>"


class IdeaRevision(Model):
    """A snapshot of an idea's fields as saved; `number` is the idea's version after the save."""

    __tablename__ = "idea_revision"
    __table_args__ = (UniqueConstraint("idea_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(default=now_utc)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[IdeaStatus] = mapped_column(_status_enum())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    idea: Mapped[Idea] = relationship(back_populates="revisions")
    saved_by = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<IdeaRevision idea={self.idea_id} #{self.number}>"


class KeptText(KeptDraftMixin, Model):
    """The text of an idea form that could not be saved when it was posted.

    Kept when the session had ended (the key travels in the sign-in link), when the
    form's security token had expired, or when an edit of a submitted idea arrived
    after the deadline, so that nothing a team typed is lost.
    """

    __tablename__ = "idea_kept_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(20))  # signed_out | expired_form | late
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), index=True
    )
    hackathon_id: Mapped[int | None] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    # Unknown while the poster was signed out; set by the first team member who opens it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The browser that posted it (app.core.kept): the text is offered there only, so a
    # link with its key, sent to someone else, fills nothing into their form.
    browser_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]

    idea: Mapped[Idea | None] = relationship()

    def is_live(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or now_utc()) < self.expires_at

    def __repr__(self) -> str:
        return f"<KeptText {self.id} {self.reason} idea={self.idea_id}>"


rendered(Idea, **{name: f"{name}_html" for name in MARKDOWN_FIELDS})
folded_copy(Idea, "search_key", "title", "summary")
