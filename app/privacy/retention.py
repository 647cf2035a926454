"""How long Talka keeps each kind of personal data, and why: written once, here.

`RETENTION` is the one table. The privacy page, the record of processing activities
(docs/records-of-processing.md) and `enforce_retention` are all made from it, so what the
page promises and what the job does cannot drift apart. Each rule names where its data
lives (`tables`), which `app.privacy.personal_data` checks column by column.

Rules with a `purge` are enforced by `enforce_retention(now)` (CLI: `flask enforce-retention`,
daily); the others are kept for as long as their purpose lasts and end by erasure
(`app.privacy.erasure`) or by the programme's record-keeping duty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, update

from app.core.translation import lazy_gettext as _l
from app.extensions import Model, db

if TYPE_CHECKING:
    from app.core.kept import KeptDraftMixin

MONTHS_12 = timedelta(days=365)
DAYS_30 = timedelta(days=30)

# The legal bases, named once (GDPR Art. 6(1)).
PUBLIC_TASK = _l("GDPR Art. 6(1)(e): a task carried out in the public interest — running the "
                 "municipal capacity programme's hackathons, judging and pilots")
LEGAL_DUTY = _l("GDPR Art. 6(1)(c): the programme's legal duty to keep its records (the "
                "Recovery and Resilience Facility and EU Financial Regulation require "
                "programme documents to be kept for 5 years after the final payment)")
SECURITY = _l("GDPR Art. 6(1)(e) and Art. 32: keeping accounts secure and detecting abuse")
CONSENT = _l("GDPR Art. 6(1)(a): the person's own choice, withdrawn at any time")

Purge = Callable[[datetime], int]


@dataclass(frozen=True)
class Rule:
    """One kind of personal data: what, where, for how long, why, and who sees it."""

    key: str
    data: object  # what kind of personal data (a lazy string)
    tables: tuple[str, ...]  # where it is stored
    keep: object  # how long, in words
    purpose: object
    basis: object
    recipients: object  # who sees it
    period: timedelta | None = None  # enforced limit; None: as long as the purpose lasts
    purge: Purge | None = field(default=None, compare=False)


# --- the purges: each deletes or empties what is past its limit, flushes, and counts ---

def _count(result) -> int:
    return max(result.rowcount or 0, 0)


def purge_sessions(now: datetime) -> int:
    """Signed-in sessions (IP address, browser) started more than 12 months ago end."""
    from app.accounts.models import UserSession

    return _count(db.session.execute(
        delete(UserSession).where(UserSession.created_at < now - MONTHS_12)))


def purge_security_log(now: datetime) -> int:
    """Security events (sign-ins, failures, refusals, with IP address and browser) older than
    12 months go."""
    from app.core.security import SecurityEvent

    return _count(db.session.execute(
        delete(SecurityEvent).where(SecurityEvent.at < now - MONTHS_12)))


def purge_mail_bodies(now: datetime) -> int:
    """Mail sent more than 30 days ago keeps its recipient, kind and times; its text goes
    (it held personal words and links). Mail never sent in 30 days will not be: the same."""
    from app.mail.models import OutboxMessage

    cutoff = now - DAYS_30
    return _count(db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.body != "",
               or_(OutboxMessage.sent_at < cutoff,
                   OutboxMessage.sent_at.is_(None) & (OutboxMessage.created_at < cutoff)))
        .values(body="")))


def kept_text_models() -> list[type[KeptDraftMixin]]:
    """Every table of texts kept for a person who could not save them: the two of the first
    round and every table built on core.kept's KeptDraftMixin."""
    from app.core.kept import KeptDraftMixin
    from app.ideas.models import KeptText
    from app.judging.models_reviews import KeptReview

    models: list[type[KeptDraftMixin]] = [KeptText, KeptReview]
    for mapper in Model.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, KeptDraftMixin) and cls not in models:
            models.append(cls)
    return models


def purge_kept_texts(now: datetime) -> int:
    """Kept texts past their expiry (used or not) go."""
    return sum(_count(db.session.execute(delete(model).where(model.expires_at < now)))
               for model in kept_text_models())


def purge_invitations(now: datetime) -> int:
    """Invitations that can no longer be used (expired or withdrawn) go; accepted ones stay,
    since who invited whom is part of the team's record (conflicts of interest)."""
    from app.teams.models import TeamInvitation

    return _count(db.session.execute(
        delete(TeamInvitation).where(
            TeamInvitation.accepted_at.is_(None),
            or_(TeamInvitation.expires_at < now, TeamInvitation.revoked_at.is_not(None)))))


def purge_tokens(now: datetime) -> int:
    """Revoked API tokens go: they no longer work, and their names and times are not needed."""
    from app.accounts.models import ApiToken

    return _count(db.session.execute(
        delete(ApiToken).where(ApiToken.revoked_at.is_not(None), ApiToken.revoked_at <= now)))


# --- the table -----------------------------------------------------------------------------

RETENTION: tuple[Rule, ...] = (
    Rule(
        key="account",
        data=_l("Account: name, e-mail address, municipality, preferred language, password "
                "hash, sign-up and last sign-in times"),
        tables=("user", "privacy_erasure", "affiliation"),
        keep=_l("While the account exists. Closing the account, or erasure at the person's "
                "request, removes it; the person's work in programme records then shows a "
                "pseudonym (“former participant”)."),
        purpose=_l("Signing in, e-mail about the person's teams, ideas, reviews and pilots"),
        basis=PUBLIC_TASK,
        recipients=_l("The person; administrators; the coordinators of the person's region "
                      "see the contacts of teams and judges"),
    ),
    Rule(
        key="roles",
        data=_l("Roles: administrator or coordinator of a region, and who granted them"),
        tables=("role_grant",),
        keep=_l("While the role is held."),
        purpose=_l("Deciding who may manage hackathons, judging and pilots"),
        basis=PUBLIC_TASK,
        recipients=_l("The person; administrators"),
    ),
    Rule(
        key="sessions",
        data=_l("Security data: signed-in sessions with their IP address, browser and times"),
        tables=("user_session",),
        keep=_l("12 months from the start of the session at most; signing out ends it at "
                "once."),
        purpose=_l("Keeping the person signed in, showing them their signed-in devices, "
                   "detecting abuse"),
        basis=SECURITY,
        recipients=_l("The person; administrators"),
        period=MONTHS_12,
        purge=purge_sessions,
    ),
    Rule(
        key="security_log",
        data=_l("Security log: sign-ins, failed and throttled sign-ins, password resets "
                "and changes, tokens made and revoked, refused requests — with the account or "
                "the e-mail address typed, the IP address and the browser"),
        tables=("security_event",),
        keep=_l("12 months, then deleted by Talka's daily retention job. A copy also goes "
                "to the server's log for live monitoring; the operator rotates it within "
                "the same 12 months."),
        purpose=_l("Detecting and investigating attacks on accounts"),
        basis=SECURITY,
        recipients=_l("The operator's system administrators"),
        period=MONTHS_12,
        purge=purge_security_log,
    ),
    Rule(
        key="api_tokens",
        data=_l("API tokens: their names, when they were made and last used (the token "
                "itself is stored only as a hash)"),
        tables=("api_token",),
        keep=_l("Until revoked; a revoked token is deleted."),
        purpose=_l("Letting the person's programs use the API"),
        basis=PUBLIC_TASK,
        recipients=_l("The person"),
        period=timedelta(0),
        purge=purge_tokens,
    ),
    Rule(
        key="mail",
        data=_l("E-mail sent by Talka: recipient, subject, text (with personal links)"),
        tables=("outbox_message",),
        keep=_l("The text is emptied 30 days after sending; the recipient, kind and time are "
                "kept as the record that the message was sent."),
        purpose=_l("Delivering notices, and showing administrators what was sent"),
        basis=PUBLIC_TASK,
        recipients=_l("The recipient; administrators"),
        period=DAYS_30,
        purge=purge_mail_bodies,
    ),
    Rule(
        key="invitations",
        data=_l("Team invitations: the invited e-mail address, who invited"),
        tables=("team_invitation",),
        keep=_l("Until used; an expired or withdrawn invitation is deleted. An accepted "
                "invitation stays with the team's record."),
        purpose=_l("Forming teams; keeping judges away from teams they are linked to"),
        basis=PUBLIC_TASK,
        recipients=_l("The team lead; coordinators of the region"),
        period=timedelta(0),
        purge=purge_invitations,
    ),
    Rule(
        key="kept_texts",
        data=_l("Kept texts: what a person typed that could not be saved (an ended session, "
                "a passed deadline)"),
        tables=("idea_kept_text", "kept_review"),
        keep=_l("Until saved or until it expires (days, as the form says), then deleted."),
        purpose=_l("Nothing a team or a judge typed is lost"),
        basis=PUBLIC_TASK,
        recipients=_l("Only the person who typed it"),
        period=timedelta(0),
        purge=purge_kept_texts,
    ),
    Rule(
        key="teams",
        data=_l("Team membership: which teams the person is in, as lead or member"),
        tables=("team_member", "team_former_member"),
        keep=_l("For the programme's record-keeping period; on erasure it shows a pseudonym."),
        purpose=_l("Teams write ideas and run pilots; conflicts of interest are checked "
                   "against them"),
        basis=LEGAL_DUTY,
        recipients=_l("The team; coordinators; the public sees the team's name only"),
    ),
    Rule(
        key="programme_records",
        data=_l("Programme records: ideas and their versions, attachments, reviews with "
                "scores and comments, conflict declarations, jury membership, winner "
                "decisions, pilots and their reports, expenses and documents, the audit "
                "trail — each with who wrote or changed it"),
        tables=("idea", "idea_revision", "idea_attachment", "review", "review_score",
                "conflict_declaration", "jury_member", "hackathon", "phase_change",
                "final_round", "winner_decision", "results_correction", "idea_redaction",
                "assignment_run", "pilot", "pilot_update",
                "pilot_status_change", "pilot_evaluation", "pilot_document", "expense",
                "measurement", "replication", "audit_entry", "team", "programme_event",
                "assessment_response"),
        keep=_l("For the programme's record-keeping period (5 years after its final "
                "payment), then as the archive law requires. Erasure of a person replaces "
                "their name with a pseudonym; the records stay whole."),
        purpose=_l("Showing how winners were chosen and how public money was spent; audits "
                   "by the programme and the EU"),
        basis=LEGAL_DUTY,
        recipients=_l("Coordinators and administrators; auditors; judges see the ideas "
                      "assigned to them; the public sees winners and pilots without names "
                      "of people"),
    ),
    Rule(
        key="training_records",
        data=_l("People trained at the programme's events: name, e-mail address, "
                "municipality or planning region, and the events attended"),
        tables=("programme_person", "programme_attendance"),
        keep=_l("For the programme's record-keeping period (5 years after its final "
                "payment): the result indicator counts them."),
        purpose=_l("Counting the people trained for the programme's result indicator, each "
                   "once; finding duplicates"),
        basis=LEGAL_DUTY,
        recipients=_l("The coordinators of the event's region; the public sees totals only"),
    ),
    Rule(
        key="public_engagement",
        data=_l("Public votes and followed pilots"),
        tables=("public_vote", "pilot_follower"),
        keep=_l("A vote: with the hackathon's records. Following: until the person stops "
                "following or closes the account."),
        purpose=_l("Counting the public's votes; e-mailing news of a pilot the person "
                   "follows"),
        basis=CONSENT,
        recipients=_l("The person; administrators; only vote counts are public"),
    ),
)

RULES: dict[str, Rule] = {rule.key: rule for rule in RETENTION}


def enforce_retention(now: datetime) -> dict[str, int]:
    """Delete or empty everything past its limit; the rows touched, by rule. Flushes only:
    the caller (the command, or a scheduled job) commits."""
    done = {rule.key: rule.purge(now) for rule in RETENTION if rule.purge is not None}
    db.session.flush()
    return done
