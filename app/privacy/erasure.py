"""Erasure that keeps the records whole: the person goes, their work stays under a pseudonym.

The account row stays, because ideas, reviews, pilot reports and the audit trail point to it;
it loses everything that names or reaches the person (e-mail address, name, password,
municipality, roles, sessions, tokens) and takes the name “Bijušais dalībnieks <pseudonym>”.
Rankings, audits and pilots are then unchanged and still verifiable, one pseudonym per
person. Whatever else names the person in any text (an audit snapshot, an invitation, an
e-mail to someone else) is replaced by the same label.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import JSON, Enum, String, Table, Text, cast, delete, func, or_, select, update

from app.accounts.models import ApiToken, User, UserSession
from app.accounts.passwords import verify_password
from app.core.audit import record_audit
from app.core.collation import latvian
from app.core.errors import Invalid, WrongState
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.privacy.models import Erasure

# Stored in the records' language: the label replaces a name in texts of every kind.
FORMER_PARTICIPANT = "Bijušais dalībnieks"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never an address anyone receives mail at
REASON_MAX = 1000
BLOCKING_PHASES = ("draft", "open", "judging")  # the jury still has work to do

ENTER_REASON = _l("Say why the person is erased (e.g. “asked by e-mail on 3 March”).")


class ErasureInput(Schema):
    reason = fields.String(required=True, validate=[
        validate.Length(min=1, error=ENTER_REASON),
        validate.Length(max=REASON_MAX, error=_l("Use at most %(n)d characters.",
                                                 n=REASON_MAX)),
    ], error_messages={"required": ENTER_REASON, "null": ENTER_REASON})


class CloseAccountInput(Schema):
    password = fields.String(required=True, error_messages={
        "required": _l("Enter your password."), "null": _l("Enter your password.")})


def is_erased(user: User) -> bool:
    """The account has been erased (its row stays for the records)."""
    return db.session.get(Erasure, user.id) is not None


def label_for(pseudonym: str) -> str:
    return f"{FORMER_PARTICIPANT} {pseudonym}"


def erasure_blockers(user: User, *, now: datetime) -> list[str]:
    """What must happen before this person can be erased, in words for them or an admin:
    a team they lead needs another lead, a jury still judging needs them removed, and an
    administrator's role is taken away by another administrator."""
    from app.hackathons.models import Hackathon
    from app.judging.models import JuryMember
    from app.teams.models import Team, TeamMember

    blockers: list[str] = []
    led = db.session.scalars(
        select(Team).join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id, TeamMember.is_lead.is_(True))
        .order_by(latvian(Team.name))).unique().all()
    for team in led:
        if any(member.user_id != user.id for member in team.members):
            blockers.append(str(_l(
                "The lead of the team “%(team)s” must first be handed over to another "
                "member (on the team's page).", team=team.name)))
    juries = db.session.scalars(
        select(Hackathon).join(JuryMember, JuryMember.hackathon_id == Hackathon.id)
        .where(JuryMember.user_id == user.id).order_by(latvian(Hackathon.title))).all()
    for hackathon in juries:
        if hackathon.phase_at(now).value in BLOCKING_PHASES:
            blockers.append(str(_l(
                "The hackathon “%(hackathon)s” is still before or in judging: its "
                "coordinator must first remove this person from the jury, or judging must "
                "end.", hackathon=hackathon.title)))
    if user.is_admin:
        blockers.append(str(_l("Another administrator must first revoke the administrator "
                               "role.")))
    return blockers


def _new_pseudonym() -> str:
    while True:
        candidate = "D-" + secrets.token_hex(3).upper()
        if db.session.scalar(select(Erasure).where(Erasure.pseudonym == candidate)) is None:
            return candidate


def erase_person(user: User, data: dict, *, actor: User, now: datetime) -> Erasure:
    """Erase a person at their request (an admin, with the reason) or their own closing of
    the account: they cannot sign in again and nothing names them; their work stays."""
    values = load(ErasureInput, data)
    if is_erased(user):
        raise WrongState(_l("This account has already been erased."))
    blockers = erasure_blockers(user, now=now)
    if blockers:
        raise WrongState(" ".join(blockers))
    email, name = user.email, user.name
    erasure = Erasure(user_id=user.id, pseudonym=_new_pseudonym(), erased_at=now)
    label = label_for(erasure.pseudonym)
    _delete_what_only_served_the_person(user, email)
    user.email = f"{erasure.pseudonym.lower()}@{ERASED_DOMAIN}"
    user.name = label
    user.password_hash = ""  # no password matches an empty hash
    user.password_version += 1  # e-mailed reset links die
    user.municipality_id = None
    user.email_confirmed_at = None
    user.last_login_at = None
    user.disabled_at = now
    user.roles.clear()
    db.session.add(erasure)
    db.session.flush()
    replaced = replace_mentions({email: label, name: label}, skip_tables={"user"})
    record_audit("privacy.erase", actor=actor, object_type="user", object_id=user.id,
                 after={"pseudonym": erasure.pseudonym, "own_request": actor.id == user.id,
                        "reason": _replace_all(values["reason"], {email: label, name: label}),
                        "mentions_replaced": replaced}, now=now)
    db.session.flush()
    return erasure


def close_account(user: User, data: dict, *, now: datetime) -> Erasure:
    """A person closes their own account: their password confirms it; then the same as an
    erasure by an administrator."""
    values = load(CloseAccountInput, data)
    if not verify_password(user.password_hash, values["password"]):
        raise Invalid(errors={"password": [_l("The password is not correct.")]})
    return erase_person(user, {"reason": "closed the account themselves"}, actor=user, now=now)


def _delete_what_only_served_the_person(user: User, email: str) -> None:
    from app.ideas.models import KeptText
    from app.judging.models_reviews import KeptReview, Review
    from app.mail.models import OutboxMessage
    from app.public.models import PilotFollower
    from app.teams.models import TeamInvitation

    own_reviews = select(Review.id).where(Review.judge_id == user.id)
    for statement in (
        delete(UserSession).where(UserSession.user_id == user.id),
        delete(ApiToken).where(ApiToken.user_id == user.id),
        delete(PilotFollower).where(PilotFollower.user_id == user.id),
        delete(KeptText).where(KeptText.user_id == user.id),
        delete(KeptReview).where(KeptReview.review_id.in_(own_reviews)),
        delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == email.lower()),
        delete(TeamInvitation).where(func.lower(TeamInvitation.email) == email.lower(),
                                     TeamInvitation.accepted_at.is_(None)),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


# --- replacing every other mention --------------------------------------------------------

def _worth_replacing(replacements: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in replacements.items() if k and len(k) >= 4}


def _pattern(needles: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted((n for n in needles if n), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered), re.IGNORECASE)


def _replace_all(text: str, replacements: dict[str, str]) -> str:
    replacements = _worth_replacing(replacements)
    if not replacements:
        return text
    lowered = {k.casefold(): v for k, v in replacements.items()}
    return _pattern(replacements).sub(lambda m: lowered.get(m.group(0).casefold(), ""), text)


def _replace_in(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        return _replace_all(value, replacements)
    if isinstance(value, list):
        return [_replace_in(item, replacements) for item in value]
    if isinstance(value, dict):
        return {_replace_in(k, replacements): _replace_in(v, replacements)
                for k, v in value.items()}
    return value


def text_columns(table: Table) -> list:
    """The columns of `table` that can hold a person's name or address in text."""
    return [column for column in table.columns
            if isinstance(column.type, String | Text | JSON)
            and not isinstance(column.type, Enum)]


def _spellings(needle: str, column) -> list[str]:
    if isinstance(column.type, JSON):
        # JSON is stored with non-ASCII letters escaped ("Zigfr\u012bds"), or not.
        return [needle, json.dumps(needle)[1:-1]]
    return [needle]


def replace_mentions(replacements: dict[str, str], *, skip_tables: set[str]) -> int:
    """Replace each key by its value in every text and JSON column of every table (but
    `skip_tables`); the number of values changed. Names shorter than 4 letters are left
    alone: they would match inside ordinary words."""
    replacements = _worth_replacing(replacements)
    if not replacements:
        return 0
    changed = 0
    for table in db.metadata.sorted_tables:
        if table.name in skip_tables:
            continue
        key = list(table.primary_key.columns)
        for column in text_columns(table):
            found = or_(*(cast(column, Text).ilike(f"%{_like_escape(spelling)}%", escape="\\")
                          for needle in replacements for spelling in _spellings(needle, column)))
            rows = db.session.execute(select(*key, column).where(found)).all()
            for row in rows:
                old = row[-1]
                new = _replace_in(old, replacements)
                if new != old:
                    db.session.execute(
                        update(table).where(*(k == v for k, v in zip(key, row[:-1], strict=True)))
                        .values({column.name: new}))
                    changed += 1
    db.session.expire_all()
    return changed


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

