"""The pilot's money: funding lines of the approved budget, and expenses (dated within
the pilot and its grace days for late invoices). The batch forms serve the workbook
import. Amounts are Decimal from end to end (app.pilots.money).

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import format_date

from app.core.clock import now_utc, today_riga
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.pilots.changes import audit, require_allowed
from app.pilots.input_fields import Errors, check, fail, read
from app.pilots.input_schemas import ExpenseInput, FundingInput
from app.pilots.models import Pilot
from app.pilots.models_money import Expense, FundingLine
from app.pilots.models_reports import PilotDocument


def add_funding_line(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                     ) -> FundingLine:
    """Add a source of the approved budget (programme funds, co-financing, VAT...)."""
    now = now or now_utc()
    require_allowed(pilot.can_manage(actor), _l("Only the pilot's coordinators can change its "
                                         "funding."))
    schema = FundingInput()
    values, errors = read(schema, data)
    check(errors, schema)
    line = FundingLine(pilot=pilot, **values)
    db.session.add(line)
    db.session.flush()
    audit("pilot.funding.add", line, actor=actor, now=now, object_type="funding_line",
           after={"pilot_id": pilot.id, **values})
    return line


def remove_funding_line(line: FundingLine, *, actor, now: datetime | None = None) -> None:
    """Remove a funding line (its removal is kept in the audit trail)."""
    now = now or now_utc()
    require_allowed(line.pilot.can_manage(actor), _l("Only the pilot's coordinators can change its "
                                              "funding."))
    audit("pilot.funding.remove", line, actor=actor, now=now, object_type="funding_line",
           before={"pilot_id": line.pilot_id, "kind": line.kind, "label": line.label,
                   "amount_eur": line.amount_eur})
    line.pilot.funding_lines.remove(line)
    db.session.flush()


def check_expense(pilot: Pilot, data: dict, *, actor, now: datetime | None = None) -> dict:
    """The values record_expense would store (Invalid or NotAllowed otherwise); writes
    nothing, so that a batch checks every row before it writes any."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    schema = ExpenseInput()
    values, errors = read(schema, data)
    spent_on = values.get("spent_on")
    if spent_on is not None and spent_on > today_riga(now):
        fail(errors, "spent_on", _l("An expense cannot be dated in the future."))
    elif spent_on is not None:
        _check_expense_date(errors, pilot, spent_on)
    check(errors, schema)
    return values


def record_expense(pilot: Pilot, data: dict, *, actor, now: datetime | None = None,
                   document: PilotDocument | None = None) -> Expense:
    """Record money spent: a positive amount in EUR, its date (not in the future), what for."""
    now = now or now_utc()
    values = check_expense(pilot, data, actor=actor, now=now)
    return record_expenses([(pilot, values, document)], actor=actor, now=now)[0]


def record_expenses(checked: list[tuple[Pilot, dict, PilotDocument | None]], *, actor,
                    now: datetime, notes: list[dict] | None = None) -> list[Expense]:
    """Store expenses whose values check_expense returned, in one flush for all (a workbook's
    hundreds of rows would otherwise wait for hundreds of round trips), each audited;
    `notes[i]` is added to the i-th audit entry (where an import came from)."""
    expenses = []
    for pilot, values, document in checked:
        values = dict(values)
        values["document_public"] = values.get("document_public", False) and document is not None
        expenses.append(Expense(pilot=pilot, document=document, created_at=now,
                                created_by_id=actor.id, **values))
    db.session.add_all(expenses)
    db.session.flush()
    for index, expense in enumerate(expenses):
        audit("pilot.expense.add", expense, actor=actor, now=now,
               after={"pilot_id": expense.pilot.id, "amount_eur": expense.amount_eur,
                      "spent_on": expense.spent_on, "description": expense.description,
                      "category": expense.category, **(notes[index] if notes else {})})
    return expenses


def expense_grace_days() -> int:
    """Invoices for the last weeks' work arrive after a pilot ends: how many days they may."""
    return int(current_app.config.get("PILOT_EXPENSE_GRACE_DAYS", 60))


def _check_expense_date(errors: Errors, pilot: Pilot, spent_on: date) -> None:
    last = pilot.end_date + timedelta(days=expense_grace_days())
    if not pilot.start_date <= spent_on <= last:
        fail(errors, "spent_on", _l(
            "An expense must be dated between the pilot's start (%(start)s) and %(last)s "
            "(its end, %(end)s, and %(days)d days for late invoices).",
            start=format_date(pilot.start_date), end=format_date(pilot.end_date),
            last=format_date(last), days=expense_grace_days()))


def delete_expense(expense: Expense, *, actor, now: datetime | None = None) -> None:
    """Remove an expense entered by mistake (the audit trail keeps what it was)."""
    delete_expenses([expense], actor=actor, now=now or now_utc())


def delete_expenses(expenses: list[Expense], *, actor, now: datetime,
                    notes: list[dict] | None = None) -> None:
    """Remove expenses (a batch: one flush), each kept in the audit trail with `notes[i]`."""
    for index, expense in enumerate(expenses):
        require_allowed(expense.pilot.can_edit(actor))
        audit("pilot.expense.delete", expense, actor=actor, now=now,
               before={"pilot_id": expense.pilot_id, "amount_eur": expense.amount_eur,
                       "spent_on": expense.spent_on, "description": expense.description},
               after=notes[index] if notes else None)
        expense.pilot.expenses.remove(expense)
    db.session.flush()
