"""The batch endpoint: a municipal system sends many measurements and expenses of one pilot,
sees the preview with dry_run, and gets all or nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Measurement
from tests.factories_pilots import add_expense, pilot_world


@pytest.fixture
def world(db):
    world = pilot_world()
    world.expense = add_expense(world.pilot, "80.00", description="Kafija")
    return world


def _day(offset: int) -> str:
    return (today_riga() + timedelta(days=offset)).isoformat()


def _body(world, dry_run: bool) -> dict:
    indicator = world.pilot.indicators[0]
    return {"dry_run": dry_run,
            "measurements": [{"indicator_id": indicator.id, "measured_on": _day(-3),
                              "value": "100.5", "note": "Sistēma"},
                             {"indicator_id": indicator.id, "measured_on": _day(-1),
                              "value": 90}],
            "expenses": [{"spent_on": _day(-2), "amount_eur": "15.20",
                          "description": "Pasts"}]}


def test_dry_run_previews_and_then_the_batch_applies_once(client, world, token_for):
    headers = token_for(world.member)
    url = f"/api/v1/pilots/{world.pilot.id}/batch"
    preview = client.post(url, json=_body(world, True), headers=headers)
    assert preview.status_code == 200
    assert preview.json["counts"] == {"create": 3, "change": 0, "unchanged": 0, "conflict": 0}
    assert preview.json["rows"][0]["changes"]["value"] == {"before": None, "after": "100.5"}
    assert db.session.query(Measurement).count() == 0

    applied = client.post(url, json=_body(world, False), headers=headers)
    assert applied.status_code == 200 and applied.json["applied"] is True
    again = client.post(url, json=_body(world, False), headers=headers)
    assert again.json["counts"] == {"create": 0, "change": 0, "unchanged": 3, "conflict": 0}
    db.session.expire_all()
    pilot = db.session.get(Pilot, world.pilot.id)
    assert sorted(m.value for m in pilot.indicators[0].measurements) == [90, Decimal("100.5")]
    assert pilot.spent_eur == Decimal("95.20")


def test_a_bad_row_refuses_the_whole_batch_with_its_place(client, world, token_for):
    headers = token_for(world.member)
    body = _body(world, False)
    body["expenses"].append({"spent_on": _day(+5), "amount_eur": "-1", "description": "X"})
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/batch", json=body,
                           headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"expenses.2.amount_eur", "expenses.2.spent_on"}
    assert db.session.query(Measurement).count() == 0
    assert db.session.query(Expense).count() == 1


def test_a_stale_version_is_a_conflict_not_an_overwrite(client, world, token_for):
    headers = token_for(world.member)
    body = {"expenses": [{"id": world.expense.id, "version": "000000000000",
                          "spent_on": _day(0), "amount_eur": "99.00", "description": "Kafija"}]}
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/batch", json=body,
                           headers=headers)
    assert response.status_code == 200
    assert response.json["counts"]["conflict"] == 1
    db.session.expire_all()
    assert db.session.get(Expense, world.expense.id).amount_eur == Decimal("80.00")


def test_an_outsider_is_refused_and_another_pilots_rows_are_not_reached(client, world,
                                                                        token_for):
    outsider = token_for(world.outsider)
    url = f"/api/v1/pilots/{world.pilot.id}/batch"
    assert client.post(url, json=_body(world, True), headers=outsider).status_code == 403
    other = pilot_world()
    headers = token_for(other.coordinator)
    body = {"dry_run": True, "measurements": [{"indicator_id": world.pilot.indicators[0].id,
                                               "measured_on": _day(-1), "value": 1}]}
    response = client.post(f"/api/v1/pilots/{other.pilot.id}/batch", json=body,
                           headers=headers)
    assert response.json["problems"][0]["column"] == "indicator_id"


def test_the_batch_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/pilots/{pilot_id}/batch"]["post"]
    assert "dry_run" in str(spec["components"]["schemas"])
    assert "200" in operation["responses"]


def test_a_batch_reads_the_same_few_rows_whether_it_has_6_or_60(client, world, token_for,
                                                               count_queries):
    """No query per row: the objects, permissions and stored rows are read once per sheet or
    pilot; only the INSERTs of the new rows (and their audit entries) grow with the batch."""
    headers = token_for(world.member)
    indicator = world.pilot.indicators[0]
    url = f"/api/v1/pilots/{world.pilot.id}/batch"
    reads = []
    for size, start in ((3, 0), (30, 1000)):
        body = {"measurements": [{"indicator_id": indicator.id, "measured_on": _day(-1 - n % 9),
                                  "value": start + n} for n in range(size)],
                "expenses": [{"spent_on": _day(-1 - n % 9), "amount_eur": f"{start + n + 1}.00",
                              "description": f"Rēķins {start + n}"} for n in range(size)]}
        with count_queries() as counter:
            response = client.post(url, json=body, headers=headers)
        assert response.status_code == 200, response.json
        assert response.json["counts"]["create"] == 2 * size
        assert all(row["object_id"] for row in response.json["rows"])
        reads.append(sum(1 for s in counter.statements
                         if not s.lstrip().upper().startswith("INSERT")))
    assert reads[1] <= reads[0], reads  # the first batch also reads what later ones find kept
    db.session.expire_all()
    assert db.session.query(Measurement).count() == 33
    assert db.session.query(Expense).count() == 34
