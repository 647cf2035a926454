"""The workbook's shape: its sheets, their columns in the reader's language, the row of
allowed values, each object's version, and writing it as XLSX or CSV.

A row's version is a fingerprint of the fields the workbook shows: milestones,
measurements and expenses keep no version counter of their own, and a fingerprint changes
exactly when what the exported row showed has changed since.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from openpyxl import Workbook

from app.core.spreadsheet import formula_safe
from app.core.translation import lazy_gettext as _l
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Measurement, Milestone

LOCALES = ("lv", "en")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    hint: Any
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Any
    columns: tuple[Column, ...]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


_ID = Column("id", _l("ID"), _l("Do not change; empty for a new row"), 10)
_VERSION = Column("version", _l("Version"), _l("Do not change"), 14)

MILESTONES = Sheet("milestones", _l("Milestones"), (
    Column("id", _l("ID"), _l("Do not change"), 10),
    _VERSION,
    Column("pilot_id", _l("Pilot ID"), _l("Do not change"), 10),
    Column("pilot", _l("Pilot"), _l("For reading only"), 30),
    Column("title", _l("Title"), _l("Text, required"), 30),
    Column("due_date", _l("Due date"), _l("Date YYYY-MM-DD"), 14),
    Column("weight", _l("Weight"), _l("Number above zero"), 10),
    Column("status", _l("Status"), _l("planned, in_progress, done or missed"), 16),
    Column("completed_on", _l("Completed on"),
           _l("Date YYYY-MM-DD; empty: today when done"), 16),
    Column("evidence_text", _l("Evidence"), _l("Text"), 30),
))
MEASUREMENTS = Sheet("measurements", _l("Measurements"), (
    _ID, _VERSION,
    Column("pilot_id", _l("Pilot ID"), _l("For reading only"), 10),
    Column("indicator_id", _l("Indicator ID"), _l("Indicator ID, required for a new row"), 12),
    Column("indicator", _l("Indicator"), _l("For reading only"), 30),
    Column("unit", _l("Unit"), _l("For reading only"), 10),
    Column("measured_on", _l("Measured on"), _l("Date YYYY-MM-DD, not in the future"), 14),
    Column("value", _l("Value"), _l("Number, at most four decimals"), 12),
    Column("note", _l("Source or note"), _l("Text"), 30),
))
EXPENSES = Sheet("expenses", _l("Expenses"), (
    _ID, _VERSION,
    Column("pilot_id", _l("Pilot ID"), _l("Pilot ID, required for a new row"), 10),
    Column("pilot", _l("Pilot"), _l("For reading only"), 30),
    Column("spent_on", _l("Spent on"), _l("Date YYYY-MM-DD, not in the future"), 14),
    Column("amount_eur", _l("Amount (EUR)"), _l("Amount above zero, two decimals"), 14),
    Column("description", _l("Description"), _l("Text, required"), 30),
))
SHEETS = (MILESTONES, MEASUREMENTS, EXPENSES)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}


# --- versions -------------------------------------------------------------------------------

def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def fingerprint(*values: Any) -> str:
    """A short, stable digest of the values a row shows."""
    text = "\x1f".join(_plain(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def milestone_version(m: Milestone) -> str:
    return fingerprint(m.title, m.due_date, m.weight, m.status, m.completed_on, m.evidence_text)


def measurement_version(m: Measurement) -> str:
    return fingerprint(m.indicator_id, m.measured_on, m.value, m.note)


def expense_version(e: Expense) -> str:
    return fingerprint(e.pilot_id, e.spent_on, e.amount_eur, e.description)


# --- rows -----------------------------------------------------------------------------------

def rows_of(pilots: Iterable[Pilot]) -> dict[str, list[list[Any]]]:
    """Each sheet's data rows for the pilots, in column order (plain values)."""
    rows: dict[str, list[list[Any]]] = {s.key: [] for s in SHEETS}
    for pilot in pilots:
        for m in pilot.milestones:
            rows["milestones"].append([
                m.id, milestone_version(m), pilot.id, pilot.title, m.title, m.due_date,
                m.weight, m.status.value, m.completed_on, m.evidence_text])
        for indicator in pilot.indicators:
            for measurement in indicator.measurements:
                rows["measurements"].append([
                    measurement.id, measurement_version(measurement), pilot.id, indicator.id,
                    indicator.name, indicator.unit, measurement.measured_on, measurement.value,
                    measurement.note])
        for e in sorted(pilot.expenses, key=lambda e: (e.spent_on, e.id)):
            rows["expenses"].append([
                e.id, expense_version(e), pilot.id, pilot.title, e.spent_on, e.amount_eur,
                e.description])
    return rows


def header(sheet: Sheet) -> tuple[list[str], list[str]]:
    """The column names and the row of allowed values, in the current language."""
    return ([str(c.label) for c in sheet.columns],
            ["» " + str(c.hint) for c in sheet.columns])


def header_names() -> dict[str, dict[str, str]]:
    """For reading a file back: every language's column name (and the key) → the key."""
    names: dict[str, dict[str, str]] = {}
    for sheet in SHEETS:
        known = names.setdefault(sheet.key, {})
        for column in sheet.columns:
            known[column.key.casefold()] = column.key
            for locale in LOCALES:
                with force_locale(locale):
                    known[str(column.label).casefold()] = column.key
    return names


def sheet_titles() -> dict[str, str]:
    """Every language's sheet title (and the key) → the key."""
    titles: dict[str, str] = {}
    for sheet in SHEETS:
        titles[sheet.key.casefold()] = sheet.key
        for locale in LOCALES:
            with force_locale(locale):
                titles[str(sheet.title).casefold()] = sheet.key
    return titles


def _text_cell(value: Any) -> Any:
    """What a CSV cell holds: dates and amounts as text, other text formula-safe."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None:
        return ""
    return formula_safe(value)


def to_xlsx(rows: dict[str, list[list[Any]]]) -> bytes:
    """The workbook: a sheet each, the names in row 1, the allowed values in row 2."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        ws = book.create_sheet(str(sheet.title)[:31])
        names, hints = header(sheet)
        ws.append(names)
        ws.append(hints)
        for row in rows[sheet.key]:
            # Text that looks like a formula is stored with a leading apostrophe, as in
            # every CSV export: openpyxl would otherwise write it as a formula.
            ws.append([formula_safe(v) if isinstance(v, str) else
                       float(v) if isinstance(v, Decimal) else v for v in row])
        for index, column in enumerate(sheet.columns):
            ws.column_dimensions[chr(ord("A") + index)].width = column.width
            for cell in ws.iter_cols(min_col=index + 1, max_col=index + 1, min_row=3):
                for c in cell:
                    if isinstance(c.value, date):
                        c.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(sheet: Sheet, rows: list[list[Any]]) -> str:
    """One sheet as CSV, UTF-8 with a byte-order mark so that Excel reads Latvian letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names, hints = header(sheet)
    writer.writerow(names)
    writer.writerow(hints)
    for row in rows:
        writer.writerow([_text_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
