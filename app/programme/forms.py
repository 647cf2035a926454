"""Programme forms: they carry the fields; the schemas and operations decide what is valid."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField

from app.programme.models import EventFormat, EventKind


class EventForm(FlaskForm):
    title = StringField(_l("Title"))
    kind = SelectField(_l("Kind of event"), choices=[], validate_choice=False)
    format = SelectField(_l("Format"), choices=[], validate_choice=False)
    region = SelectField(_l("Planning region"), choices=[], validate_choice=False,
                         description=_l("None for a national event organised by the ministry."))
    theme = StringField(_l("Theme"))
    starts_on = StringField(_l("First day"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day"), render_kw={"type": "date"},
                          description=_l("Leave empty for a one-day event."))
    place = StringField(_l("Place or link"))
    organiser = StringField(_l("Organiser"))

    def __init__(self, *args: Any, regions: Any = (), locale: str = "lv", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(k.label)) for k in EventKind]
        self.format.choices = [(f.value, str(f.label)) for f in EventFormat]
        self.region.choices = [("", str(_l("National")))] + [
            (r.code, r.name(locale)) for r in regions]
        for field in (self.title, self.kind, self.format, self.starts_on):
            field.flags.required = True

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "kind", "format", "region", "theme", "starts_on", "ends_on", "place",
            "organiser")}


class AttendeeForm(FlaskForm):
    name = StringField(_l("Name and surname"))
    email = EmailField(_l("E-mail address (optional)"),
                       description=_l("Finds the same person across events."))
    municipality = StringField(_l("Municipality"),
                               description=_l("The official name, e.g. Dobeles novads."))
    region = StringField(_l("Planning region (planning-region staff only)"))


class ImportForm(FlaskForm):
    sheet = FileField(_l("Sign-in sheet (CSV)"), render_kw={"accept": ".csv,text/csv"},
                      description=_l("A header row with the columns vārds (name), e-pasts "
                                     "(email), pašvaldība (municipality) and, for "
                                     "planning-region staff, reģions (region); comma or "
                                     "semicolon separated, UTF-8."))


