"""Each expense is public on the pilot page and in the API: date, amount, description and
category. Invoices stay with the team and its coordinators unless marked public."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models_money import Expense
from tests.conftest import login
from tests.factories_pilots import pilot_world

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def world(db):
    world = pilot_world()
    return world


def _record(client, world, description, *, public):
    login(client, world.member)
    data = {"e-amount_eur": "1 250,40", "e-spent_on": (today_riga() - timedelta(days=3))
            .isoformat(), "e-description": description, "e-category": "goods",
            "e-document": (io.BytesIO(PDF), f"{description}.pdf")}
    if public:
        data["e-document_public"] = "y"
    response = client.post(f"/pilots/{world.pilot.id}/expenses", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    client.post("/logout")


def test_every_expense_is_public_but_not_its_invoice(app, client, world):
    _record(client, world, "Skaitītāji", public=False)
    client = app.test_client()  # the public, reading the Latvian page
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    expenses = page[page.index('id="expenses"'):]
    assert "Skaitītāji" in expenses and "1\xa0250,40" in expenses
    assert "Preces un aprīkojums" in expenses  # the category, in Latvian
    assert "Skaitītāji.pdf" not in page
    expense = db.session.query(Expense).one()
    assert client.get(f"/pilots/{world.pilot.id}/documents/{expense.document_id}"
                      ).status_code == 404
    body = client.get(f"/api/v1/pilots/{world.pilot.id}").json
    assert body["public_expenses"] == [{
        "id": expense.id, "pilot_id": world.pilot.id, "amount_eur": "1250.40",
        "spent_on": expense.spent_on.isoformat(), "description": "Skaitītāji",
        "category": "goods", "has_public_document": False}]
    assert "expenses" not in body  # who recorded what stays internal


def test_an_invoice_marked_public_can_be_downloaded_by_anyone(client, world):
    _record(client, world, "Publisks rēķins", public=True)
    expense = db.session.query(Expense).one()
    assert expense.document_public
    page = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    assert re.search(r"Publisks rēķins\.pdf", page)
    download = client.get(f"/pilots/{world.pilot.id}/documents/{expense.document_id}")
    assert download.status_code == 200 and download.data == PDF
