"""The one description of the public dataset: every table, every column, its type and meaning.

CSV, JSON, the SQLite file, the Data Package descriptor and the data dictionary page are
all written from `TABLES`, so they cannot drift apart: a column that is not described
here is never exported, whatever a source query happens to select. The rows themselves
come from app.opendata.sources (one function per table, same name).

What is public is what the public pages show, and nothing about people: no e-mail
addresses, no names of people, no judges (only the jury's aggregated scores as
published with the results), no internal reports, evidence or documents. Each expense
is published (date, amount, description, category: public money is accounted for item
by item); invoices are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# Column types. The dictionary page names them in words; SQLite stores the text-like
# ones as TEXT (decimals stay exact strings, never floats).
INTEGER = "integer"
TEXT = "text"
MARKDOWN = "markdown"
CODE = "code"
DATE = "date"
DATETIME = "datetime"
DECIMAL = "decimal"
BOOLEAN = "boolean"
TYPES = (INTEGER, TEXT, MARKDOWN, CODE, DATE, DATETIME, DECIMAL, BOOLEAN)

TYPE_LABELS = {
    INTEGER: _l("whole number"),
    TEXT: _l("text"),
    MARKDOWN: _l("text in Markdown"),
    CODE: _l("code from a fixed list"),
    DATE: _l("date, YYYY-MM-DD"),
    DATETIME: _l("date and time, ISO 8601 in UTC"),
    DECIMAL: _l("decimal number, written with a point"),
    BOOLEAN: _l("true or false"),
}

# Text columns: CSV guards these against spreadsheet formulas (see export.csv_cell).
TEXT_TYPES = frozenset({TEXT, MARKDOWN, CODE})

LICENCE_NAME = "CC BY 4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_ID = "CC-BY-4.0"  # SPDX


@dataclass(frozen=True)
class Column:
    """One column: its name, type, meaning, and what it refers to."""

    name: str
    type: str
    meaning: object  # a lazy string, translated when shown
    places: int = 0  # decimals: digits after the point
    references: str | None = None  # "table.column" it points to
    values: tuple[str, ...] = ()  # codes: the fixed list
    search: bool = False  # included in the SQLite file's full-text search


@dataclass(frozen=True)
class PublicTable:
    """One public table: its name (also the file name), what one row is, and its columns."""

    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    notes: tuple[object, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def search_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.search]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _money(name: str, meaning) -> Column:
    return Column(name, DECIMAL, meaning, places=2)


def _value(name: str, meaning) -> Column:
    return Column(name, DECIMAL, meaning, places=4)


REGION_CODES = ("riga", "kurzeme", "latgale", "vidzeme", "zemgale")
PHASES = ("open", "judging", "results", "closed")
PILOT_STATUSES = ("planned", "active", "on_hold", "completed", "discontinued")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "missed")
HEALTH_LEVELS = ("green", "amber", "red")
HEALTH_REASONS = ("milestone_overdue_14", "over_budget", "no_report_90", "milestone_overdue",
                  "milestone_due_soon_not_started", "spending_ahead_of_time", "no_report_45")
RANKING_FLAGS = ("incomplete_reviews", "high_disagreement", "conflict_declared",
                 "judge_not_normalised")


def _region_code(meaning=None) -> Column:
    return Column("region_code", CODE, meaning or _l("The planning region's code."),
                  references="regions.code", values=REGION_CODES)


TABLES: tuple[PublicTable, ...] = (
    PublicTable(
        "regions", _l("Planning regions"),
        _l("The five planning regions, their public-service direction in the programme and "
           "their indicative money envelope."),
        (
            Column("code", CODE, _l("Short code of the planning region."), values=REGION_CODES),
            Column("name_lv", TEXT, _l("Name in Latvian.")),
            Column("name_en", TEXT, _l("Name in English.")),
            Column("service_direction_lv", TEXT,
                   _l("The public service the region improves in the programme, in Latvian.")),
            Column("service_direction_en", TEXT,
                   _l("The public service the region improves in the programme, in English.")),
            _money("envelope_eur", _l("Indicative programme envelope, EUR, without VAT.")),
            _money("vat_envelope_eur", _l("Additional envelope for VAT, EUR.")),
        ),
        ("code",),
    ),
    PublicTable(
        "municipalities", _l("Municipalities"),
        _l("The 43 municipalities of Latvia (7 state cities and 36 counties)."),
        (
            Column("id", INTEGER, _l("Identifier of the municipality in Talka.")),
            Column("slug", TEXT, _l("Short name used in web addresses.")),
            Column("name", TEXT, _l("Official name.")),
            Column("kind", CODE, _l("State city or county."), values=("state_city", "county")),
            _region_code(_l("The planning region the municipality belongs to.")),
        ),
        ("id",),
    ),
    PublicTable(
        "hackathons", _l("Hackathons"),
        _l("Idea hackathons that have been announced (drafts are not public)."),
        (
            Column("id", INTEGER, _l("Identifier of the hackathon.")),
            Column("slug", TEXT, _l("Short name; the hackathon's page is /hackathons/<slug>.")),
            Column("title", TEXT, _l("Title."), search=True),
            Column("description", MARKDOWN, _l("Rules and description."), search=True),
            Column("region_code", CODE,
                   _l("The planning region that runs it; empty for a national hackathon."),
                   references="regions.code", values=REGION_CODES),
            Column("theme", TEXT, _l("Theme (public-service direction)."), search=True),
            Column("phase", CODE,
                   _l("Phase when the data were exported: open for ideas, judging, results "
                      "or closed. An open hackathon is judging from its submission deadline."),
                   values=PHASES),
            Column("submission_opens_at", DATETIME, _l("When ideas may be submitted from.")),
            Column("submission_closes_at", DATETIME, _l("The submission deadline.")),
            Column("judging_closes_at", DATETIME, _l("When the jury's work is planned to end.")),
            Column("reviews_per_idea", INTEGER, _l("How many judges review each idea.")),
            Column("blind_review", BOOLEAN,
                   _l("Whether judges review without seeing the team and municipality.")),
            Column("public_voting", BOOLEAN,
                   _l("Whether residents may vote (shown apart from the jury's ranking).")),
            Column("prize_text", TEXT, _l("What the winners receive.")),
            Column("ranking_order", CODE,
                   _l("Which score orders the ranking: the plain or the normalised score."),
                   values=("score", "normalized_score")),
            Column("created_at", DATETIME, _l("When the hackathon was created.")),
            Column("updated_at", DATETIME, _l("When it was last changed.")),
        ),
        ("id",),
    ),
    PublicTable(
        "hackathon_regions", _l("Eligible planning regions"),
        _l("Whose municipalities may take part in a hackathon. A hackathon with no rows here "
           "is open to all municipalities."),
        (
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            _region_code(_l("A planning region whose municipalities may take part.")),
        ),
        ("hackathon_id", "region_code"),
    ),
    PublicTable(
        "criteria", _l("Judging criteria"),
        _l("The criteria the jury scores each idea against, with their weights."),
        (
            Column("id", INTEGER, _l("Identifier of the criterion.")),
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            Column("round", INTEGER, _l("1 for the jury's round, 2 for a final round scored "
                                        "on criteria of its own.")),
            Column("position", INTEGER, _l("Order on the scoring form.")),
            Column("name", TEXT, _l("Name of the criterion.")),
            Column("description", MARKDOWN, _l("What the criterion asks.")),
            Column("weight", DECIMAL, _l("Weight in the idea's score."), places=2),
            Column("max_score", INTEGER, _l("Highest score a judge may give (from 0).")),
            Column("low_description", TEXT, _l("Guidance for a low score.")),
            Column("mid_description", TEXT, _l("Guidance for a middle score.")),
            Column("high_description", TEXT, _l("Guidance for a high score.")),
        ),
        ("id",),
    ),
    PublicTable(
        "results", _l("Published results"),
        _l("The coordinators' published decision on the winners of a hackathon."),
        (
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            Column("published_at", DATETIME, _l("When the results were published.")),
            Column("ranking_order", CODE, _l("Which score ordered the ranking."),
                   values=("score", "normalized_score")),
            Column("winners", INTEGER, _l("Number of winning ideas.")),
            Column("ranked_ideas", INTEGER, _l("Number of ideas in the published ranking.")),
            Column("departs_from_ranking", BOOLEAN,
                   _l("True when the winners are not simply the top of the ranking.")),
            Column("justification", TEXT,
                   _l("The coordinators' published justification of the choice.")),
            Column("corrections", INTEGER,
                   _l("Number of published corrections of these results (0: never "
                      "corrected).")),
            Column("corrected_at", DATETIME,
                   _l("When the results were last corrected; empty when never.")),
        ),
        ("hackathon_id",),
    ),
    PublicTable(
        "result_corrections", _l("Corrections of published results"),
        _l("A documented correction of a hackathon's published results: what was wrong and "
           "why, and what changed. The winners and ranking in the other tables are the "
           "corrected ones."),
        (
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            Column("number", INTEGER, _l("1 for the first correction, then 2, 3 …")),
            Column("corrected_at", DATETIME, _l("When the correction was published.")),
            Column("reason", TEXT, _l("What was wrong and why it was corrected.")),
            Column("excluded_reviews", INTEGER,
                   _l("Number of reviews that no longer count after the correction.")),
            Column("winners_before", TEXT,
                   _l("Ids of the winning ideas before the correction, separated by spaces.")),
            Column("winners_after", TEXT,
                   _l("Ids of the winning ideas after the correction, separated by spaces.")),
        ),
        ("hackathon_id", "number"),
    ),
    PublicTable(
        "ranking", _l("Published ranking"),
        _l("The jury's ranking as published with the results: aggregated scores only, "
           "never a single judge's review."),
        (
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            Column("rank", INTEGER, _l("Place in the ranking (equal scores share a place); "
                                       "empty when the idea had no submitted review.")),
            Column("idea_id", INTEGER, _l("The idea. Only winners appear in the ideas table.")),
            Column("title", TEXT, _l("Title of the idea, as published.")),
            Column("municipality_id", INTEGER, _l("The team's lead municipality."),
                   references="municipalities.id"),
            Column("winner", BOOLEAN, _l("Whether the idea was chosen as a winner.")),
            Column("score", DECIMAL, _l("Mean review score, 0–100."), places=2),
            Column("normalized_score", DECIMAL,
                   _l("Mean score after evening out harsh and lenient judges, 0–100."),
                   places=2),
            Column("reviews", INTEGER, _l("Number of submitted reviews that count.")),
            Column("median", DECIMAL, _l("Median review score, 0–100."), places=2),
            Column("stdev", DECIMAL, _l("Spread (standard deviation) of the review scores."),
                   places=2),
            Column("flags", TEXT, _l("Notes for the reader, separated by spaces: "
                                     "incomplete_reviews, high_disagreement, conflict_declared, "
                                     "judge_not_normalised.")),
            Column("round", INTEGER, _l("1 for the jury's round, 2 for a final round.")),
        ),
        ("hackathon_id", "idea_id"),
    ),
    PublicTable(
        "ideas", _l("Winning ideas"),
        _l("The public fields of winning ideas once the results are out. Other ideas are not "
           "public."),
        (
            Column("id", INTEGER, _l("Identifier of the idea; its page is /ideas/<id>.")),
            Column("hackathon_id", INTEGER, _l("The hackathon."), references="hackathons.id"),
            Column("title", TEXT, _l("Title."), search=True),
            Column("summary", TEXT, _l("Short summary."), search=True),
            Column("problem", MARKDOWN, _l("The problem it addresses.")),
            Column("solution", MARKDOWN, _l("The proposed solution.")),
            Column("target_group", MARKDOWN, _l("Who benefits.")),
            Column("expected_impact", MARKDOWN, _l("The expected impact.")),
            _money("budget_eur", _l("The team's estimated budget, EUR.")),
            Column("duration_months", INTEGER, _l("Planned duration in months.")),
            Column("team_name", TEXT, _l("Name of the municipal team.")),
            Column("municipality_id", INTEGER, _l("The team's lead municipality."),
                   references="municipalities.id"),
            Column("submitted_at", DATETIME, _l("When the idea was submitted.")),
        ),
        ("id",),
    ),
    PublicTable(
        "idea_partners", _l("Partner municipalities of winning ideas"),
        _l("Other municipalities in the team of a winning idea."),
        (
            Column("idea_id", INTEGER, _l("The idea."), references="ideas.id"),
            Column("municipality_id", INTEGER, _l("A partner municipality."),
                   references="municipalities.id"),
        ),
        ("idea_id", "municipality_id"),
    ),
    PublicTable(
        "idea_indicators", _l("Proposed indicators of winning ideas"),
        _l("How the team proposed to measure the idea's impact."),
        (
            Column("id", INTEGER, _l("Identifier of the proposed indicator.")),
            Column("idea_id", INTEGER, _l("The idea."), references="ideas.id"),
            Column("position", INTEGER, _l("Order in the idea.")),
            Column("name", TEXT, _l("What is measured.")),
            Column("baseline", TEXT, _l("The value now, as the team wrote it.")),
            Column("target", TEXT, _l("The value aimed for, as the team wrote it.")),
        ),
        ("id",),
    ),
    PublicTable(
        "pilots", _l("Pilots"),
        _l("Pilot projects of winning ideas: status, health, progress and money. Health and "
           "progress are computed on the day of the export."),
        (
            Column("id", INTEGER, _l("Identifier of the pilot; its page is /pilots/<id>.")),
            Column("idea_id", INTEGER, _l("The winning idea it comes from."),
                   references="ideas.id"),
            Column("hackathon_id", INTEGER, _l("The hackathon the idea won."),
                   references="hackathons.id"),
            Column("title", TEXT, _l("Title."), search=True),
            Column("summary", MARKDOWN, _l("Summary."), search=True),
            Column("team_name", TEXT, _l("Name of the municipal team running it.")),
            Column("lead_municipality_id", INTEGER, _l("The lead municipality."),
                   references="municipalities.id"),
            _region_code(_l("The planning region whose programme envelope pays for the pilot: "
                            "the region that organised the hackathon, or for a national "
                            "hackathon the lead municipality's region.")),
            Column("start_date", DATE, _l("Start date.")),
            Column("end_date", DATE, _l("Planned end date.")),
            Column("status", CODE, _l("Status."), values=PILOT_STATUSES),
            Column("health", CODE,
                   _l("Green, amber or red, by the published rules (see the pilot page)."),
                   values=HEALTH_LEVELS),
            Column("health_reasons", TEXT,
                   _l("Why the pilot is not green: codes separated by spaces "
                      "(milestone_overdue_14, over_budget, no_report_90, milestone_overdue, "
                      "milestone_due_soon_not_started, spending_ahead_of_time, "
                      "no_report_45).")),
            Column("progress", INTEGER,
                   _l("Percent of the milestones' weight that is done, 0–100.")),
            _money("approved_budget_eur", _l("Approved budget, EUR.")),
            _money("spent_eur", _l("Sum of the recorded expenses, EUR.")),
            _money("remaining_eur",
                   _l("Approved budget minus spent, EUR (negative when over budget).")),
            Column("created_at", DATETIME, _l("When the pilot was started in Talka.")),
            Column("updated_at", DATETIME, _l("When its plan was last changed.")),
            Column("charged_to_lead_region", BOOLEAN,
                   _l("True when a national hackathon chose the pilot, so that it is charged "
                      "to the lead municipality's region.")),
            _money("programme_eur", _l("Programme (RRF) funds excluding VAT, EUR: what the "
                                       "region's envelope counts.")),
            _money("programme_vat_eur", _l("VAT paid by the programme, EUR: counted against "
                                           "the region's VAT line.")),
            _money("municipal_eur", _l("Municipal co-financing excluding VAT, EUR.")),
            _money("municipal_vat_eur", _l("VAT on the municipal co-financing, EUR.")),
            _money("other_eur", _l("Other sources excluding VAT, EUR.")),
            _money("other_vat_eur", _l("VAT on the other sources, EUR.")),
            Column("assessment_theme_id", INTEGER,
                   _l("The assessment theme the pilot addresses (theme_id in "
                      "assessment_results); empty when none is named.")),
        ),
        ("id",),
    ),
    PublicTable(
        "pilot_partners", _l("Partner municipalities of pilots"),
        _l("Other municipalities taking part in a pilot."),
        (
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("municipality_id", INTEGER, _l("A partner municipality."),
                   references="municipalities.id"),
        ),
        ("pilot_id", "municipality_id"),
    ),
    PublicTable(
        "milestones", _l("Milestones"),
        _l("The steps of each pilot, with due dates and weights in its progress."),
        (
            Column("id", INTEGER, _l("Identifier of the milestone.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("title", TEXT, _l("Title.")),
            Column("description", TEXT, _l("Description.")),
            Column("due_date", DATE, _l("Due date.")),
            Column("weight", DECIMAL, _l("Weight in the pilot's progress."), places=2),
            Column("status", CODE, _l("Status."), values=MILESTONE_STATUSES),
            Column("completed_on", DATE, _l("When it was done; empty if not done.")),
        ),
        ("id",),
    ),
    PublicTable(
        "indicators", _l("Outcome indicators"),
        _l("What each pilot measures, where it started and where it should get to."),
        (
            Column("id", INTEGER, _l("Identifier of the indicator.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("position", INTEGER, _l("Order in the pilot.")),
            Column("name", TEXT, _l("What is measured.")),
            Column("unit", TEXT, _l("Unit of measurement.")),
            Column("direction", CODE, _l("Whether a higher or a lower value is better."),
                   values=("increase", "decrease")),
            _value("baseline_value", _l("The value at the start.")),
            Column("baseline_on", DATE, _l("Date of the baseline value.")),
            _value("target_value", _l("The value aimed for.")),
            Column("target_on", DATE, _l("When the target should be reached.")),
        ),
        ("id",),
    ),
    PublicTable(
        "measurements", _l("Measurements"),
        _l("Measured values of the outcome indicators."),
        (
            Column("id", INTEGER, _l("Identifier of the measurement.")),
            Column("indicator_id", INTEGER, _l("The indicator."), references="indicators.id"),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("measured_on", DATE, _l("Date of the measurement.")),
            _value("value", _l("The measured value.")),
            Column("source", TEXT, _l("Where the value comes from.")),
        ),
        ("id",),
    ),
    PublicTable(
        "funding_lines", _l("Funding"),
        _l("Where each pilot's approved budget comes from."),
        (
            Column("id", INTEGER, _l("Identifier of the funding line.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("kind", CODE, _l("Source of the money."),
                   values=("programme", "municipal", "vat", "other")),
            Column("label", TEXT, _l("Further description of the source.")),
            _money("amount_eur", _l("Amount excluding VAT, EUR (for the kind vat, recorded "
                                    "before VAT had its own amount: the programme's VAT).")),
            _money("vat_eur", _l("VAT on the amount, EUR.")),
        ),
        ("id",),
    ),
    PublicTable(
        "expenses", _l("Expenses"),
        _l("Every expense of every pilot: what public money was spent on, item by item."),
        (
            Column("id", INTEGER, _l("Identifier of the expense.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("spent_on", DATE, _l("Date of the expense.")),
            _money("amount_eur", _l("Amount, EUR.")),
            Column("description", TEXT, _l("What the money was spent on."), search=True),
            Column("category", CODE, _l("Kind of expense."),
                   values=("services", "goods", "works", "staff", "other")),
        ),
        ("id",),
        notes=(_l("Invoices and other documents are not published: they may hold personal "
                  "data. Teams are asked not to name private persons in descriptions."),),
    ),
    PublicTable(
        "expenses_by_month", _l("Spending by month"),
        _l("What each pilot spent, summed per calendar month."),
        (
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("month", TEXT, _l("Calendar month, YYYY-MM.")),
            _money("amount_eur", _l("Sum of the month's expenses, EUR.")),
            Column("expenses", INTEGER, _l("Number of expenses recorded in the month.")),
        ),
        ("pilot_id", "month"),
        notes=(_l("The sums are exact, and they add up to each pilot's spent_eur; the single "
                  "expenses are in the expenses table."),),
    ),
    PublicTable(
        "pilot_updates", _l("Progress reports"),
        _l("Public progress reports approved by a coordinator."),
        (
            Column("id", INTEGER, _l("Identifier of the report.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("reported_on", DATE, _l("Date of the report.")),
            Column("body", MARKDOWN, _l("The report.")),
            Column("published_at", DATETIME, _l("When a coordinator approved and published it.")),
        ),
        ("id",),
    ),
    PublicTable(
        "evaluations", _l("Final evaluations"),
        _l("The final evaluation of each pilot that has ended."),
        (
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("recommendation", CODE, _l("Advice to the programme."),
                   values=("scale_up", "adapt", "stop")),
            Column("results", MARKDOWN, _l("What the pilot achieved.")),
            Column("lessons", MARKDOWN, _l("What was learnt.")),
            Column("evaluated_at", DATETIME, _l("When the evaluation was written.")),
        ),
        ("pilot_id",),
    ),
    PublicTable(
        "replications", _l("Replications"),
        _l("Other municipalities adopting a pilot."),
        (
            Column("id", INTEGER, _l("Identifier of the replication.")),
            Column("pilot_id", INTEGER, _l("The pilot."), references="pilots.id"),
            Column("municipality_id", INTEGER, _l("The adopting municipality."),
                   references="municipalities.id"),
            Column("status", CODE, _l("How far the adoption is."),
                   values=("considering", "in_progress", "adopted", "abandoned")),
            Column("started_on", DATE, _l("Since when.")),
            Column("note", TEXT, _l("Note.")),
        ),
        ("id",),
    ),
    PublicTable(
        "training_indicator", _l("People trained"),
        _l("The programme's training indicator: how many people were trained, by planning "
           "region, year, format and kind of event."),
        (
            Column("region_code", CODE, _l("Planning region where the person worked at their "
                                           "first event."),
                   references="regions.code", values=REGION_CODES),
            Column("year", INTEGER, _l("Year of the person's first event.")),
            Column("format", CODE, _l("Format of the first event."),
                   values=("in_person", "online", "self_paced")),
            Column("kind", CODE, _l("Kind of the first event."),
                   values=("conference", "national_event", "regional_training", "workshop",
                           "exchange_visit")),
            Column("people_trained", INTEGER, _l("Number of different people.")),
        ),
        ("region_code", "year", "format", "kind"),
        notes=(_l("Each person counts once for the whole programme, in the region, year, "
                  "format and kind of the first event they attended; the rows add up to the "
                  "indicator's total. No person is named."),),
    ),
    PublicTable(
        "assessment_results", _l("Assessment results"),
        _l("The assessment of municipal services at the start and at the end of the "
           "programme: median theme scores of each planning region's municipalities."),
        (
            Column("instrument_id", INTEGER, _l("Identifier of the questionnaire.")),
            Column("instrument", TEXT, _l("Name of the questionnaire.")),
            Column("theme_id", INTEGER, _l("Identifier of the theme.")),
            Column("theme", TEXT, _l("Name of the theme.")),
            Column("region_code", CODE, _l("Planning region."), references="regions.code",
                   values=REGION_CODES),
            Column("baseline_respondents", INTEGER,
                   _l("Municipalities with a score at the initial assessment.")),
            Column("baseline_median", DECIMAL,
                   _l("Median theme score (0–100) at the initial assessment; empty for fewer "
                      "than three municipalities."), places=1),
            Column("final_respondents", INTEGER,
                   _l("Municipalities with a score at the final assessment.")),
            Column("final_median", DECIMAL,
                   _l("Median theme score (0–100) at the final assessment; empty for fewer "
                      "than three municipalities."), places=1),
            Column("paired_municipalities", INTEGER,
                   _l("Municipalities that answered both assessments.")),
            Column("median_change", DECIMAL,
                   _l("Median change of the score of the municipalities that answered both; "
                      "empty for fewer than three."), places=1),
        ),
        ("instrument_id", "theme_id", "region_code"),
        notes=(_l("A theme score is the mean of a municipality's answers to the theme's "
                  "questions, as a share of the scale. A figure of fewer than three "
                  "municipalities is left empty, so that no municipality's own answers can "
                  "be read from it."),),
    ),
)

BY_NAME = {table.name: table for table in TABLES}


def table_named(name: str) -> PublicTable | None:
    """The public table of that name, or None."""
    return BY_NAME.get(name)
