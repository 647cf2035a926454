"""The copy of a person's data as it is downloaded: one schema per part (GDPR Art. 15, 20).

Each part shows only what Talka holds about the person themselves: their teams without the
other members, their reviews without the other judges, mail sent to them and nobody else.
"""

from __future__ import annotations

from marshmallow import Schema, fields


class AccountOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    municipality = fields.String(attribute="municipality.name", allow_none=True)
    locale = fields.String()
    created_at = fields.DateTime()
    email_confirmed_at = fields.DateTime(allow_none=True)
    last_login_at = fields.DateTime(allow_none=True)


class RoleOut(Schema):
    role = fields.String(attribute="role.value")
    region = fields.String(attribute="region_code", allow_none=True,
                           metadata={"description": "null: national"})
    granted_at = fields.DateTime()


class SessionOut(Schema):
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    ip = fields.String()
    user_agent = fields.String()
    remember = fields.Boolean()


class TokenOut(Schema):
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class MembershipOut(Schema):
    team_id = fields.Integer()
    team = fields.String(attribute="team.name")
    municipality = fields.String(attribute="team.municipality.name")
    is_lead = fields.Boolean()
    joined_at = fields.DateTime()


class IdeaOut(Schema):
    id = fields.Integer()
    hackathon = fields.String(attribute="hackathon.title")
    team = fields.String(attribute="team.name")
    status = fields.String(attribute="status.value")
    title = fields.String()
    summary = fields.String()
    problem = fields.String()
    solution = fields.String()
    target_group = fields.String()
    expected_impact = fields.String()
    partners = fields.String()
    budget_eur = fields.Decimal(as_string=True, allow_none=True)
    duration_months = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)


class ScoreOut(Schema):
    criterion = fields.String(attribute="criterion.name")
    score = fields.Decimal(as_string=True, allow_none=True)
    comment = fields.String(allow_none=True)


class ReviewOut(Schema):
    id = fields.Integer()
    hackathon = fields.String(attribute="hackathon.title")
    idea_id = fields.Integer()
    idea = fields.String(attribute="idea.title")
    round = fields.Integer()
    status = fields.String(attribute="status.value")
    score = fields.Decimal(as_string=True, allow_none=True)
    comment = fields.String(allow_none=True)
    scores = fields.List(fields.Nested(ScoreOut))
    submitted_at = fields.DateTime(allow_none=True)


class ConflictOut(Schema):
    idea_id = fields.Integer()
    idea = fields.String(attribute="idea.title")
    reason = fields.String()
    declared_at = fields.DateTime()


class VoteOut(Schema):
    hackathon_id = fields.Integer()
    idea_id = fields.Integer()
    cast_at = fields.DateTime()


class FollowOut(Schema):
    pilot_id = fields.Integer()
    created_at = fields.DateTime()


class PilotUpdateOut(Schema):
    pilot_id = fields.Integer()
    pilot = fields.String(attribute="pilot.title")
    reported_on = fields.Date()
    status = fields.String(attribute="status.value")
    public = fields.Boolean()
    body = fields.String()
    created_at = fields.DateTime()


class MailOut(Schema):
    subject = fields.String()
    body = fields.String(metadata={"description": "Empty once the retention period ended"})
    kind = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class SecurityEventOut(Schema):
    at = fields.DateTime()
    event = fields.String(metadata={"description": "sign_in, sign_in_failed, a refusal …"})
    ip = fields.String()
    user_agent = fields.String()


class PersonalDataOut(Schema):
    """Everything Talka holds about one person, as they download it."""

    generated_at = fields.DateTime()
    account = fields.Nested(AccountOut)
    roles = fields.List(fields.Nested(RoleOut))
    sessions = fields.List(fields.Nested(SessionOut))
    api_tokens = fields.List(fields.Nested(TokenOut))
    teams = fields.List(fields.Nested(MembershipOut))
    ideas = fields.List(fields.Nested(IdeaOut), metadata={"description": "Ideas they wrote"})
    reviews = fields.List(fields.Nested(ReviewOut))
    conflicts = fields.List(fields.Nested(ConflictOut))
    public_votes = fields.List(fields.Nested(VoteOut))
    followed_pilots = fields.List(fields.Nested(FollowOut))
    pilot_updates = fields.List(fields.Nested(PilotUpdateOut))
    mail = fields.List(fields.Nested(MailOut))
    security_events = fields.List(fields.Nested(SecurityEventOut), metadata={
        "description": "The security log's entries about them (kept 12 months)"})
