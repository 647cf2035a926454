"""Computed, never typed: progress, health and money through the models, the bulk loader
and the API agree, to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date, ngettext

from app.core.clock import today_riga
from app.pilots import plain, queries
from app.pilots.models import Pilot
from tests.factories_pilots import add_expense, add_milestone, add_report, make_pilot


@pytest.mark.parametrize("amounts, spent, remaining", [
    ([], "0.00", "10000.00"),
    (["0.10", "0.20"], "0.30", "9999.70"),  # a float would say 0.30000000000000004
    (["3333.33", "3333.33", "3333.33"], "9999.99", "0.01"),
    (["9999.99", "0.02"], "10000.01", "-0.01"),
    (["1234.56"] * 7, "8641.92", "1358.08"),
])
def test_spent_and_remaining_are_exact_to_the_cent(db, client, amounts, spent, remaining):
    pilot = make_pilot(budget="10000.00")
    for amount in amounts:
        add_expense(pilot, amount)
    db.session.expire_all()
    pilot = db.session.get(Pilot, pilot.id)
    assert pilot.spent_eur == Decimal(spent)
    assert pilot.remaining_eur == Decimal(remaining)
    assert str(pilot.spent_eur) == spent
    figures = queries.load_figures(Pilot.id == pilot.id)
    assert figures.get(pilot.id, queries.Figures()).spent == Decimal(spent)
    body = client.get(f"/api/v1/pilots/{pilot.id}").json
    assert body["spent_eur"] == spent
    assert body["remaining_eur"] == remaining


def test_progress_is_the_weighted_share_of_milestones_done(db, client):
    pilot = make_pilot()
    today = today_riga()
    add_milestone(pilot, weight="1", status="done", due=today - timedelta(days=5),
                  completed_on=today - timedelta(days=5))
    add_milestone(pilot, weight="2", status="in_progress", due=today + timedelta(days=20))
    add_milestone(pilot, weight="3", status="missed", due=today - timedelta(days=3))
    db.session.expire_all()
    pilot = db.session.get(Pilot, pilot.id)
    assert pilot.progress == 16  # 1 of 6, rounded down
    assert client.get(f"/api/v1/pilots/{pilot.id}").json["progress"] == 16


def test_health_with_its_reasons_from_the_rows(db, client):
    today = today_riga()
    pilot = make_pilot(budget="1000.00", start=today - timedelta(days=100),
                       end=today + timedelta(days=100))
    add_milestone(pilot, title="Iepirkums", due=today - timedelta(days=20))
    add_milestone(pilot, title="Apmācība", due=today - timedelta(days=3),
                  status="in_progress")
    add_expense(pilot, "1000.01")
    add_report(pilot, on=today - timedelta(days=50))
    db.session.expire_all()
    pilot = db.session.get(Pilot, pilot.id)
    health = pilot.health(today)
    assert health.level == "red"
    assert [r.code for r in health.reasons] == [
        "milestone_overdue_14", "over_budget", "milestone_overdue", "spending_ahead_of_time",
        "no_report_45"]
    body = client.get(f"/api/v1/pilots/{pilot.id}").json
    assert body["health"] == "red"
    texts = [r["text"] for r in body["health_reasons"]]
    with force_locale("lv"):  # an API call without Accept-Language answers in Latvian
        overdue = ngettext('Milestone "%(title)s" is %(num)d day overdue (due %(due)s).',
                           'Milestone "%(title)s" is %(num)d days overdue (due %(due)s).',
                           20, title="Iepirkums", due=format_date(today - timedelta(days=20)))
    assert texts[0] == overdue
    assert body["health_reasons"][1]["params"]["over_by"] == "0.01"


def test_a_planned_pilot_without_problems_is_green(db):
    pilot = make_pilot(status="planned")
    assert pilot.health().level == "green"
    assert pilot.health().reasons == []


def test_the_bulk_loader_and_the_model_agree(db):
    today = today_riga()
    pilots = []
    for i in range(4):
        pilot = make_pilot(budget="500.00")
        add_expense(pilot, "120.15")
        add_expense(pilot, f"{i}.05")
        add_milestone(pilot, due=today - timedelta(days=i * 8), status="planned")
        add_report(pilot, on=today - timedelta(days=i * 30))
        pilots.append(pilot)
    db.session.expire_all()
    rows = plain.load_scope(pilots[0].coordinator, today)
    by_id = {row.pilot.id: row for row in rows}
    for pilot in pilots:
        pilot = db.session.get(Pilot, pilot.id)
        row = by_id[pilot.id]
        assert row.spent == pilot.spent_eur
        assert row.last_report_on == pilot.last_report_on
        assert row.progress == pilot.progress
        assert row.health == pilot.health(today)


def test_money_columns_hold_exact_decimals(db):
    pilot = make_pilot(budget="9999999999.99")
    add_expense(pilot, "0.01")
    db.session.expire_all()
    pilot = db.session.get(Pilot, pilot.id)
    assert pilot.approved_budget_eur == Decimal("9999999999.99")
    assert pilot.remaining_eur == Decimal("9999999999.98")
    assert isinstance(pilot.expenses[0].amount_eur, Decimal)
