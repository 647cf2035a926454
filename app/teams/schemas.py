"""What a team is made of, coming in and going out: one schema per shape, for the pages,
the API and the operations alike (the operations load their input with these)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields, post_dump, pre_load, validate

from app import MAX_ID
from app.core.schema import dumps
from app.core.translation import lazy_gettext as _l
from app.teams.models import NAME_MAX, Team

CHOOSE_LEAD = _l("Choose the lead municipality from the list.")
CHOOSE_PARTNERS = _l("Choose partner municipalities from the list.")
MUNICIPALITY_ID = validate.Range(min=1, max=MAX_ID)


class TeamInput(Schema):
    """A team's fields as a person or a client sends them; blanks in the name fold to one."""

    name = fields.String(required=True, validate=[
        validate.Length(min=1, error=_l("Enter the team's name.")),
        validate.Length(max=NAME_MAX, error=_l("Use at most %(n)d characters.", n=NAME_MAX)),
    ], error_messages={"required": _l("Enter the team's name."),
                       "null": _l("Enter the team's name.")})
    municipality_id = fields.Integer(
        required=True, validate=validate.Range(min=1, max=MAX_ID, error=CHOOSE_LEAD),
        error_messages={"required": CHOOSE_LEAD, "null": CHOOSE_LEAD, "invalid": CHOOSE_LEAD},
        metadata={"description": "The lead municipality"})
    partner_municipality_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID, error=CHOOSE_PARTNERS),
                       error_messages={"invalid": CHOOSE_PARTNERS, "null": CHOOSE_PARTNERS}),
        load_default=list, validate=validate.Length(max=43, error=CHOOSE_PARTNERS),
        error_messages={"invalid": CHOOSE_PARTNERS})

    @pre_load
    def _fold(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("name"), str):
            data["name"] = " ".join(data["name"].split())
        partners = data.get("partner_municipality_ids")
        if partners is not None and not isinstance(partners, list | tuple):
            data["partner_municipality_ids"] = [partners]
        return data


class InviteInput(Schema):
    email = fields.String(required=True, validate=validate.Length(max=1000))


JOIN_MESSAGE_MAX = 500


class JoinRequestInput(Schema):
    """A person's request to join a team: a short note for the lead, which may be empty."""

    message = fields.String(load_default="", validate=validate.Length(
        max=JOIN_MESSAGE_MAX, error=_l("Use at most %(n)d characters.", n=JOIN_MESSAGE_MAX)))

    @pre_load
    def _trim(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and "message" in data:
            message = data["message"]
            if message is None:
                message = ""
            if isinstance(message, str):
                message = message.strip().replace("\r\n", "\n")
            data = {**data, "message": message}
        return data


class AcceptInput(Schema):
    token = fields.String(required=True, validate=validate.Length(max=200),
                          metadata={"description": "The token from the invitation link"})


class HandOverInput(Schema):
    user_id = fields.Integer(required=True, strict=True,
                             metadata={"description": "A member of the team"})


class MunicipalityRef(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String(attribute="region_code")


class MemberOut(Schema):
    user_id = fields.Integer()
    name = fields.String(attribute="user.name")
    email = fields.String(attribute="user.email",
                          metadata={"description": "Only for those who may see the contacts"})
    is_lead = fields.Boolean()
    joined_at = fields.DateTime()


class InvitationOut(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    email = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


@dumps(Team)
class TeamOut(Schema):
    """A team as the caller may see it: contacts and pending invitations only for those the
    team's own predicates allow (asked here, so no door can forget them)."""

    id = fields.Integer()
    name = fields.String(metadata={"description": f"1–{NAME_MAX} characters"})
    municipality = fields.Nested(MunicipalityRef, metadata={"description": "The lead"})
    municipality_id = fields.Integer()
    partner_municipalities = fields.List(fields.Nested(MunicipalityRef))
    partner_municipality_ids = fields.List(fields.Integer())
    members = fields.List(fields.Nested(MemberOut))
    pending_invitations = fields.List(fields.Nested(InvitationOut), attribute="open_invitations",
                                      metadata={"description": "Only for the team lead"})
    created_at = fields.DateTime()

    @post_dump(pass_original=True)
    def _only_what_the_caller_may_see(self, body: dict, team: Team, **_kwargs: Any) -> dict:
        if not team.can_see_contacts(current_user):
            for member in body.get("members", []):
                member.pop("email", None)
        if not team.can_see_invitations(current_user):
            body.pop("pending_invitations", None)
        return body
