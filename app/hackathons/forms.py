"""Hackathon forms. They only carry text; the operations check every rule and message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.clock import RIGA
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import may_manage_region
from app.places.models import Region

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
RANKING_LABELS = {
    "score": _l("weighted score"),
    "normalized_score": _l("normalised score (evens out harsh and lenient judges)"),
}


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.code)))


class HackathonForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": 200})
    description = TextAreaField(
        _l("Description and rules"), render_kw={"rows": 12},
        description=_l("Markdown: **bold**, *italic*, lists with -, links as "
                       "[text](https://…)."))
    region = SelectField(_l("Organising planning region"), choices=[], validate_choice=False)
    theme = StringField(
        _l("Public-service theme"), render_kw={"list": "theme-suggestions", "maxlength": 200},
        description=_l("Choose one of the programme's directions or write your own."))
    eligible_regions = SelectMultipleField(
        _l("Who may take part"), choices=[], validate_choice=False,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        description=_l("Tick planning regions to limit the hackathon to their "
                       "municipalities; tick none to open it to all 43 municipalities."))
    submission_opens_at = StringField(_l("Submissions open at"),
                                      render_kw={"type": "datetime-local"},
                                      description=_l("Latvian time."))
    submission_closes_at = StringField(_l("Submission deadline"),
                                       render_kw={"type": "datetime-local"},
                                       description=_l("Latvian time. Ideas can be submitted "
                                                      "until this moment."))
    judging_closes_at = StringField(_l("Judging closes at"),
                                    render_kw={"type": "datetime-local"},
                                    description=_l("Latvian time."))
    reviews_per_idea = StringField(_l("Reviews per idea"), default="3",
                                   render_kw={"inputmode": "numeric", "size": 4},
                                   description=_l("How many judges score each idea (1–10)."))
    blind_review = BooleanField(_l("Blind review: judges do not see the team's names"))
    public_voting = BooleanField(_l("Public voting"))
    prize_text = StringField(_l("Prize (optional)"), render_kw={"maxlength": 500},
                             description=_l("For example: pilot funding up to EUR 30 000."))
    ranking_order = SelectField(_l("Rank ideas by"), validate_choice=False, choices=[
        SelectChoice(value, label) for value, label in RANKING_LABELS.items()])
    version = HiddenField()

    def __init__(self, *args, actor=None, locale="lv", current_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = all_regions()
        choices = []
        if actor is not None and (actor.is_admin or actor.is_national_coordinator):
            choices.append(SelectChoice("", _l("National (all of Latvia)")))
        for region in regions:
            if may_manage_region(actor, region.code) or region.code == current_region:
                choices.append(SelectChoice(region.code, region.name(locale)))
        self.region.choices = choices
        self.eligible_regions.choices = [SelectChoice(r.code, r.name(locale)) for r in regions]
        self.ranking_labels = RANKING_LABELS
        self.theme_suggestions = [
            r.service_direction_en if locale == "en" else r.service_direction_lv
            for r in regions if r.service_direction_lv
        ]

    def to_data(self) -> dict:
        """The submitted values under the operation's field names."""
        return {
            "title": self.title.data, "description": self.description.data,
            "region": self.region.data or None, "theme": self.theme.data,
            "eligible_regions": self.eligible_regions.data or [],
            "submission_opens_at": self.submission_opens_at.data,
            "submission_closes_at": self.submission_closes_at.data,
            "judging_closes_at": self.judging_closes_at.data,
            "reviews_per_idea": self.reviews_per_idea.data,
            "blind_review": self.blind_review.data, "public_voting": self.public_voting.data,
            "prize_text": self.prize_text.data, "ranking_order": self.ranking_order.data,
            "version": self.version.data,
        }


def local_input(moment) -> str:
    """A stored UTC moment as a datetime-local value in Latvian time."""
    return moment.astimezone(RIGA).strftime(DATETIME_LOCAL) if moment else ""


def hackathon_initial(hackathon) -> dict:
    """The stored hackathon as the edit form's starting values."""
    return {
        "title": hackathon.title, "description": hackathon.description,
        "region": hackathon.region_code or "", "theme": hackathon.theme,
        "eligible_regions": hackathon.eligible_region_codes,
        "submission_opens_at": local_input(hackathon.submission_opens_at),
        "submission_closes_at": local_input(hackathon.submission_closes_at),
        "judging_closes_at": local_input(hackathon.judging_closes_at),
        "reviews_per_idea": str(hackathon.reviews_per_idea),
        "blind_review": hackathon.blind_review, "public_voting": hackathon.public_voting,
        "prize_text": hackathon.prize_text, "ranking_order": hackathon.ranking_order,
        "version": str(hackathon.version),
    }


class CriterionForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    description = TextAreaField(_l("What judges look at"), render_kw={"rows": 3})
    weight = StringField(_l("Weight"), default="1", render_kw={"inputmode": "decimal", "size": 6},
                         description=_l("A number greater than 0; a criterion with weight 2 "
                                        "counts twice as much as one with weight 1."))
    max_score = StringField(_l("Maximum score"), default="10",
                            render_kw={"inputmode": "numeric", "size": 4},
                            description=_l("A whole number, at least 1."))
    low_description = TextAreaField(_l("What a low score means (optional)"),
                                    render_kw={"rows": 2})
    mid_description = TextAreaField(_l("What a middle score means (optional)"),
                                    render_kw={"rows": 2})
    high_description = TextAreaField(_l("What a high score means (optional)"),
                                     render_kw={"rows": 2})
    position = StringField(_l("Order"), render_kw={"inputmode": "numeric", "size": 4},
                           description=_l("Criteria are listed by this number, smallest "
                                          "first. Leave empty to add at the end."))

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "name", "description", "weight", "max_score", "low_description",
            "mid_description", "high_description", "position")}


def criterion_initial(criterion) -> dict:
    return {
        "name": criterion.name, "description": criterion.description,
        "weight": f"{criterion.weight.normalize():f}", "max_score": str(criterion.max_score),
        "low_description": criterion.low_description,
        "mid_description": criterion.mid_description,
        "high_description": criterion.high_description, "position": str(criterion.position),
    }


class TransitionForm(FlaskForm):
    to = HiddenField()
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 3, "maxlength": 1000},
                           description=_l("Recorded in the phase history, for example why "
                                          "judging starts early."))
