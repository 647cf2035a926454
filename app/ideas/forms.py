"""Idea forms. They only carry the fields; the rules live in schemas.py (the same ones the
API loads with) and operations.py, which decide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.core.translation import lazy_gettext as _l
from app.ideas.models import INDICATORS_MAX


class IndicatorForm(Form):
    """One proposed indicator (a row of the idea form; no CSRF of its own)."""

    name = StringField(_l("Indicator"))
    baseline = StringField(_l("Baseline"))
    target = StringField(_l("Target"))


class IdeaForm(FlaskForm):
    team_id = SelectField(_l("Team"), choices=[], validate_choice=False,
                          description=_l("The team that proposes the idea. Its lead "
                                         "municipality must be allowed to take part."))
    title = StringField(_l("Title"), description=_l("Needed to submit. At most 200 "
                                                    "characters."))
    summary = TextAreaField(_l("Short summary"),
                            description=_l("Needed to submit. What the idea is, in two or "
                                           "three sentences: at most 300 characters."))
    problem = TextAreaField(_l("Problem"),
                            description=_l("Needed to submit. Which public service, who is "
                                           "affected, and what shows the problem (figures, "
                                           "complaints, studies)."))
    solution = TextAreaField(_l("Proposed solution"),
                             description=_l("Needed to submit. What you will do, and how "
                                            "the pilot will run."))
    target_group = TextAreaField(_l("Target group"),
                                 description=_l("Needed to submit. Who benefits, and about "
                                                "how many people."))
    expected_impact = TextAreaField(_l("Expected impact"),
                                    description=_l("Needed to submit. What changes for the "
                                                   "residents; measure it with the indicators "
                                                   "below."))
    indicators = FieldList(FormField(IndicatorForm), _l("Proposed indicators"), min_entries=0,
                           max_entries=INDICATORS_MAX)
    budget_eur = StringField(_l("Estimated budget (EUR)"),
                             description=_l("Needed to submit. In euros, e.g. 25000 or "
                                            "25000,50."))
    duration_months = StringField(_l("Duration in months"),
                                  description=_l("Needed to submit. Whole months, 1 to 120."))
    partners = TextAreaField(_l("Partners"),
                             description=_l("Optional. Partner municipalities, institutions, "
                                            "NGOs or companies, and what each contributes."))
    version = HiddenField()
    kept = HiddenField()


class IneligibleForm(FlaskForm):
    reason = TextAreaField(_l("Reason the team will see"),
                           description=_l("Which rule of the hackathon the idea does not "
                                          "meet. The team reads this on the idea's page."))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"),
                     description=_l("PDF, DOCX, XLSX, ODT, PNG or JPEG; at most 10 MB; at "
                                    "most 5 files per idea."))


class RedactionForm(FlaskForm):
    """The texts a blind review's judges read instead of the team's (rules: redaction.py)."""

    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Short summary"))
    problem = TextAreaField(_l("Problem"))
    solution = TextAreaField(_l("Proposed solution"))
    target_group = TextAreaField(_l("Target group"))
    expected_impact = TextAreaField(_l("Expected impact"))
