"""CSV cells that a spreadsheet will not run: one rule for every export."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula (or a DDE command) by Excel,
# LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def formula_safe(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe; other values stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
