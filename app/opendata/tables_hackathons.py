"""The public tables of the planning regions and municipalities, the hackathons, their
published results and their winning ideas (see dictionary.py for what the words mean)."""

from __future__ import annotations

from app.core.translation import lazy_gettext as _l
from app.opendata.dictionary import (
    BOOLEAN,
    CODE,
    DATETIME,
    DECIMAL,
    INTEGER,
    MARKDOWN,
    PHASES,
    REGION_CODES,
    TEXT,
    Column,
    PublicTable,
    money_column,
    region_code_column,
)

HACKATHON_TABLES: tuple[PublicTable, ...] = (
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
            money_column("envelope_eur", _l("Indicative programme envelope, EUR, without VAT.")),
            money_column("vat_envelope_eur", _l("Additional envelope for VAT, EUR.")),
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
            region_code_column(_l("The planning region the municipality belongs to.")),
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
            region_code_column(_l("A planning region whose municipalities may take part.")),
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
            money_column("budget_eur", _l("The team's estimated budget, EUR.")),
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
)
