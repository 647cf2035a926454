"""A pilot's workbook goes out, is edited as a spreadsheet, and comes back: the preview
says what will change, confirming applies it all or nothing, and nothing is overwritten
that someone changed meanwhile."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app.core.audit import AuditEntry
from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Measurement, Milestone
from app.pilots.states import MilestoneStatus
from tests.conftest import login
from tests.factories_pilots import add_expense, add_milestone, pilot_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(db):
    world = pilot_world()
    world.milestone = add_milestone(world.pilot, title="Pieņemt darbinieku",
                                    due=today_riga() - timedelta(days=5))
    world.expense = add_expense(world.pilot, "120.50", description="Kancelejas preces")
    return world


def _day(offset: int = 0):
    return today_riga() + timedelta(days=offset)


def _download(client, pilot_id: int):
    response = client.get(f"/pilots/{pilot_id}/workbook.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data))


def _columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, data: bytes, name: str = "darbs.xlsx"):
    return client.post("/pilots/import", data={"workbook": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(page: str) -> str:
    return re.search(r'action="(?:/en)?/pilots/import/([0-9a-f]{64})"', page).group(1)


def _edit(book, world):
    """Three measurements typed in, one milestone done, one expense corrected."""
    indicator = world.pilot.indicators[0]
    ws = book["Measurements"]
    cols = _columns(ws)
    for offset, value in ((-20, 110), (-10, 95), (-1, 80)):
        row = ws.max_row + 1
        ws.cell(row, cols["Indicator ID"], indicator.id)
        ws.cell(row, cols["Measured on"], _day(offset))
        ws.cell(row, cols["Value"], value)
        ws.cell(row, cols["Source or note"], "Grāmatvedība")
    ms = book["Milestones"]
    cols = _columns(ms)
    ms.cell(3, cols["Status"], "done")
    ms.cell(3, cols["Evidence"], "Rīkojums Nr. 5")
    ex = book["Expenses"]
    cols = _columns(ex)
    ex.cell(3, cols["Amount (EUR)"], 125.5)
    return book


def test_round_trip_preview_then_confirm_changes_exactly_what_was_edited(client, world):
    login(client, world.coordinator)
    book = _edit(_download(client, world.pilot.id), world)
    data = _save(book)
    preview = _upload(client, data)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "3 rows will be created" in page and "2 rows will be changed" in page
    assert "Rīkojums Nr. 5" in page  # the field-by-field view shows the new evidence
    db.session.expire_all()
    assert db.session.get(Milestone, world.milestone.id).status == MilestoneStatus.PLANNED
    assert db.session.query(Measurement).count() == 0  # nothing applied by the preview

    confirmed = client.post(f"/pilots/import/{_token(page)}")
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].endswith(f"/pilots/{world.pilot.id}")
    db.session.expire_all()
    pilot = db.session.get(Pilot, world.pilot.id)
    assert [m.value for m in pilot.indicators[0].measurements] == [110, 95, 80]
    assert pilot.milestones[0].status == MilestoneStatus.DONE
    assert pilot.milestones[0].evidence_text == "Rīkojums Nr. 5"
    assert [e.amount_eur for e in pilot.expenses] == [Decimal("125.50")]
    imported = [e for e in db.session.query(AuditEntry).all()
                if (e.after or {}).get("imported_from") == "darbs.xlsx"]
    # three measurements added, the milestone changed, the expense replaced (add + remove)
    assert sorted(e.action for e in imported) == [
        "pilot.expense.add", "pilot.expense.delete", "pilot.measurement.add",
        "pilot.measurement.add", "pilot.measurement.add", "pilot.milestone.update"]

    # Exported again, the workbook shows the same data the edited file held.
    again = _download(client, world.pilot.id)
    values = [row[7] for row in again["Measurements"].iter_rows(min_row=3, values_only=True)]
    assert values == [110, 95, 80]

    # The same file imported a second time changes nothing.
    second = _upload(client, data).get_data(as_text=True)
    assert "0 rows will be created" in second and "0 rows will be changed" in second
    assert "There is nothing to import" in second
    assert db.session.query(Measurement).count() == 3


def test_a_row_changed_since_the_export_is_a_conflict_and_is_not_overwritten(client, world):
    login(client, world.member)
    book = _download(client, world.pilot.id)
    ms = book["Milestones"]
    ms.cell(3, _columns(ms)["Status"], "missed")
    milestone = db.session.get(Milestone, world.milestone.id)
    milestone.status = MilestoneStatus.IN_PROGRESS  # someone else, after the download
    db.session.commit()
    page = _upload(client, _save(book)).get_data(as_text=True)
    assert "1 conflict" in page
    assert 'action="/pilots/import/' not in page  # nothing to confirm
    db.session.expire_all()
    assert db.session.get(Milestone, world.milestone.id).status == MilestoneStatus.IN_PROGRESS


def test_bad_rows_are_reported_by_sheet_row_and_column_and_nothing_is_applied(client, world):
    login(client, world.member)
    book = _download(client, world.pilot.id)
    ws = book["Measurements"]
    cols = _columns(ws)
    ws.cell(3, cols["Indicator ID"], world.pilot.indicators[0].id)
    ws.cell(3, cols["Measured on"], _day(-2))
    ws.cell(3, cols["Value"], 50)
    ws.cell(4, cols["Indicator ID"], world.pilot.indicators[0].id)
    ws.cell(4, cols["Measured on"], _day(+30))
    ws.cell(4, cols["Value"], "daudz")
    response = _upload(client, _save(book))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = page.split('id="import-problems"')[1].split("</table>")[0]
    assert re.search(r"<td>Measurements</td><td>4</td><td>Measured on</td>", problems)
    assert re.search(r"<td>Measurements</td><td>4</td><td>Value</td>", problems)
    assert 'action="/pilots/import/' not in page
    assert db.session.query(Measurement).count() == 0


def test_a_team_cannot_import_into_another_teams_pilot(client, world):
    other = pilot_world()
    login(client, other.coordinator)
    book = _download(client, other.pilot.id)
    login(client, world.member)
    ws = book["Expenses"]
    ws.cell(3, _columns(ws)["Amount (EUR)"], 1)
    response = _upload(client, _save(book))
    assert response.status_code == 422
    assert "belongs to a pilot you may not change" in response.get_data(as_text=True)
    assert client.get(f"/pilots/{other.pilot.id}/workbook.xlsx").status_code == 404


def test_the_pilot_is_hidden_from_the_coordinator_of_another_region(client, world):
    login(client, world.other_coordinator)
    assert client.get(f"/pilots/{world.pilot.id}/workbook.xlsx").status_code == 404


def test_a_formula_cell_is_reported_and_never_imported(client, world):
    login(client, world.member)
    book = _download(client, world.pilot.id)
    ws = book["Expenses"]
    ws.cell(3, _columns(ws)["Description"], '=HYPERLINK("http://evil.example","x")')
    response = _upload(client, _save(book))
    assert response.status_code == 422
    assert "Formulas are not imported" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Expense, world.expense.id).description == "Kancelejas preces"


def test_text_that_looks_like_a_formula_is_exported_safe_and_comes_back_unchanged(client, world):
    expense = db.session.get(Expense, world.expense.id)
    expense.description = "=1+1 kafija"
    db.session.commit()
    login(client, world.member)
    book = _download(client, world.pilot.id)
    cell = book["Expenses"].cell(3, _columns(book["Expenses"])["Description"])
    assert cell.data_type == "s" and cell.value == "'=1+1 kafija"
    page = _upload(client, _save(book)).get_data(as_text=True)
    assert "There is nothing to import" in page


def test_a_huge_sheet_is_refused_as_too_large(client, world):
    login(client, world.member)
    book = Workbook()
    ws = book.active
    ws.title = "Expenses"
    ws.append(["ID", "Version", "Pilot ID", "Spent on", "Amount (EUR)", "Description"])
    for n in range(5100):
        ws.append(["", "", world.pilot.id, "2026-01-01", 1, f"rinda {n}"])
    response = _upload(client, _save(book))
    assert response.status_code == 413
    assert "more than 5000 rows" in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_as_too_large(client, world):
    login(client, world.member)
    response = _upload(client, b"ID,Version\r\n" + b"x" * (2 * 1024 * 1024), "liels.csv")
    assert response.status_code == 413
    assert "larger than 2 MB" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("darbs.xlsx", b"%PDF-1.4 not a workbook", "is not an Excel workbook"),
    ("darbs.csv", b"PK\x03\x04binary", "is not a text file"),
    ("darbs.exe", b"MZ", "as an .xlsx or a .csv file"),
])
def test_a_file_of_the_wrong_kind_is_refused(client, world, name, content, message):
    login(client, world.member)
    response = _upload(client, content, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_workbook_with_macros_is_refused(client, world):
    login(client, world.member)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    response = _upload(client, buffer.getvalue())
    assert response.status_code == 422
    assert "contains macros" in response.get_data(as_text=True)


def test_csv_round_trip_of_the_expenses_sheet(client, world):
    login(client, world.member)
    response = client.get(f"/pilots/{world.pilot.id}/workbook-expenses.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith("ID,Version,Pilot ID")
    assert lines[1].startswith("»")
    lines.append(f",,{world.pilot.id},,{_day(-1).isoformat()},40.00,Degviela")
    edited = "\r\n".join(line for line in lines if line).encode()
    page = _upload(client, edited, "izdevumi.csv").get_data(as_text=True)
    assert "1 row will be created" in page
    assert client.post(f"/pilots/import/{_token(page)}").status_code == 302
    db.session.expire_all()
    assert sorted(e.amount_eur for e in db.session.get(Pilot, world.pilot.id).expenses) == [
        Decimal("40.00"), Decimal("120.50")]


def test_another_user_cannot_confirm_someone_elses_upload(client, world):
    login(client, world.member)
    book = _edit(_download(client, world.pilot.id), world)
    token = _token(_upload(client, _save(book)).get_data(as_text=True))
    login(client, world.coordinator)
    assert client.post(f"/pilots/import/{token}").status_code == 404
