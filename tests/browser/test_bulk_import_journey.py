"""Journey: the coordinator edits her portfolio as a spreadsheet.

She downloads the portfolio's workbook, changes three measurements (two corrected, one
new) and one milestone's status in it, imports it, reads the preview (what is created
and changed, field by field), confirms, and the pilot's page and the portfolio then show
the new values and the progress they make. Built on the `pilot_running` scenario (a
Kurzeme pilot with two milestones and two measurements), everything in Latvian.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import require_browser

require_browser()

from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_results_pilot_journey import sign_in  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def running(live_server):
    return live_server.scenario("pilot_running")


def _columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def test_coordinator_edits_the_portfolio_workbook_and_imports_it(running, journey, tmp_path):
    page = journey.page
    pilot = running["pilot"]
    sign_in(journey, running["coordinator"])
    journey.goto("/pilots/portfolio")
    with page.expect_download() as download:
        journey.main().get_by_role("link", name="Lejupielādēt darbgrāmatu labošanai (XLSX)"
                                   ).click()
    # Saved under its own name: openpyxl goes by the .xlsx extension.
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved)

    # Three measurements: the two recorded ones corrected, a third one added.
    ws = book["Mērījumi"]
    cols = _columns(ws)
    rows = [r for r in range(3, ws.max_row + 1)
            if ws.cell(r, cols["Pilotprojekta ID"]).value == pilot["id"]]
    assert len(rows) == 2
    ws.cell(rows[0], cols["Vērtība"], 57)
    ws.cell(rows[1], cols["Vērtība"], 74)
    indicator_id = ws.cell(rows[0], cols["Rādītāja ID"]).value
    new = ws.max_row + 1
    ws.cell(new, cols["Rādītāja ID"], indicator_id)
    ws.cell(new, cols["Mērījuma datums"],
            datetime.now(ZoneInfo("Europe/Riga")).date() - timedelta(days=1))
    ws.cell(new, cols["Vērtība"], 81)
    ws.cell(new, cols["Avots vai piezīme"], "Nodarbību žurnāls")

    # One milestone: the route is done.
    ms = book["Starpposma mērķi"]
    cols = _columns(ms)
    route = next(r for r in range(3, ms.max_row + 1)
                 if ms.cell(r, cols["Nosaukums"]).value == "Maršruts pa 12 pagastiem")
    ms.cell(route, cols["Statuss"], "done")
    ms.cell(route, cols["Apliecinājums"], "Maršruta saraksts apstiprināts")
    edited = tmp_path / "portfelis.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    edited.write_bytes(buffer.getvalue())

    # The preview: what is created and changed; nothing applied yet.
    journey.click(journey.main().get_by_role("link", name="Importēt darbgrāmatu"))
    journey.heading("Importēt darbgrāmatu")
    page.get_by_label("Darbgrāmata (.xlsx vai .csv)").set_input_files(str(edited))
    journey.click(journey.main().get_by_role("button", name="Parādīt, kas mainītos"))
    journey.sees("1 rinda tiks izveidota")
    journey.sees("3 rindas tiks mainītas")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Maršruta saraksts apstiprināts")
    expect(preview).to_contain_text("74")
    journey.audit()

    # Confirmed: the pilot's page shows the new values and the milestone done.
    journey.click(journey.main().get_by_role("button", name="Apstiprināt importu"))
    journey.flash("Importēts no portfelis.xlsx")
    assert page.url.endswith(f"/pilots/{pilot['id']}")
    main = journey.main()
    for value in ("57", "74", "81"):
        expect(main).to_contain_text(value)
    expect(main).to_contain_text("Maršruta saraksts apstiprināts")

    # The portfolio: the pilot's progress is now complete (both milestones done).
    journey.goto("/pilots/portfolio")
    row = journey.main().locator("tr", has_text=pilot["title"])
    expect(row).to_contain_text("100")
