"""The public tables of the programme as a whole: the people trained and the results of the
municipalities' assessment."""

from __future__ import annotations

from app.core.translation import lazy_gettext as _l
from app.opendata.dictionary import (
    CODE,
    DECIMAL,
    INTEGER,
    REGION_CODES,
    TEXT,
    Column,
    PublicTable,
)

PROGRAMME_TABLES: tuple[PublicTable, ...] = (
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
