"""Admin forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from app.core.forms import at_most, required
from app.core.translation import lazy_gettext as _l


def region_choices(blank=None):
    from flask_babel import get_locale
    from sqlalchemy import select

    from app.extensions import db
    from app.places.models import Region

    locale = str(get_locale() or "lv")
    rows = db.session.scalars(select(Region).order_by(Region.code)).all()
    choices = [(r.code, r.name(locale)) for r in rows]
    return ([("", blank)] if blank else []) + choices


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[("coordinator", _l("Coordinator")),
                                            ("admin", _l("Administrator"))])
    region_code = SelectField(_l("Planning region (coordinators)"), choices=[],
                              validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices(blank=_l("National (all regions)"))


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Official short name"), validators=[required(), at_most(120)])
    kind = SelectField(_l("Kind"), choices=[("state_city", _l("State city")),
                                            ("county", _l("County"))])
    region_code = SelectField(_l("Planning region"), choices=[], validate_choice=False)
    staff_domains = StringField(
        _l("Staff e-mail domains"), validators=[at_most(1000)],
        description=_l("Separated by commas, e.g. “dobele.lv, dobelesnovads.lv”. A person "
                       "with a confirmed address at one of them is verified as working for "
                       "the municipality."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices()


class RegionForm(FlaskForm):
    name_lv = StringField(_l("Name in Latvian"), validators=[required(), at_most(120)])
    name_en = StringField(_l("Name in English"), validators=[required(), at_most(120)])
    service_direction_lv = StringField(_l("Public-service direction in Latvian"),
                                       validators=[at_most(300)])
    service_direction_en = StringField(_l("Public-service direction in English"),
                                       validators=[at_most(300)])
    envelope_eur = StringField(_l("Programme envelope, EUR"), validators=[required()])
    vat_envelope_eur = StringField(_l("VAT envelope, EUR"), validators=[required()])
