"""What a person reads on the pilot forms and pages: field labels, never field names, and
Latvian words on the Latvian page."""

from __future__ import annotations

from tests.conftest import login
from tests.factories_pilots import make_coord, make_pilot, make_winner


def test_an_indicator_error_names_the_field_by_its_label(client, db):
    idea = make_winner()
    login(client, make_coord("zemgale"))
    response = client.post(f"/ideas/{idea.id}/pilot", data={
        "start_date": "2026-05-01", "end_date": "2027-04-01", "title": "X",
        "budget_eur": "1000", "lead_municipality_id": str(idea.team.municipality_id),
        "indicators-0-keep": "y", "indicators-0-name": "Zvani", "indicators-0-unit": "",
        "indicators-0-direction": "decrease", "indicators-0-baseline": "daudz",
        "indicators-0-target": "10"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Indicator 1, Baseline value:" in text
    assert ", baseline:" not in text


def test_the_latvian_pilot_page_has_no_english_progress_label(client, db):
    pilot = make_pilot()
    text = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "Progress:" not in text
    assert "Izpilde:" in text


def test_a_municipalitys_pilot_count_and_its_pilot_rows_agree(client, db):
    from tests.conftest import municipality

    jelgava = municipality("Jelgava")
    make_pilot(municipality="Jelgava", title="Vadošais 1")
    make_pilot(municipality="Jelgava", title="Vadošais 2")
    make_pilot(municipality="Dobeles novads", partners=("Jelgava",), title="Partneris")
    text = client.get(f"/municipalities/{jelgava.id}").get_data(as_text=True)
    figure = text[text.index("Vadītie pilotprojekti"):]
    figure = figure[:figure.index("</div>")]
    rows = text[text.index('class="public-pilots"'):]
    rows = rows[:rows.index("</table>")]
    assert rows.count("<tr") - 1 == 3  # the header row aside
    assert "<dd>2" in figure and "1" in figure[figure.index("figure-note"):]
