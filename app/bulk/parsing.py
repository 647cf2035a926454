"""Reading an uploaded workbook: refuse what is not a plain XLSX or CSV of a bounded size,
then give each sheet's rows as {column key: value}, with the row's number in the file.

A refusal says why, with the status an API client expects: 413 for too much (bytes,
unpacked bytes, rows), 422 for what is not a workbook we read (wrong content, macros).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from app.bulk.sheets import header_names, sheet_titles
from app.core.errors import DomainError
from app.core.spreadsheet import FORMULA_START
from app.core.translation import lazy_gettext as _l

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 5000  # data rows in all sheets together
HINT_MARK = "»"


class TooLarge(DomainError):
    """The file is larger than an import takes (413)."""

    status = 413


class NotAWorkbook(DomainError):
    """The file is not a workbook we read (422)."""

    status = 422


@dataclass
class Cell:
    """A problem found while reading, placed where the user will look for it."""

    sheet: str  # the sheet's key; pages show its title in the reader's language
    row: int
    column: str  # the column's key
    message: Any


@dataclass
class Parsed:
    """Each sheet's rows: (row number in the file, {column key: value})."""

    kind: str  # "xlsx" or "csv"
    sheets: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    problems: list[Cell] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.sheets.values())


def plain(value: Any) -> Any:
    """A cell's value as the pilot operations read form input."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | Decimal | int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else ""
    text = str(value).strip()
    # Undo the apostrophe that made the export formula-safe.
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def read(data: bytes, filename: str) -> Parsed:
    """The workbook in `data`, or TooLarge / NotAWorkbook."""
    if len(data) > MAX_BYTES:
        raise TooLarge(_l("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    name = (filename or "").lower()
    is_zip = data.startswith(b"PK\x03\x04")
    if name.endswith(".xlsx"):
        if not is_zip:
            raise NotAWorkbook(_l("The file is named .xlsx but is not an Excel workbook."))
        return _read_xlsx(data)
    if name.endswith(".csv"):
        if is_zip or b"\x00" in data:
            raise NotAWorkbook(_l("The file is named .csv but is not a text file."))
        return _read_csv(data)
    raise NotAWorkbook(_l("Upload the workbook as an .xlsx or a .csv file."))


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise NotAWorkbook(_l("The file is not a readable Excel workbook.")) from None
    names = {e.filename.lower() for e in entries}
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise TooLarge(_l("The workbook is too large once unpacked."))
    if any(n.endswith("vbaproject.bin") for n in names) or any(
            b"macroenabled" in archive.read(e).lower() for e in entries
            if e.filename == "[Content_Types].xml"):
        raise NotAWorkbook(_l("The workbook contains macros. Save it as a plain .xlsx "
                              "workbook without macros and upload it again."))
    if "xl/workbook.xml" not in names:
        raise NotAWorkbook(_l("The file is not a readable Excel workbook."))


def _read_xlsx(data: bytes) -> Parsed:
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise NotAWorkbook(_l("The file is not a readable Excel workbook.")) from None
    parsed = Parsed("xlsx")
    titles = sheet_titles()
    rows_seen = 0
    try:
        for ws in book.worksheets:
            key = titles.get(ws.title.strip().casefold())
            if key is None:
                continue
            rows: list[list[Any]] = []
            for raw in ws.iter_rows():
                rows_seen += 1
                if rows_seen > MAX_ROWS + 2 * len(titles):
                    raise TooLarge(_l("The workbook has more than %(n)d rows.", n=MAX_ROWS))
                cells = []
                for cell in raw:
                    if getattr(cell, "data_type", None) == "f":
                        cells.append(_Formula())
                    else:
                        cells.append(cell.value)
                rows.append(cells)
            _take_sheet(parsed, key, rows)
    finally:
        book.close()
    return parsed


class _Formula:
    """A formula cell: never evaluated, reported where it stands."""


def _read_csv(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAWorkbook(_l("Save the CSV file in UTF-8 and upload it again.")) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        if number > MAX_ROWS + 2:
            raise TooLarge(_l("The file has more than %(n)d rows.", n=MAX_ROWS))
        rows.append(row)
    names = header_names()
    keys = {names[s].get(str(c).strip().casefold()) for s in names for c in (rows[0] if rows
                                                                             else [])}
    key = ("milestones" if "status" in keys else "measurements" if "indicator_id" in keys
           else "expenses" if "amount_eur" in keys else None)
    if key is None:
        raise NotAWorkbook(_l("The file's first row does not name the columns of a "
                              "milestones, measurements or expenses sheet."))
    parsed = Parsed("csv")
    _take_sheet(parsed, key, rows)
    return parsed


def _take_sheet(parsed: Parsed, key: str, rows: list[list[Any]]) -> None:
    """Map the header to column keys and keep the data rows (the row of allowed values and
    empty rows are skipped); a formula anywhere is a problem in its cell."""
    if not rows:
        parsed.sheets[key] = []
        return
    names = header_names()[key]
    columns = [names.get(str(c or "").strip().casefold()) for c in rows[0]]
    if "id" not in columns:
        parsed.problems.append(Cell(key, 1, "id", _l("The sheet has no ID column.")))
    taken = []
    for number, row in enumerate(rows[1:], 2):
        if not row or all(c in (None, "") for c in row):
            continue
        first = row[0]
        if isinstance(first, str) and first.strip().startswith(HINT_MARK):
            continue
        values: dict[str, Any] = {}
        for index, column in enumerate(columns):
            if column is None or index >= len(row):
                continue
            value = row[index]
            if isinstance(value, _Formula):
                parsed.problems.append(Cell(key, number, column, _l(
                    "Formulas are not imported: type the value itself.")))
                value = ""
            values[column] = plain(value)
        taken.append((number, values))
    parsed.sheets[key] = taken
