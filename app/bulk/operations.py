"""Importing a workbook: each row is checked by the pilot operations (the rules live there),
and the outcome of every row is told field by field.

`preview_import` runs the whole import inside a savepoint and undoes it, so the preview
says exactly what confirming will do (new and replaced measurements and expenses are only
checked there: their write can add nothing to what the check said); `apply_import` checks
every row, then writes each sheet's new rows at once (one flush, not one per row), and refuses
(nothing applied) if any row has a problem. A row whose object changed since the export
(its version differs) is a conflict and is left alone; a row that already matches what is
stored is left alone too, so importing the same file twice changes nothing the second
time. Measurements and expenses have no edit operation: a changed one is removed and
recorded anew (its attached document kept), both through the pilot operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import joinedload

from app.bulk import sheets
from app.bulk.parsing import Cell, Parsed
from app.core.audit import AuditEntry, record_audit
from app.core.clock import now_utc, today_riga
from app.core.errors import DomainError, Invalid, NotAllowed
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail
from app.pilots import funding as funding_ops
from app.pilots import input_fields as pilot_fields
from app.pilots import plan as plan_ops
from app.pilots.health import reason_text
from app.pilots.models import Expense, Indicator, Measurement, Milestone, Pilot
from app.pilots.reminders import team_reminder_kind
from app.pilots.states import MilestoneStatus

CREATE, CHANGE, UNCHANGED, CONFLICT = "create", "change", "unchanged", "conflict"
# The operations' field names, where they differ from the sheet's columns.
_FIELD_COLUMN = {"evidence": "evidence_text", "_": "id"}
_NOT_YOURS = _l("There is no such row, or it belongs to a pilot you may not change.")


@dataclass
class Outcome:
    """What happens to one row: created, changed (field: (before, after)), left alone, or a
    conflict with a newer version."""

    sheet: str
    row: int
    action: str
    object_id: int | None = None
    pilot_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Preview:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Cell] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, CHANGE, UNCHANGED, CONFLICT)}

    @property
    def applicable(self) -> bool:
        """Confirming would change something and nothing stands in the way."""
        return not self.problems and bool(self.count(CREATE) + self.count(CHANGE))


# --- reading a cell as the operations would -------------------------------------------------

def _as_date(value: Any) -> date | None:
    return pilot_fields.parse_date(value)


def _as_number(value: Any) -> Decimal | None:
    number, _problem = pilot_fields.read_number(value)
    return number


def _as_amount(value: Any) -> Decimal | None:
    try:
        return pilot_fields.read_amount(value)
    except Exception:  # an unreadable amount differs from every stored one
        return None


def _as_text(value: Any) -> str:
    return str(value or "").strip()


def _as_status(value: Any) -> str:
    text = _as_text(value)
    for status in MilestoneStatus:
        if text.casefold() in (status.value, str(status.label).casefold()):
            return status.value
    return text


def _as_id(value: Any) -> int | str | None:
    """An id cell: None when empty, the number, or "bad"."""
    if value in (None, ""):
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**31:
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 10 else "bad"


_MILESTONE_READ: dict[str, Callable[[Any], Any]] = {
    "title": _as_text, "due_date": _as_date, "weight": _as_number, "status": _as_status,
    "completed_on": _as_date, "evidence_text": _as_text}
_MEASUREMENT_READ: dict[str, Callable[[Any], Any]] = {
    "measured_on": _as_date, "value": _as_number, "note": _as_text}
_EXPENSE_READ: dict[str, Callable[[Any], Any]] = {
    "spent_on": _as_date, "amount_eur": _as_amount, "description": _as_text}


def _stored(obj: Any, name: str) -> Any:
    value = getattr(obj, name)
    return getattr(value, "value", value)


def _differences(obj: Any, cells: dict[str, Any], readers: dict[str, Callable]
                 ) -> dict[str, tuple[Any, Any]]:
    """The fields whose cell says something other than what is stored: {field: (old, new)}.
    An empty completion date means "as it is" (the operation fills in today)."""
    changes = {}
    for name, read in readers.items():
        if name not in cells:
            continue
        if name == "completed_on" and cells[name] in (None, ""):
            continue
        old = _stored(obj, name)
        new = read(cells[name])
        if new is None and cells[name] not in (None, ""):
            new = cells[name]  # unreadable: a change the operation will refuse
        if isinstance(old, Decimal) and isinstance(new, Decimal) and old == new:
            continue
        if old != new:
            changes[name] = (old, new if new is not None else "")
    return changes


# --- one import -------------------------------------------------------------------------------

class _Run:
    """One pass over the rows, as one user, from one file."""

    def __init__(self, parsed: Parsed, *, actor: Any, now: datetime, source: str,
                 pilot: Pilot | None = None):
        self.parsed, self.actor, self.now, self.source = parsed, actor, now, source
        self.only = pilot
        self._content: dict[tuple[str, int], dict[tuple, Any]] = {}
        self._written: list[AuditEntry] = []
        self.pending: list[_Pending] = []
        self._unresolved: list[tuple[Outcome, _Pending]] = []
        self._may_edit: dict[int, bool] = {}
        self.preview = Preview(problems=list(parsed.problems))
        self._load()

    def _ids(self, sheet: str, column: str) -> set[int]:
        found = {_as_id(cells.get(column)) for _n, cells in self.parsed.sheets.get(sheet, [])}
        return {i for i in found if isinstance(i, int)}

    def _load(self) -> None:
        """Every object the rows name, with its pilot, in a few queries."""
        def by_id(model, ids, *options):
            if not ids:
                return {}
            return {o.id: o for o in db.session.scalars(
                select(model).where(model.id.in_(sorted(ids))).options(*options)).unique()}

        self.milestones = by_id(Milestone, self._ids("milestones", "id"),
                                joinedload(Milestone.pilot))
        self.measurements = by_id(Measurement, self._ids("measurements", "id"),
                                  joinedload(Measurement.indicator).joinedload(Indicator.pilot))
        self.expenses = by_id(Expense, self._ids("expenses", "id"), joinedload(Expense.pilot))
        self.indicators = by_id(Indicator, self._ids("measurements", "indicator_id"),
                                joinedload(Indicator.pilot))
        self.pilots = by_id(Pilot, self._ids("expenses", "pilot_id"))

    def _index(self, sheet: str, owner: Any) -> dict[tuple, Any]:
        index = self._content.get((sheet, owner.id))
        if index is None:
            objects = owner.measurements if sheet == "measurements" else owner.expenses
            index = self._content[(sheet, owner.id)] = {
                self.content_key(sheet, {n: _stored(o, n) for n in self.readers(sheet)}): o
                for o in objects}
        return index

    def stored_as(self, sheet: str, owner: Any, data: dict[str, Any]) -> Any:
        """The measurement (of indicator `owner`) or expense (of pilot `owner`) holding
        exactly these values, stored or to be written by an earlier row: such a row is
        already imported."""
        return self._index(sheet, owner).get(self.content_key(sheet, data))

    @staticmethod
    def readers(sheet: str) -> dict[str, Callable[[Any], Any]]:
        return _MEASUREMENT_READ if sheet == "measurements" else _EXPENSE_READ

    def content_key(self, sheet: str, data: dict[str, Any]) -> tuple:
        values = []
        for name, read in self.readers(sheet).items():
            value = data.get(name)
            read_value = value if isinstance(value, date | Decimal) and name != "note" \
                else read(value)
            if isinstance(read_value, Decimal):
                read_value = read_value.normalize()
            values.append(read_value if read_value is not None else ("raw", str(value)))
        return tuple(values)

    def remember(self, sheet: str, owner: Any, pending: _Pending, values: dict) -> None:
        self._index(sheet, owner)[self.content_key(sheet, values)] = pending

    def problem(self, sheet: str, row: int, column: str, message: Any) -> None:
        self.preview.problems.append(Cell(sheet, row, column, message))

    def outcome(self, sheet: str, row: int, action: str, obj: Any = None, pilot: Any = None,
                changes: dict | None = None) -> None:
        outcome = Outcome(sheet, row, action, getattr(obj, "id", None),
                          getattr(pilot, "id", None), changes or {})
        if isinstance(obj, _Pending):
            self._unresolved.append((outcome, obj))  # its id is known once written
        self.preview.outcomes.append(outcome)

    def may_edit(self, pilot: Pilot | None) -> bool:
        """The forms' own rule, asked once per pilot; a batch for one pilot reaches no
        other."""
        if pilot is None:
            return False
        if self.only is not None and pilot.id != self.only.id:
            return False
        if pilot.id not in self._may_edit:
            self._may_edit[pilot.id] = pilot.can_edit(self.actor)
        return self._may_edit[pilot.id]

    def call(self, sheet: str, row: int, operation: Callable[[], Any]) -> Any:
        """Run one row's operation (or its check); a refusal becomes problems in the row's
        cells and the other rows go on. No savepoint per row: the pilot operations check
        every field before they write, so a refused row has written nothing."""
        self._written.clear()
        try:
            result = operation()
        except DomainError as error:
            if error.errors:
                for name, messages in error.errors.items():
                    for message in messages:
                        self.problem(sheet, row, _FIELD_COLUMN.get(name, name), message)
            else:
                column = "status" if sheet == "milestones" else "id"
                self.problem(sheet, row, column, error.detail or _NOT_YOURS)
            return None
        self.mark_source(sheet, row)
        return result

    def mark_source(self, sheet: str, row: int) -> None:
        """The audit entries the row's operations just wrote say that the change was
        imported, and from which file and row."""
        for entry in self._written:
            entry.after = {**(entry.after or {}), "imported_from": self.source,
                           "sheet": sheet, "row": row}

    def _collect(self, _session: Any, instance: Any) -> None:
        if isinstance(instance, AuditEntry):
            self._written.append(instance)


    # --- the sheets ---------------------------------------------------------------------

    def run(self, *, write: bool) -> Preview:
        """Go through the rows; with `write`, store the checked measurements and expenses
        (a preview need not: their checks have already said all a write would)."""
        session = db.session()
        event.listen(session, "transient_to_pending", self._collect)
        try:
            self._rows()
        finally:
            event.remove(session, "transient_to_pending", self._collect)
        if write and not self.preview.problems:
            self.write()
        return self.preview

    def _rows(self) -> Preview:
        for number, cells in self.parsed.sheets.get("milestones", []):
            self.milestone(number, cells)
        for number, cells in self.parsed.sheets.get("measurements", []):
            self.measurement(number, cells)
        for number, cells in self.parsed.sheets.get("expenses", []):
            self.expense(number, cells)
        return self.preview

    def milestone(self, row: int, cells: dict[str, Any]) -> None:
        sheet = "milestones"
        ident = _as_id(cells.get("id"))
        if ident is None:
            self.problem(sheet, row, "id", _l("Add a new milestone on the pilot's page; the "
                                              "workbook changes the milestones it lists."))
            return
        milestone = self.milestones.get(ident) if isinstance(ident, int) else None
        if milestone is None or not self.may_edit(milestone.pilot):
            self.problem(sheet, row, "id", _NOT_YOURS)
            return
        changes = _differences(milestone, cells, _MILESTONE_READ)
        if not changes:
            self.outcome(sheet, row, UNCHANGED, milestone, milestone.pilot)
            return
        if _as_text(cells.get("version")) != sheets.milestone_version(milestone):
            self.outcome(sheet, row, CONFLICT, milestone, milestone.pilot, changes)
            return
        data = {name: cells[name] for name in changes}
        if self.call(sheet, row, lambda: plan_ops.update_milestone(
                milestone, data, actor=self.actor, now=self.now)) is not None:
            self.outcome(sheet, row, CHANGE, milestone, milestone.pilot, changes)

    def measurement(self, row: int, cells: dict[str, Any]) -> None:
        sheet = "measurements"
        ident = _as_id(cells.get("id"))
        if ident == "bad":
            self.problem(sheet, row, "id", _NOT_YOURS)
            return
        stored = self.measurements.get(ident) if ident else None
        indicator = stored.indicator if stored else self.indicators.get(
            _as_id(cells.get("indicator_id")))
        if indicator is None or not self.may_edit(indicator.pilot):
            self.problem(sheet, row, "indicator_id" if ident is None else "id", _NOT_YOURS)
            return
        data = {name: cells.get(name, "") for name in _MEASUREMENT_READ}
        self._new_or_replaced(sheet, row, cells, stored, indicator, indicator.pilot, data,
                              sheets.measurement_version, plan_ops.check_measurement)

    def expense(self, row: int, cells: dict[str, Any]) -> None:
        sheet = "expenses"
        ident = _as_id(cells.get("id"))
        if ident == "bad":
            self.problem(sheet, row, "id", _NOT_YOURS)
            return
        stored = self.expenses.get(ident) if ident else None
        pilot = stored.pilot if stored else self.pilots.get(_as_id(cells.get("pilot_id")))
        if pilot is None or not self.may_edit(pilot):
            self.problem(sheet, row, "pilot_id" if ident is None else "id", _NOT_YOURS)
            return
        data = {name: cells.get(name, "") for name in _EXPENSE_READ}
        self._new_or_replaced(sheet, row, cells, stored, pilot, pilot, data,
                              sheets.expense_version, funding_ops.check_expense)

    def _new_or_replaced(self, sheet: str, row: int, cells: dict[str, Any], stored: Any,
                         owner: Any, pilot: Pilot, data: dict[str, Any],
                         version: Callable[[Any], str], check: Callable[..., dict]) -> None:
        """A measurement (owner: its indicator) or expense (owner: its pilot) row: left
        alone when stored as it is, a conflict when its version is stale, else checked now
        and written with the sheet's other rows (`write`)."""
        readers = self.readers(sheet)
        ident = stored.id if stored else _as_id(cells.get("id"))
        same = (stored if stored and not _differences(stored, data, readers)
                else None if stored else self.stored_as(sheet, owner, data))
        if same is not None:
            self.outcome(sheet, row, UNCHANGED, same, pilot)
            return
        if ident is not None and (stored is None or _as_text(cells.get("version"))
                                  != version(stored)):
            self.outcome(sheet, row, CONFLICT, stored, pilot,
                         _differences(stored, data, readers) if stored else {})
            return
        changes = (_differences(stored, data, readers) if stored else
                   {k: (None, readers[k](v)) for k, v in data.items()})
        values = self.call(sheet, row, lambda: check(owner, data, actor=self.actor,
                                                     now=self.now))
        if values is None:
            return
        pending = _Pending(sheet, row, owner, values, stored)
        self.pending.append(pending)
        self.remember(sheet, owner, pending, values)
        self.outcome(sheet, row, CHANGE if stored else CREATE, pending, pilot, changes)

    def write(self) -> None:
        """Write the checked rows, a sheet at a time: the new objects in one flush, then
        the replaced ones removed in another (each audited, with the file and row)."""
        for sheet, record, delete in (
                ("measurements", plan_ops.record_measurements, plan_ops.delete_measurements),
                ("expenses", funding_ops.record_expenses, funding_ops.delete_expenses)):
            rows = [p for p in self.pending if p.sheet == sheet]
            if not rows:
                continue
            created = record([(p.owner, p.values, p.stored.document if p.stored else None)
                              for p in rows], actor=self.actor, now=self.now,
                             notes=[self.source_note(p) for p in rows])
            for pending, obj in zip(rows, created, strict=True):
                pending.created = obj
            replaced = [p for p in rows if p.stored is not None]
            if replaced:
                delete([p.stored for p in replaced], actor=self.actor, now=self.now,
                       notes=[self.source_note(p) for p in replaced])
        for outcome, pending in self._unresolved:
            outcome.object_id = getattr(pending.created, "id", None)

    def source_note(self, pending: _Pending) -> dict[str, Any]:
        return {"imported_from": self.source, "sheet": pending.sheet, "row": pending.row}


@dataclass
class _Pending:
    """A checked row waiting for its sheet's write."""

    sheet: str
    row: int
    owner: Any
    values: dict[str, Any]
    stored: Any
    created: Any = None


def preview_import(parsed: Parsed, *, actor: Any, source: str, now: datetime | None = None,
                   pilot: Pilot | None = None) -> Preview:
    """What importing would do, row by row; nothing stays written. With `pilot`, rows of
    any other pilot are refused."""
    savepoint = db.session.begin_nested()
    try:
        return _Run(parsed, actor=actor, now=now or now_utc(), source=source,
                    pilot=pilot).run(write=False)
    finally:
        savepoint.rollback()
        db.session.expire_all()


def apply_import(parsed: Parsed, *, actor: Any, source: str, now: datetime | None = None,
                 pilot: Pilot | None = None) -> Preview:
    """Import every row, or nothing: any problem raises Invalid, its errors keyed
    "sheet.row.column" (the caller's savepoint or request then undoes the rows already
    written). Conflicts are left alone."""
    # One savepoint around all rows: a problem in the last row undoes the first, whatever
    # transaction the caller has (or has not yet) begun.
    with db.session.begin_nested():
        preview = _Run(parsed, actor=actor, now=now or now_utc(), source=source,
                       pilot=pilot).run(write=True)
        if preview.problems:
            errors: dict[str, list[str]] = {}
            for p in preview.problems:
                errors.setdefault(f"{p.sheet}.{p.row}.{p.column}", []).append(str(p.message))
            raise Invalid(_l("The rows have problems; nothing was imported."), errors=errors)
    return preview


# --- bulk actions in the portfolio ---------------------------------------------------------

def remind_teams(pilots: Iterable[Pilot], *, actor: Any, now: datetime | None = None) -> int:
    """E-mail the members of each pilot's team that has overdue milestones; a team already
    reminded today (by hand or by the hourly job) is not reminded again. Returns the number
    of messages."""
    now = now or now_utc()
    today = today_riga(now)
    pilots = list(pilots)
    kinds = [team_reminder_kind(p.id, today) for p in pilots]
    sent = set(db.session.execute(select(OutboxMessage.kind, OutboxMessage.recipient)
                                  .where(OutboxMessage.kind.in_(kinds))).tuples())
    count = 0
    for pilot in pilots:
        if not pilot.can_manage(actor):
            raise NotAllowed(_l("You may not remind the team of this pilot."))
        overdue = [m for m in pilot.milestones if m.is_overdue(today)]
        if not overdue or pilot.has_ended:
            continue
        kind = team_reminder_kind(pilot.id, today)
        url = url_for("pilots.pilot", pilot_id=pilot.id, _external=True)
        for member in pilot.team.members:
            user = member.user
            if not user.is_active or (kind, user.email) in sent:
                continue
            queue_mail(
                user.email, "pilot_reminder", locale=user.locale, kind=kind, user=user,
                pilot=pilot, overdue=overdue, today=today, report_reason=None,
                reason_text=reason_text, url=url,
                record_url=url_for("pilots.record", pilot_id=pilot.id, _external=True))
            count += 1
        record_audit("pilot.remind", actor=actor, object_type="pilot", object_id=pilot.id,
                     after={"overdue_milestones": [m.id for m in overdue]}, now=now)
    db.session.flush()
    return count
