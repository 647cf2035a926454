"""Team forms. The operations decide what is valid; these only carry the fields.

No validators here: the page and the API give the same messages, the operations' ones.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.core.collation import collated
from app.core.translation import lazy_gettext as _l
from app.teams.models import INVITATION_DAYS, NAME_MAX


def municipalities_by_region(locale: str = "lv") -> list[tuple[str, list]]:
    """[(region name, [Municipality, ...]), ...] ordered by region name, then municipality."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from app.extensions import db
    from app.places.models import Region

    regions = db.session.scalars(
        select(Region).options(selectinload(Region.municipalities))
    ).all()
    groups = [(r.name(locale), collated(r.municipalities, key=lambda m: m.name))
              for r in regions]
    return collated(groups, key=lambda group: group[0])


def _mark_required(*fields) -> None:
    """Show "(required)" beside the label; the operation checks the value and says what is wrong."""
    for field in fields:
        field.flags.required = True


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"),
                       description=_l("For example “Dobeles un Tērvetes sociālā dienesta "
                                      "komanda”. At most %(n)d characters.", n=NAME_MAX))
    municipality_id = SelectField(_l("Lead municipality"), choices=[], validate_choice=False,
                                  description=_l("The municipality that leads the team and "
                                                 "would run the pilot."))
    partner_municipality_ids = SelectMultipleField(
        _l("Partner municipalities"), choices=[], validate_choice=False,
        description=_l("Optional. Municipalities that work with the lead municipality on "
                       "this idea."),
    )

    def __init__(self, *args, locale: str = "lv", **kwargs):
        super().__init__(*args, **kwargs)
        _mark_required(self.name, self.municipality_id)
        # Grouped by planning region: <optgroup> in the select, <fieldset> for partners.
        self.groups = municipalities_by_region(locale)
        self.municipality_id.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(str(m.id), m.name, optgroup=region)
            for region, items in self.groups for m in items
        ]
        self.partner_municipality_ids.choices = [
            SelectChoice(str(m.id), m.name, optgroup=region)
            for region, items in self.groups for m in items
        ]

    def selected_partners(self) -> set[str]:
        return {str(v) for v in (self.partner_municipality_ids.data or [])}

    def to_data(self) -> dict:
        return {"name": self.name.data, "municipality_id": self.municipality_id.data,
                "partner_municipality_ids": self.partner_municipality_ids.data or []}


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address of the person to invite"),
                       description=_l("We will e-mail them a link to join the team. The link "
                                      "works once and for %(n)d days, also for people who "
                                      "register later.", n=INVITATION_DAYS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _mark_required(self.email)


class HandOverForm(FlaskForm):
    user_id = SelectField(_l("New team lead"), choices=[], validate_choice=False)

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.user_id.choices = [SelectChoice(str(m.user_id), m.user.name)
                                    for m in team.members if not m.is_lead]


class JoinRequestForm(FlaskForm):
    message = TextAreaField(
        _l("A note for the team lead (optional)"), render_kw={"rows": 3, "maxlength": 500},
        description=_l("For example, what you could bring to the team. The lead will see your "
                       "name, e-mail address and municipality, and can invite you."))
