"""The one description of the public dataset: every table, every column, its type and meaning.

This module holds the words the description is made of (column types, `Column`,
`PublicTable`, the licence and the fixed lists of codes). The tables themselves are
described in tables_hackathons.py, tables_pilots.py and tables_programme.py, and gathered,
in the order every file and page lists them, in dataset.TABLES.

CSV, JSON, the SQLite file, the Data Package descriptor and the data dictionary page are
all written from `dataset.TABLES`, so they cannot drift apart: a column that is not
described there is never exported, whatever a source query happens to select. The rows
themselves come from app.opendata.sources (one function per table, same name).

What is public is what the public pages show, and nothing about people: no e-mail
addresses, no names of people, no judges (only the jury's aggregated scores as
published with the results), no internal reports, evidence or documents. Each expense
is published (date, amount, description, category: public money is accounted for item
by item); invoices are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.translation import lazy_gettext as _l

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


def money_column(name: str, meaning) -> Column:
    """An amount in euros, to the cent."""
    return Column(name, DECIMAL, meaning, places=2)


def value_column(name: str, meaning) -> Column:
    """An indicator's value, as exact as it is stored."""
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


def region_code_column(meaning=None) -> Column:
    """The column most tables have: the planning region a row belongs to."""
    return Column("region_code", CODE, meaning or _l("The planning region's code."),
                  references="regions.code", values=REGION_CODES)
