"""Reference data: the 5 planning regions and 43 municipalities, loaded from the data
file idempotently, and an admin's corrections survive every later load and init-db."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.places.models import Municipality, MunicipalityKind, Region
from app.places.operations import (
    DATA_FILE,
    load_reference_data,
    update_municipality,
    update_region,
)

STATE_CITIES = {"Rīga", "Daugavpils", "Jelgava", "Jūrmala", "Liepāja", "Rēzekne", "Ventspils"}


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Region)),
        db.session.scalar(select(func.count()).select_from(Municipality)),
        db.session.scalar(select(func.count()).select_from(Municipality).where(
            Municipality.kind == MunicipalityKind.STATE_CITY)),
    )


def test_the_reference_data_is_the_2021_reform():
    assert counts() == (5, 43, 7)
    names = set(db.session.scalars(select(Municipality.name)))
    assert {"Rīga", "Jelgava", "Dobeles novads", "Augšdaugavas novads"} <= names
    state_cities = set(db.session.scalars(select(Municipality.name).where(
        Municipality.kind == MunicipalityKind.STATE_CITY)))
    assert state_cities == STATE_CITIES
    assert set(db.session.scalars(select(Region.code))) == {
        "riga", "kurzeme", "latgale", "vidzeme", "zemgale"}


def test_every_municipality_is_in_the_region_the_data_file_names():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    expected = {row["name"]: (row["region"], row["kind"]) for row in data["municipalities"]}
    stored = {m.name: (m.region_code, m.kind.value)
              for m in db.session.scalars(select(Municipality))}
    assert stored == expected
    regions = {row["code"]: row for row in data["regions"]}
    for region in db.session.scalars(select(Region)):
        assert region.name_lv == regions[region.code]["name_lv"]
        assert region.name_en == regions[region.code]["name_en"]
        assert region.envelope_eur == Decimal(regions[region.code]["envelope_eur"])


def test_every_region_has_municipalities():
    for region in db.session.scalars(select(Region)):
        assert region.municipalities, region.code


def test_loading_again_adds_nothing():
    assert load_reference_data() == {"regions": 0, "municipalities": 0}
    db.session.commit()
    assert counts() == (5, 43, 7)


def correct_dobele_and_a_region(admin, region_code: str, name_lv: str, name_en: str
                                ) -> Municipality:
    """An admin renames Dobele and moves it to `region_code`, then renames that region and
    sets its envelope to €1.00."""
    dobele = db.session.scalar(select(Municipality).where(Municipality.name == "Dobeles novads"))
    update_municipality(dobele, {"name": "Dobeles novads (labots)", "kind": "county",
                                 "region_code": region_code}, actor=admin)
    update_region(db.session.get(Region, region_code), {
        "name_lv": name_lv, "name_en": name_en, "service_direction_lv": "",
        "service_direction_en": "", "envelope_eur": "1.00", "vat_envelope_eur": "0.21"},
        actor=admin)
    db.session.commit()
    return dobele


def test_loading_again_keeps_an_admins_corrections(make_user):
    dobele = correct_dobele_and_a_region(make_user(role="admin"), "kurzeme", "Kurzeme",
                                         "Courland")

    load_reference_data()
    db.session.commit()
    db.session.expire_all()
    dobele = db.session.get(Municipality, dobele.id)
    assert (dobele.name, dobele.region_code) == ("Dobeles novads (labots)", "kurzeme")
    kurzeme = db.session.get(Region, "kurzeme")
    assert (kurzeme.name_en, kurzeme.envelope_eur) == ("Courland", Decimal("1.00"))
    assert counts() == (5, 43, 7)


def test_an_admins_correction_shows_on_the_next_read_of_every_page(client, make_user):
    """Pages keep the regions and municipalities between readers (places.kept); a correction
    is seen on the very next page."""
    assert "Dobeles novads" in client.get("/municipalities").get_data(as_text=True)
    correct_dobele_and_a_region(make_user(role="admin"), "zemgale",
                                "Zemgales reģions (labots)", "Semigallia")
    for path in ("/municipalities", "/pilots", "/winners", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "Zemgales reģions (labots)" in page, path
        if path != "/":
            assert "Dobeles novads (labots)" in page, path


@pytest.fixture
def fresh_app(test_config, tmp_path):
    """An app on an empty SQLite file, as an operator's first `init-db` finds it."""
    app = create_app({**test_config,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_init_db_builds_the_schema_and_loads_reference_data_idempotently(fresh_app):
    runner = fresh_app.test_cli_runner()
    # The command runs in the app context it finds, so push the fresh app's own.
    with fresh_app.app_context():
        first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "5 regions" in first.output and "43 municipalities" in first.output
    with fresh_app.app_context():
        assert counts() == (5, 43, 7)
        jelgava = db.session.scalar(select(Municipality).where(Municipality.name == "Jelgava"))
        update_municipality(jelgava, {"name": "Jelgavas valstspilsēta", "kind": "state_city",
                                      "region_code": "zemgale"}, actor=None)
        db.session.commit()

    with fresh_app.app_context():
        second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0, second.output
    assert "0 regions" in second.output and "0 municipalities" in second.output
    with fresh_app.app_context():
        assert counts() == (5, 43, 7)
        names = set(db.session.scalars(select(Municipality.name)))
        assert "Jelgavas valstspilsēta" in names and "Jelgava" not in names
