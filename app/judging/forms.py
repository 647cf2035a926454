"""Judging forms. The operations decide what is valid; these carry the fields.

The scoring form has one score and one comment field per criterion, so those are
read by name (`score_<id>`, `comment_<id>`) and rendered by the template; the
fixed fields are WTForms fields as everywhere else.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from app.core.translation import lazy_gettext as _l
from app.judging.models_results import JUSTIFICATION_MAX
from app.judging.models_reviews import COMMENT_MAX, REASON_MAX


class JuryForm(FlaskForm):
    email = EmailField(_l("Judge's e-mail address"),
                       validators=[DataRequired(), Length(max=254)],
                       description=_l("The judge must already have a Talka account. Judges "
                                      "never get ideas from their own municipality."))
    conflict_reason = TextAreaField(
        _l("Why this judge, despite the tie"), validators=[Length(max=REASON_MAX)],
        description=_l("Only for a judge tied to an idea of this hackathon (on its team now "
                       "or before, invited or inviting, an author). The reason is kept on "
                       "record; the judge never gets those ideas."))


class ReviewForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(_l("Overall comment"), validators=[Length(max=COMMENT_MAX)],
                            description=_l("Optional. The team reads the comments after the "
                                           "results, without your name."))

    def read(self, criteria, formdata) -> dict:
        """The posted scores and comments as the operation's `data`."""
        version = (self.version.data or "").strip()
        return {
            "scores": {str(c.id): formdata.get(f"score_{c.id}", "") for c in criteria},
            "comments": {str(c.id): formdata.get(f"comment_{c.id}", "") for c in criteria},
            "comment": self.comment.data or "",
            "version": int(version) if version.isdigit() and len(version) < 12 else None,
            "submit": formdata.get("action") == "submit",
        }


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Why do you have a conflict of interest?"),
                           validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("For example: “I advised this team” or “a relative "
                                          "works in the lead municipality”. Kept on record "
                                          "for the coordinators."))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[Length(max=REASON_MAX)],
                           description=_l("Optional. The judge receives it by e-mail."))


class ExcludeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for excluding"), validators=[Length(max=REASON_MAX)],
                           description=_l("Required. It is kept in the audit trail; the "
                                          "review then no longer counts in the ranking, and "
                                          "another judge is assigned while judging runs."))


class WinnersForm(FlaskForm):
    justification = TextAreaField(
        _l("Justification"), validators=[Length(max=JUSTIFICATION_MAX)],
        description=_l("Required when the winners are not the top of the ranking. It is "
                       "published with the results."))

    @staticmethod
    def chosen_ids(formdata) -> list:
        return formdata.getlist("idea_ids")


class VoteForm(FlaskForm):
    pass


class FinalRoundForm(FlaskForm):
    size = IntegerField(_l("Ideas in the final round"),
                        validators=[DataRequired(), NumberRange(min=1, max=1000)],
                        description=_l("The top ideas of the first round; ideas tied at the cut "
                                       "all go through."))
    note = TextAreaField(_l("Note for the judges (optional)"),
                         validators=[Length(max=REASON_MAX)],
                         description=_l("For example the date and place of the pitch day."))
    criteria = RadioField(
        _l("Criteria of the final round"), default="same", validate_choice=False,
        choices=[SelectChoice("same", _l("The same criteria as the jury round: scoring starts "
                                         "at once")),
                 SelectChoice("own", _l("Its own criteria: you set them next, then open the "
                                        "scoring"))])


class CorrectionForm(FlaskForm):
    """A correction of published results; the chosen winners and the reviews to exclude are
    checkboxes beside the ranking (read with `ids`)."""

    reason = TextAreaField(
        _l("What was wrong, and why it is corrected"), validators=[Length(max=REASON_MAX)],
        description=_l("Required. It is published with the correction, beside the results."))
    justification = TextAreaField(
        _l("Justification"), validators=[Length(max=JUSTIFICATION_MAX)],
        description=_l("Required when the winners are not the top of the corrected ranking. "
                       "It is published with the results."))

    def to_data(self) -> dict:
        from flask import request

        return {"reason": self.reason.data, "justification": self.justification.data or "",
                "idea_ids": request.form.getlist("idea_ids"),
                "exclude_review_ids": request.form.getlist("exclude_review_ids")}
