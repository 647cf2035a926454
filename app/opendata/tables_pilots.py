"""The public tables of the pilots: the pilot, its plan (milestones, indicators,
measurements), its money (funding, expenses), its reports, evaluation and replications."""

from __future__ import annotations

from app.core.translation import lazy_gettext as _l
from app.opendata.dictionary import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    DECIMAL,
    HEALTH_LEVELS,
    INTEGER,
    MARKDOWN,
    MILESTONE_STATUSES,
    PILOT_STATUSES,
    TEXT,
    Column,
    PublicTable,
    money_column,
    region_code_column,
    value_column,
)

PILOT_TABLES: tuple[PublicTable, ...] = (
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
            region_code_column(_l(
                "The planning region whose programme envelope pays for the pilot: "
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
            money_column("approved_budget_eur", _l("Approved budget, EUR.")),
            money_column("spent_eur", _l("Sum of the recorded expenses, EUR.")),
            money_column("remaining_eur",
                          _l("Approved budget minus spent, EUR (negative when over budget).")),
            Column("created_at", DATETIME, _l("When the pilot was started in Talka.")),
            Column("updated_at", DATETIME, _l("When its plan was last changed.")),
            Column("charged_to_lead_region", BOOLEAN,
                   _l("True when a national hackathon chose the pilot, so that it is charged "
                      "to the lead municipality's region.")),
            money_column("programme_eur", _l("Programme (RRF) funds excluding VAT, EUR: what the "
                                              "region's envelope counts.")),
            money_column("programme_vat_eur", _l("VAT paid by the programme, EUR: counted against "
                                                  "the region's VAT line.")),
            money_column("municipal_eur", _l("Municipal co-financing excluding VAT, EUR.")),
            money_column("municipal_vat_eur", _l("VAT on the municipal co-financing, EUR.")),
            money_column("other_eur", _l("Other sources excluding VAT, EUR.")),
            money_column("other_vat_eur", _l("VAT on the other sources, EUR.")),
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
            value_column("baseline_value", _l("The value at the start.")),
            Column("baseline_on", DATE, _l("Date of the baseline value.")),
            value_column("target_value", _l("The value aimed for.")),
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
            value_column("value", _l("The measured value.")),
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
            money_column("amount_eur", _l("Amount excluding VAT, EUR (for the kind vat, recorded "
                                           "before VAT had its own amount: the programme's VAT).")),
            money_column("vat_eur", _l("VAT on the amount, EUR.")),
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
            money_column("amount_eur", _l("Amount, EUR.")),
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
            money_column("amount_eur", _l("Sum of the month's expenses, EUR.")),
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
)
