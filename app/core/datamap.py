"""What the public sees: every table marked public or private, every clock instant that
changes a public page, and every server-side cache with what empties it.

A table marked PUBLIC is shown on a public page, in a feed, the sitemap, the public API or
the open data (even as a count or a sum). Any insert, update or delete of one of its rows
raises the public data version (app/public/cache.py), so every cached public page and
open-data file made before it is never served again. A PRIVATE table changes nothing an
anonymous reader sees. tests/test_datamap.py fails for a table left unmarked, so a new
table cannot be forgotten.
"""

from __future__ import annotations

PUBLIC = "public"
PRIVATE = "private"

TABLES: dict[str, str] = {
    # places
    "region": PUBLIC,
    "municipality": PUBLIC,
    # hackathons
    "hackathon": PUBLIC,
    "hackathon_eligible_region": PUBLIC,
    "criterion": PUBLIC,
    "phase_change": PUBLIC,
    # teams and ideas (drafts stay private: see app/public/cache.py)
    "team": PUBLIC,
    "team_partner": PUBLIC,
    "team_member": PRIVATE,  # people are never named publicly; the directory is signed-in
    "team_invitation": PRIVATE,
    "team_former_member": PRIVATE,
    "affiliation": PRIVATE,
    "municipality_domain": PRIVATE,
    "idea": PUBLIC,
    "idea_attachment": PUBLIC,
    "proposed_indicator": PUBLIC,
    "idea_revision": PRIVATE,
    "idea_redaction": PRIVATE,
    "idea_kept_text": PRIVATE,
    # judging: the ranking and the residents' vote are public once results are published
    "jury_member": PRIVATE,
    "assignment_run": PRIVATE,
    "conflict_declaration": PRIVATE,
    "review": PUBLIC,
    "review_score": PUBLIC,
    "kept_review": PRIVATE,
    "final_round": PUBLIC,
    "winner_decision": PUBLIC,
    "results_correction": PUBLIC,
    "public_vote": PUBLIC,
    # pilots
    "pilot": PUBLIC,
    "pilot_partner": PUBLIC,
    "pilot_status_change": PUBLIC,
    "pilot_document": PUBLIC,
    "milestone": PUBLIC,
    "indicator": PUBLIC,
    "measurement": PUBLIC,
    "funding_line": PUBLIC,
    "expense": PUBLIC,
    "pilot_update": PUBLIC,
    "pilot_evaluation": PUBLIC,
    "replication": PUBLIC,
    "pilot_follower": PRIVATE,
    # the programme's training indicator (public in aggregate)
    "programme_event": PUBLIC,
    "programme_person": PUBLIC,
    "programme_attendance": PUBLIC,
    # the good-governance self-assessment: instruments and results in aggregate are public
    "assessment_instrument": PUBLIC,
    "assessment_theme": PUBLIC,
    "assessment_question": PUBLIC,
    "assessment_round": PUBLIC,
    "assessment_response": PUBLIC,
    "assessment_answer": PUBLIC,
    # people, access and machinery
    "user": PRIVATE,
    "user_session": PRIVATE,
    "security_event": PRIVATE,
    "role_grant": PRIVATE,
    "api_token": PRIVATE,
    "audit_entry": PRIVATE,
    "outbox_message": PRIVATE,
    "privacy_erasure": PRIVATE,
    "public_data_version": PRIVATE,  # the version itself: raising it must not raise it again
    "public_change": PRIVATE,  # what each raise changed, written with it
}

# Private tables that a coordinator's kept judging figures read (the judging dashboard's
# reviews, ranking, ties and declared conflicts, app/judging/kept_board.py): a change to
# one of them raises the judging version (app.public.cache.judging_state). Those figures
# are kept only if every table they read is public or listed here, so a table missing here
# makes them slower, never stale; tests/judging/test_kept_board.py fails for one missing.
JUDGING_INPUTS: frozenset[str] = frozenset({
    "user",  # names, e-mails and municipalities only (cache.JUDGING_USER_COLUMNS)
    "team_member", "team_former_member", "team_invitation", "idea_revision",  # conflicts
    "conflict_declaration",
    "jury_member", "assignment_run",  # each judge's progress, the latest assignment run
})

# Instants (table, column) after which a public page shows something else without any row
# changing: a hackathon opens, its submissions close, its judging and public vote close.
CLOCK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hackathon", "submission_opens_at"),
    ("hackathon", "submission_closes_at"),
    ("hackathon", "judging_closes_at"),
)

# Every server-side cache of what readers are answered, and what makes an entry stale.
CACHES: dict[str, str] = {
    "app.public.cache.page_cache": "rendered public pages and front-cache answers, keyed by "
                                   "host, scheme, path, query and language, under the "
                                   "public state (version of PUBLIC tables and the clock)",
    "app.public.cache._recent": "the public state read last, for at most "
                                "PUBLIC_STATE_TTL_SECONDS; dropped by this process's commits",
    "app.public.cache._this_minute": "the state read last as of this minute (pages that "
                                     "count down); another state or minute replaces it",
    "app.public.summaries._kept": "whole-table figures (home, a region's comparison) and "
                                  "rendered rows and cards (app.public.fragments), per "
                                  "language and link context, kept under the public state "
                                  "and emptied when it changes",
    "app.public.summaries._carried": "every pilot's table rows with the public state they "
                                     "were read under, carried over a change of it: the "
                                     "rows of the pilots changed since (public_change) are "
                                     "read again, or all of them where a change wrote a "
                                     "table they read without naming its pilots; dropped "
                                     "when the database is replaced",
    "app.opendata.export.kept_file": "open-data files on disk, one folder per public state",
    "app.judging.kept_board._store": "a hackathon's reviews, ranking, ties, declared "
                                     "conflicts, jury counts and latest assignment run for "
                                     "its coordinators, kept under the public "
                                     "and judging versions (read afresh on every request) "
                                     "and emptied when either changes",
}


# Memoised functions whose answer depends on their arguments and the code alone, never on
# stored data: nothing has to empty them.
PURE_MEMOS: frozenset[str] = frozenset({
    "app.public.cache._state_statement",
    # The tables a compiled statement names (its SQL, not its rows).
    "app.public.summaries._tables_by_compiled",
    "app.public.cache._versions_statement",
    # The mapped classes' link tables and the tables' ON DELETE rules: the schema's.
    "app.public.cache._links_of",
    "app.public.cache._cascaded",
    # Addresses built from the URL map and the arguments in the key (host, root, scheme and
    # language included).
    "app.core.web._built_urls",
    # The site's navigation and footer: templates, the link context and the kind of reader.
    "app.public.fragments._without_data",
    "app.judging.review_scores._check_criteria_once",
    # Each letter folded for search (Unicode's decompositions, not the database's text).
    "app.core.folding._FOLDED_LETTERS",
    "app.judging.queries._conflict_statement",
    "app.judging.review_scores._weighing",
    "app.accounts.passwords.common_passwords",
    "app.accounts.passwords._dummy_hash",
    # The ICU collator and the stylesheet read from the installed package, not the database.
    "app.core.collation._collator",
    # Names' sort keys: emptied at the end of each request and job all the same, as the
    # names are people's too (app/__init__.py).
    "app.core.collation._compared_key",
    "app.core.stylesheet.csp_source",
    "app.core.stylesheet.inline_css",
    # A template's string without variables in a loaded catalog (files, not the database).
    "app.core.translation._said",
    # A day, a moment, a sum or a number written out in a language: Babel's locale data
    # (and the time zone's rules) only.
    "app.core.formatting._day_in",
    "app.core.formatting._date_locale_for",
    "app.core.formatting._money_in",
    "app.core.formatting._number_in",
    "app.core.formatting._moment_in",
    # Statements built once per process, their values bound parameters: SQL text and loader
    # options, never a row.
    "app.accounts.operations._session_by_token",
    "app.hackathons.queries._hackathon_by",
    "app.hackathons.queries._terms_statements",
    "app.ideas.queries._ideas_of_user_statement",
    "app.ideas.queries._table_statements",
    "app.ideas.redaction._warning_statements",
    "app.ideas.queries._taking_ideas_statement",
    "app.judging.assigning._juries_to_assign",
    "app.judging.queries._criteria_statement",
    "app.judging.queries._every_review_statement",
    "app.judging.queries._my_reviews_statement",
    "app.judging.queries._ranking_statements",
    "app.judging.queries._submitted_reviews_statement",
    "app.judging.reminders._progress_statements",
    "app.judging.reminders._reminded_statement",
    "app.pilots.portfolio._waiting_statements",
    "app.pilots.queries._public_statements",
    "app.pilots.queries._internal_statements",
    "app.public.queries.winners._published_results_statements",
})


def public_tables() -> frozenset[str]:
    """The tables whose changes invalidate public pages."""
    return frozenset(name for name, mark in TABLES.items() if mark == PUBLIC)
