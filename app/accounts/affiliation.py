"""Verified municipal affiliation: who is known to work for which municipality.

A person is a verified member of a municipality when her confirmed e-mail address is at
one of its domains (set by an admin), or when a coordinator of its planning region
approved her request, or when an operator made her account with that municipality.
Only verified members lead a team for a municipality.

A request is e-mailed to the coordinators of the municipality's planning region (to the
national ones when the region has none yet), and the decision to the person who asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields, pre_load, validate
from sqlalchemy import select

from app import MAX_ID
from app.accounts.models import Affiliation, AffiliationStatus, Role, RoleGrant, User
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, WrongState
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.operations import queue_mail
from app.places.models import Municipality, MunicipalityDomain

NOTE_MAX = 500
CHOOSE_MUNICIPALITY = _l("Choose a municipality from the list.")


def _trimmed(data: Any, *names: str) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for name in names:
        value = data.get(name)
        if value is None:
            data[name] = ""
        elif isinstance(value, str):
            data[name] = value.strip().replace("\r\n", "\n")
    return data


class VerificationInput(Schema):
    """A request to be verified: the municipality, and a note for the coordinator."""

    municipality_id = fields.Integer(
        required=True, validate=validate.Range(min=1, max=MAX_ID, error=CHOOSE_MUNICIPALITY),
        error_messages={"required": CHOOSE_MUNICIPALITY, "null": CHOOSE_MUNICIPALITY,
                        "invalid": CHOOSE_MUNICIPALITY})
    note = fields.String(load_default="", validate=validate.Length(
        max=NOTE_MAX, error=_l("Use at most %(n)d characters.", n=NOTE_MAX)))

    @pre_load
    def _trim(self, data: Any, **_kwargs: Any) -> Any:
        return _trimmed(data, "note")


class DeclineInput(Schema):
    """Why a request is declined: the person reads it."""

    reason = fields.String(required=True, validate=[
        validate.Length(min=1, error=_l("Say why the request is declined.")),
        validate.Length(max=NOTE_MAX, error=_l("Use at most %(n)d characters.", n=NOTE_MAX))],
        error_messages={"required": _l("Say why the request is declined."),
                        "null": _l("Say why the request is declined.")})

    @pre_load
    def _trim(self, data: Any, **_kwargs: Any) -> Any:
        return _trimmed(data, "reason")


# --- who is verified -------------------------------------------------------------------

def email_domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def verified_municipality_ids(user: User) -> set[int]:
    """The municipalities the user is a verified member of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = set(db.session.scalars(select(Affiliation.municipality_id).where(
        Affiliation.user_id == user.id, Affiliation.status == AffiliationStatus.APPROVED)))
    if user.is_confirmed:
        ids |= set(db.session.scalars(select(MunicipalityDomain.municipality_id).where(
            MunicipalityDomain.domain == email_domain(user.email))))
    return ids


def how_to_be_verified(municipality: Municipality) -> str:
    """What someone not verified for `municipality` can do about it."""
    domains = ", ".join(f"@{d}" for d in municipality.domain_names)
    if domains:
        return str(_l("Only staff verified as working for %(municipality)s can lead a team "
                      "for it. An account with a confirmed work e-mail address (%(domains)s) "
                      "is verified at once; or ask the coordinator of your planning region "
                      "to verify you: “My account” → “Verification”. Your entries here are "
                      "kept.", municipality=municipality.name, domains=domains))
    return str(_l("Only staff verified as working for %(municipality)s can lead a team for "
                  "it. Ask the coordinator of your planning region to verify you: “My account” "
                  "→ “Verification”. Your entries here are kept.",
                  municipality=municipality.name))


def check_verified(user: User, municipality: Municipality, field: str) -> None:
    """Invalid on `field`, saying how to be verified, unless the user is a verified member."""
    if not user.is_verified_member(municipality.id):
        raise Invalid(errors={field: [how_to_be_verified(municipality)]})


# --- asking and deciding -------------------------------------------------------------------

def pending_request(user: User, municipality_id: int) -> Affiliation | None:
    return db.session.scalar(select(Affiliation).where(
        Affiliation.user_id == user.id, Affiliation.municipality_id == municipality_id,
        Affiliation.status == AffiliationStatus.PENDING))


def request_verification(data: dict, *, actor: User,
                         now: datetime | None = None) -> Affiliation:
    """Ask the coordinators of a municipality's planning region to verify the actor."""
    values = load(VerificationInput, data)
    municipality = db.session.get(Municipality, values["municipality_id"])
    if municipality is None:
        raise Invalid(errors={"municipality_id": [CHOOSE_MUNICIPALITY]})
    if actor.is_verified_member(municipality.id):
        raise WrongState(_l("You are already verified as working for %(municipality)s.",
                            municipality=municipality.name))
    if pending_request(actor, municipality.id) is not None:
        raise WrongState(_l("Your request for %(municipality)s is waiting for the "
                            "coordinator's decision.", municipality=municipality.name))
    now = now or now_utc()
    affiliation = Affiliation(user_id=actor.id, user=actor, municipality=municipality,
                              status=AffiliationStatus.PENDING, note=values["note"],
                              created_at=now)
    db.session.add(affiliation)
    db.session.flush()
    record_audit("affiliation.request", actor=actor, object_type="affiliation",
                 object_id=affiliation.id,
                 after={"user_id": actor.id, "municipality_id": municipality.id}, now=now)
    url = url_for("verification.requests", _external=True)
    for coordinator in deciders_to_tell(municipality):
        queue_mail(coordinator.email, "verification_requested", locale=coordinator.locale,
                   kind=f"affiliation-request:{affiliation.id}", coordinator=coordinator,
                   affiliation=affiliation, url=url)
    return affiliation


def deciders_to_tell(municipality: Municipality) -> list[User]:
    """Who is told of a new request: the active coordinators of the municipality's planning
    region; when it has none, the national coordinators, so that no request waits unseen."""
    def coordinators(region_code: str | None) -> list[User]:
        return list(db.session.scalars(
            select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.COORDINATOR,
                   RoleGrant.region_code.is_(None) if region_code is None
                   else RoleGrant.region_code == region_code,
                   User.disabled_at.is_(None))
            .order_by(User.id)).unique())

    return coordinators(municipality.region_code) or coordinators(None)


def _decide(affiliation: Affiliation, status: AffiliationStatus, reason: str, *,
            actor: User, now: datetime | None) -> Affiliation:
    if affiliation.status != AffiliationStatus.PENDING:
        raise WrongState(_l("This request has already been decided."))
    now = now or now_utc()
    affiliation.status = status
    affiliation.reason = reason
    affiliation.decided_at = now
    affiliation.decided_by_id = actor.id
    db.session.flush()
    record_audit(f"affiliation.{'approve' if status == AffiliationStatus.APPROVED else 'decline'}",
                 actor=actor, object_type="affiliation", object_id=affiliation.id,
                 before={"status": "pending"},
                 after={"status": status.value, "reason": reason,
                        "user_id": affiliation.user_id,
                        "municipality_id": affiliation.municipality_id}, now=now)
    person = affiliation.user
    if person.disabled_at is None:
        queue_mail(person.email, "verification_decided", locale=person.locale,
                   kind=f"affiliation-decision:{affiliation.id}", person=person,
                   affiliation=affiliation, url=url_for("verification.ask", _external=True))
    return affiliation


def approve_verification(affiliation: Affiliation, *, actor: User,
                         now: datetime | None = None) -> Affiliation:
    """The region's coordinator confirms that the person works for the municipality."""
    return _decide(affiliation, AffiliationStatus.APPROVED, "", actor=actor, now=now)


def decline_verification(affiliation: Affiliation, data: dict, *, actor: User,
                         now: datetime | None = None) -> Affiliation:
    """The region's coordinator declines, with a reason the person reads."""
    values = load(DeclineInput, data)
    return _decide(affiliation, AffiliationStatus.DECLINED, values["reason"], actor=actor,
                   now=now)


def verify_by_operator(user: User, municipality: Municipality, *, actor: User | None = None,
                       now: datetime | None = None) -> Affiliation:
    """An operator vouches for the person (an account made on the command line)."""
    now = now or now_utc()
    affiliation = Affiliation(user_id=user.id, user=user, municipality=municipality,
                              status=AffiliationStatus.APPROVED, created_at=now,
                              decided_at=now, decided_by_id=getattr(actor, "id", None))
    db.session.add(affiliation)
    db.session.flush()
    record_audit("affiliation.operator", actor=actor, object_type="affiliation",
                 object_id=affiliation.id,
                 after={"user_id": user.id, "municipality_id": municipality.id}, now=now)
    return affiliation


def requests_to_decide(user: User) -> list[Affiliation]:
    """Pending requests in the regions the user coordinates (all of them for national
    coordinators and admins), oldest first."""
    query = select(Affiliation).where(Affiliation.status == AffiliationStatus.PENDING)
    if not (user.is_admin or user.is_national_coordinator):
        regions = user.coordinated_region_codes()
        query = query.where(Affiliation.municipality.has(Municipality.region_code.in_(regions)))
    return list(db.session.scalars(query.order_by(Affiliation.created_at, Affiliation.id)))


def affiliations_of(user: User) -> list[Affiliation]:
    """The user's requests and verifications, newest first."""
    return list(db.session.scalars(select(Affiliation).where(Affiliation.user_id == user.id)
                                   .order_by(Affiliation.created_at.desc(),
                                             Affiliation.id.desc())))
