"""The final report per region: pilots with their themes and indicators, the change in the
assessment per theme; the public sees aggregates only, coordinators their regions' detail."""

from __future__ import annotations

import csv
import io

import pytest

from app.core.clock import today_riga
from app.pilots.plan import record_measurement
from app.programme.models import RoundKind
from tests.conftest import login, read_in_english
from tests.factories_pilots import pilot_world
from tests.factories_programme import answer_round, make_instrument, municipalities_of, round_of

THREE = ("Jelgava", "Jelgavas novads", "Jēkabpils novads")  # Zemgale's respondents
TWO = ("Kuldīgas novads", "Talsu novads")  # Kurzeme's: too few to publish


@pytest.fixture
def world(db, client):
    found = pilot_world()
    found.instrument = make_instrument(themes=(("Atklātība", 2),))
    found.theme = found.instrument.themes[0]
    found.pilot.assessment_theme_id = found.theme.id
    record_measurement(found.pilot.indicators[0],
                       {"value": "75", "measured_on": today_riga().isoformat()},
                       actor=found.coordinator)
    db.session.commit()
    zemgale = [m for m in municipalities_of("zemgale", 43) if m.name in THREE]
    kurzeme = [m for m in municipalities_of("kurzeme", 43) if m.name in TWO]
    assert len(zemgale) == 3 and len(kurzeme) == 2
    baseline = round_of(found.instrument, RoundKind.BASELINE)
    final = round_of(found.instrument, RoundKind.FINAL)
    answer_round(baseline, {zemgale[0]: 1, zemgale[1]: 1, zemgale[2]: 2,
                            kurzeme[0]: 1, kurzeme[1]: 1})
    answer_round(final, {zemgale[0]: 3, zemgale[1]: 2, zemgale[2]: 3,
                         kurzeme[0]: 3, kurzeme[1]: 3})
    read_in_english(client)
    return found


def _url(world, tail: str = "") -> str:
    return f"/programme/assessments/{world.instrument.id}/final-report{tail}"


def test_the_public_report_shows_pilots_themes_indicators_and_the_change(client, world):
    response = client.get(_url(world))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert world.pilot.title in page and f"/pilots/{world.pilot.id}" in page
    # The pilot's indicator: from 120 toward 30, measured 75 → half way.
    assert "Kļūdaino rēķinu skaits mēnesī</span>: 50" in page
    # Zemgale: medians 0 → 100; the changes +100, +50, +50 have the median +50.
    zemgale = page.split('id="region-zemgale"')[1].split('id="region-')[0]
    assert "+50.0" in zemgale and "Atklātība" in zemgale
    kurzeme = page.split('id="region-kurzeme"')[1].split('id="region-')[0]
    assert "too few" in kurzeme and "+100" not in kurzeme
    for name in THREE + TWO:
        assert name not in page


def test_the_public_csv_holds_aggregates_and_no_municipality(client, world):
    response = client.get(_url(world, ".csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    theme = next(r for r in rows if r["record"] == "theme" and r["region"] == "zemgale")
    assert (theme["baseline"], theme["final"], theme["change"],
            theme["paired_municipalities"]) == ("0.0", "100.0", "50.0", "3")
    small = next(r for r in rows if r["record"] == "theme" and r["region"] == "kurzeme")
    assert (small["baseline"], small["change"], small["paired_municipalities"]) == ("", "", "2")
    pilot = next(r for r in rows if r["record"] == "pilot")
    assert pilot["theme"] == "Atklātība" and pilot["achievement_percent"] == "50.0"
    assert not [r for r in rows if r["record"] == "municipality"]
    assert not any(r["municipality"] for r in rows)


def test_a_coordinator_sees_her_own_regions_municipalities_only(client, world):
    login(client, world.coordinator)  # Zemgale
    page = client.get(_url(world, "/detail")).get_data(as_text=True)
    for name in THREE:
        assert name in page
    for name in TWO:
        assert name not in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(_url(world, "/detail.csv")).get_data(as_text=True))))
    assert {r["municipality"] for r in rows if r["record"] == "municipality"} == set(THREE)


def test_the_detailed_version_is_for_coordinators(client, world):
    assert client.get(_url(world, "/detail")).status_code == 302  # sign in first
    login(client, world.member)
    assert client.get(_url(world, "/detail")).status_code == 403
    assert client.get(_url(world, "/detail.csv")).status_code == 403
    assert client.get("/programme/assessments/999999/final-report").status_code == 404


def test_the_report_reads_the_same_number_of_queries_whatever_the_pilots(client, world,
                                                                        count_queries):
    from tests.factories_pilots import make_many_pilots

    with count_queries() as few:
        client.get(_url(world))
    make_many_pilots(6)
    with count_queries() as many:
        client.get(_url(world))
    assert many.count == few.count
