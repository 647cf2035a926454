"""Pilot forms. They only carry the fields; operations.py reads and checks the values.

Dates are text inputs of type "date" (browsers send YYYY-MM-DD; typed DD.MM.YYYY is
accepted too) and amounts are text, so that the operations give every message in
our own words and nothing is rounded through a float.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from app.core.translation import lazy_gettext as _l
from app.pilots.documents import ACCEPT_ATTRIBUTE
from app.pilots.states import ExpenseCategory, FundingKind, Recommendation, ReplicationStatus

DATE = {"type": "date"}
FILE = {"accept": ACCEPT_ATTRIBUTE}
DIRECTION_CHOICES = [("increase", _l("Should increase")), ("decrease", _l("Should decrease"))]


def _date(label, description=None, **kw):
    return StringField(label, description=description, render_kw=DATE, **kw)


class IndicatorRow(Form):
    """One proposed indicator carried over into the pilot (no CSRF of its own)."""

    keep = BooleanField(_l("Carry over"), default=True)
    name = StringField(_l("Indicator"))
    unit = StringField(_l("Unit"))
    direction = SelectField(_l("Direction"), choices=[("", "—"), *DIRECTION_CHOICES],
                            validate_choice=False)
    baseline = StringField(_l("Baseline"))
    target = StringField(_l("Target"))


class PilotFieldsForm(FlaskForm):
    title = StringField(_l("Title"), description=_l("At most 200 characters."))
    summary = TextAreaField(_l("Summary"), description=_l("What the pilot does, for whom. "
                                                          "Markdown may be used."))
    start_date = _date(_l("Start date"))
    end_date = _date(_l("End date"), _l("After the start date."))
    budget_eur = StringField(_l("Approved budget (EUR)"),
                             description=_l("In euros, e.g. 25000 or 25 000,50."))
    coordinator_id = SelectField(_l("Responsible coordinator"), choices=[],
                                 validate_choice=False)
    lead_municipality_id = SelectField(_l("Lead municipality"), choices=[],
                                       validate_choice=False)
    partner_municipality_ids = SelectMultipleField(
        _l("Partner municipalities"), choices=[], validate_choice=False,
        description=_l("Hold Ctrl (or ⌘) to choose more than one."))
    evidence_required = BooleanField(
        _l("Evidence required to complete a milestone"),
        description=_l("When ticked, a milestone can be marked done only with evidence: "
                       "a description, a link or a file."))


class PilotCreateForm(PilotFieldsForm):
    indicators = FieldList(FormField(IndicatorRow), min_entries=0, max_entries=20)


class PilotEditForm(PilotFieldsForm):
    version = HiddenField()
    assessment_theme_id = SelectField(
        _l("Assessment theme addressed"), choices=[], validate_choice=False,
        description=_l("The theme of the municipal assessment this pilot means to improve; "
                       "the final report shows the pilot beside that theme's change."))


# The status form and the replication form share the pilot page (with the section
# id="status"): their fields get ids of their own, so that each label names its own field.
class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[], validate_choice=False,
                         id="new-status")
    reason = TextAreaField(_l("Reason (optional)"),
                           description=_l("Recorded with the change and shown in its history."))


class FundingForm(FlaskForm):
    kind = SelectField(_l("Source"), choices=[(k.value, k.label) for k in FundingKind],
                       validate_choice=False)
    label = StringField(_l("Description (optional)"),
                        description=_l("E.g. the programme or the municipal budget line."))
    amount_eur = StringField(_l("Amount excl. VAT (EUR)"))
    vat_eur = StringField(_l("VAT (EUR)"), default="0")


class MilestoneForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    due_date = _date(_l("Due date"))
    weight = StringField(_l("Weight"), default="1",
                         description=_l("How much this milestone counts in the progress, "
                                        "relative to the others; more than zero."))


class MilestoneEditForm(MilestoneForm):
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    completed_on = _date(_l("Completion date"),
                         _l("When it was done; today if left empty."))
    evidence_text = TextAreaField(_l("Evidence"),
                                  description=_l("What shows that it was done."))
    evidence_url = StringField(_l("Link to evidence"), render_kw={"type": "url"})
    document = FileField(_l("Evidence file"), render_kw=FILE,
                         description=_l("PDF, DOCX, XLSX, ODT, PNG or JPEG, at most 10 MB. "
                                        "Only the team and coordinators can open it."))


class IndicatorForm(FlaskForm):
    name = StringField(_l("Indicator"))
    unit = StringField(_l("Unit"), description=_l("E.g. %, days, people (optional)."))
    direction = SelectField(_l("Direction"), choices=DIRECTION_CHOICES, validate_choice=False)
    baseline = StringField(_l("Baseline value"))
    baseline_on = _date(_l("Baseline date"), _l("The pilot's start date if left empty."))
    target = StringField(_l("Target value"))
    target_on = _date(_l("Target date"), _l("The pilot's end date if left empty."))


class MeasurementForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), choices=[], validate_choice=False)
    value = StringField(_l("Value"))
    measured_on = _date(_l("Date measured"))
    note = StringField(_l("Source"), description=_l("Where the number comes from."))
    document = FileField(_l("Evidence file (optional)"), render_kw=FILE)


class ExpenseForm(FlaskForm):
    amount_eur = StringField(_l("Amount (EUR)"), description=_l("E.g. 1500 or 1 500,50."))
    spent_on = _date(_l("Date"))
    description = StringField(_l("What for"),
                              description=_l("Public: do not name private persons."))
    category = SelectField(_l("Category"), choices=[(c.value, c.label) for c in ExpenseCategory],
                           default=ExpenseCategory.OTHER.value, validate_choice=False)
    document = FileField(_l("Invoice or document (optional)"), render_kw=FILE)
    document_public = BooleanField(_l("Publish the document"),
                                   description=_l("Only when it holds no personal data."))


class UpdateForm(FlaskForm):
    reported_on = _date(_l("Report date"), _l("Today if left empty."))
    body = TextAreaField(_l("Report"), description=_l("What happened, what is next, what "
                                                      "is in the way. Markdown may be used."))
    public = BooleanField(_l("Publish this report"),
                          description=_l("A public report is published once a coordinator "
                                         "has approved it. Otherwise only the team and the "
                                         "coordinators see it."))


class ReturnForm(FlaskForm):
    note = TextAreaField(_l("What should the team change?"))


class EvaluationForm(FlaskForm):
    results = TextAreaField(_l("Results achieved"))
    lessons = TextAreaField(_l("Lessons learned"))
    recommendation = RadioField(_l("Recommendation"),
                                choices=[(r.value, r.label) for r in Recommendation],
                                validate_choice=False)


class ReplicationForm(FlaskForm):
    municipality_id = SelectField(_l("Municipality"), choices=[], validate_choice=False,
                                  id="replication-municipality")
    status = SelectField(_l("Status"), choices=[(s.value, s.label) for s in ReplicationStatus],
                         validate_choice=False, id="replication-status")
    started_on = _date(_l("Since"), _l("Today if left empty."), id="replication-since")
    note = StringField(_l("Note (optional)"), id="replication-note")


class ReplicationStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s.value, s.label) for s in ReplicationStatus],
                         validate_choice=False)
    note = StringField(_l("Note (optional)"))
