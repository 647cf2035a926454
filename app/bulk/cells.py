"""Reading a workbook's cell as the pilot operations would, so that an import can tell
which fields a row really changes (and leave alone a row that matches what is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from app.pilots import input_fields as pilot_fields
from app.pilots.states import MilestoneStatus


def as_date(value: Any) -> date | None:
    return pilot_fields.parse_date(value)


def as_number(value: Any) -> Decimal | None:
    number, _problem = pilot_fields.read_number(value)
    return number


def as_amount(value: Any) -> Decimal | None:
    try:
        return pilot_fields.read_amount(value)
    except Exception:  # an unreadable amount differs from every stored one
        return None


def as_text(value: Any) -> str:
    return str(value or "").strip()


def as_status(value: Any) -> str:
    text = as_text(value)
    for status in MilestoneStatus:
        if text.casefold() in (status.value, str(status.label).casefold()):
            return status.value
    return text


def as_id(value: Any) -> int | str | None:
    """An id cell: None when empty, the number, or "bad"."""
    if value in (None, ""):
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**31:
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 10 else "bad"


MILESTONE_READ: dict[str, Callable[[Any], Any]] = {
    "title": as_text, "due_date": as_date, "weight": as_number, "status": as_status,
    "completed_on": as_date, "evidence_text": as_text}
MEASUREMENT_READ: dict[str, Callable[[Any], Any]] = {
    "measured_on": as_date, "value": as_number, "note": as_text}
EXPENSE_READ: dict[str, Callable[[Any], Any]] = {
    "spent_on": as_date, "amount_eur": as_amount, "description": as_text}


def stored_value(obj: Any, name: str) -> Any:
    value = getattr(obj, name)
    return getattr(value, "value", value)


def differences(obj: Any, cells: dict[str, Any], readers: dict[str, Callable]
                 ) -> dict[str, tuple[Any, Any]]:
    """The fields whose cell says something other than what is stored: {field: (old, new)}.
    An empty completion date means "as it is" (the operation fills in today)."""
    changes = {}
    for name, read in readers.items():
        if name not in cells:
            continue
        if name == "completed_on" and cells[name] in (None, ""):
            continue
        old = stored_value(obj, name)
        new = read(cells[name])
        if new is None and cells[name] not in (None, ""):
            new = cells[name]  # unreadable: a change the operation will refuse
        if isinstance(old, Decimal) and isinstance(new, Decimal) and old == new:
            continue
        if old != new:
            changes[name] = (old, new if new is not None else "")
    return changes
