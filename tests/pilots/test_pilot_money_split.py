"""Pilot money as the programme counts it: charged to the organising region's envelope,
programme money excl. VAT against the envelope and VAT against its own line, the split shown
on the portfolio, the public page, the CSV and the API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import now_utc
from app.extensions import db
from app.pilots.funding import add_funding_line
from app.places.models import Region
from tests.conftest import login
from tests.factories_hackathons import make_hackathon
from tests.factories_pilots import make_coord, make_pilot, make_winner


def _fund(pilot, actor):
    add_funding_line(pilot, {"kind": "programme", "amount_eur": "20000.00",
                             "vat_eur": "4200.00"}, actor=actor)
    add_funding_line(pilot, {"kind": "municipal", "amount_eur": "5000.00"}, actor=actor)
    db.session.commit()


@pytest.fixture
def envelopes(db):
    for region in db.session.scalars(db.select(Region)):
        region.envelope_eur = Decimal("366722.00")
        region.vat_envelope_eur = Decimal("77012.00")
    db.session.commit()


def test_money_lands_in_the_organising_regions_envelope_excl_vat(client, envelopes):
    # A Zemgale hackathon's winner led by a Latgale municipality is Zemgale's to pay.
    pilot = make_pilot(region="zemgale", municipality="Rēzekne", budget="29200.00")
    assert pilot.region_code == "zemgale"
    national = make_coord(None)
    _fund(pilot, national)
    login(client, national)
    text = client.get("/pilots/portfolio").get_data(as_text=True)
    money = text[text.index('id="money-h"'):]
    zemgale = money[money.index("Zemgale"):]
    zemgale = zemgale[:zemgale.index("</tr>")]
    assert "€20,000.00" in zemgale  # programme money excl. VAT
    assert "€346,722.00" in zemgale  # 366 722 − 20 000: VAT and co-financing not counted
    assert "€4,200.00" in zemgale and "€72,812.00" in zemgale  # VAT on its own line
    latgale = money[money.index("Latgale"):]
    latgale = latgale[:latgale.index("</tr>")]
    assert "€366,722.00" in latgale and "€20,000.00" not in latgale


def test_a_national_hackathons_pilot_is_charged_to_the_lead_region_and_says_so(client, db):
    now = now_utc()
    hackathon = make_hackathon(region=None, phase="results", opens_at=now - timedelta(days=60),
                               closes_at=now - timedelta(days=30),
                               judging_closes_at=now - timedelta(days=10))
    pilot = make_pilot(make_winner(hackathon=hackathon, municipality="Rēzekne"))
    assert pilot.region_code == "latgale"
    login(client, make_coord("kurzeme"))  # an English reader, not one of its managers
    text = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "a national hackathon: the lead municipality’s region" in text


def test_the_public_page_csv_and_api_show_the_split(client, db):
    pilot = make_pilot(region="zemgale", budget="29200.00")
    coordinator = make_coord("zemgale")
    _fund(pilot, coordinator)
    login(client, make_coord("kurzeme"))  # an English reader, not one of its managers
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    split = page[page.index("money-split"):]
    assert "Programme funds (RRF) excl. VAT" in split and "€20,000.00" in split
    assert "Programme VAT" in split and "€4,200.00" in split
    assert "Municipal co-financing" in split and "€5,000.00" in split
    client.post("/logout")
    body = client.get(f"/api/v1/pilots/{pilot.id}").json
    assert body["funding_split"] == {
        "programme": {"amount_eur": "20000.00", "vat_eur": "4200.00"},
        "municipal": {"amount_eur": "5000.00", "vat_eur": "0.00"},
        "other": {"amount_eur": "0.00", "vat_eur": "0.00"}}
    assert body["charged_region"] == "zemgale"
    assert {f["kind"]: f["vat_eur"] for f in body["funding"]} == {
        "programme": "4200.00", "municipal": "0.00"}
    login(client, coordinator)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/pilots/portfolio.csv").get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r["id"] == str(pilot.id))
    assert row["programme_eur"] == "20000.00" and row["programme_vat_eur"] == "4200.00"
    assert row["municipal_eur"] == "5000.00" and row["other_eur"] == "0.00"
    assert row["charged_region"] == "zemgale"
