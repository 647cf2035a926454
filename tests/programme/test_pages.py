"""Events and attendance as a coordinator records them, and the indicator the public sees."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.programme.models import Attendance, Event, Person
from tests.conftest import login, read_in_english


@pytest.fixture
def coordinator(client, signed_in):
    user = signed_in(role="coordinator", region="zemgale", locale="en")
    read_in_english(client)
    return user


def _event(client, **changes):
    data = {"title": "Digitālo pakalpojumu darbnīca", "kind": "workshop", "format": "in_person",
            "region": "zemgale", "starts_on": "2025-03-14", "place": "Jelgava",
            **changes}
    return client.post("/programme/events/new", data=data)


def _sheet(text: str, name: str = "saraksts.csv"):
    return {"sheet": (io.BytesIO(text.encode("utf-8-sig")), name)}


def test_a_coordinator_records_an_event_and_its_attendance(client, coordinator):
    response = _event(client)
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    added = client.post(f"/programme/events/{event.id}/attendance", data={
        "name": "Anna Kalniņa", "email": "anna@dobele.example.lv",
        "municipality": "Dobeles novads"})
    assert added.status_code == 302
    sheet = ("vārds;e-pasts;pašvaldība;reģions\n"
             "Anna Kalniņa;ANNA@dobele.example.lv;Dobeles novads;\n"
             "Pēteris Ozols;;Jelgava;\n"
             "Zane Liepa;;;Zemgales plānošanas reģions\n")
    imported = client.post(f"/programme/events/{event.id}/import", data=_sheet(sheet),
                           content_type="multipart/form-data")
    assert imported.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 3  # Anna once
    assert len(event.attendances) == 3
    page = client.get(f"/programme/events/{event.id}").get_data(as_text=True)
    assert "Pēteris Ozols" in page and "saraksts.csv" in page


def test_a_sheet_with_bad_rows_imports_nothing_and_names_each_line(client, coordinator):
    _event(client)
    event = db.session.scalar(db.select(Event))
    sheet = ("name,email,municipality\n"
             "Laba Rinda,,Dobeles novads\n"
             ",,Jelgava\n"
             "Nezināmā,,Atlantīdas novads\n"
             "Slikts E-pasts,nav-adrese,Jelgava\n")
    response = client.post(f"/programme/events/{event.id}/import", data=_sheet(sheet),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 3, name" in page and "Line 4, municipality" in page
    assert "Line 5, email" in page and "Nothing was imported" in page
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0
    no_name = client.post(f"/programme/events/{event.id}/import",
                          data=_sheet("e-pasts\nx@example.lv\n"),
                          content_type="multipart/form-data")
    assert no_name.status_code == 422


def test_the_public_sees_figures_and_never_a_name(client, coordinator):
    _event(client, starts_on="2024-05-01")
    event = db.session.scalar(db.select(Event))
    client.post(f"/programme/events/{event.id}/import", data=_sheet(
        "vārds,pašvaldība\nSlepena Persona,Dobeles novads\nOtra Persona,Jelgava\n"),
        content_type="multipart/form-data")
    client.post("/logout")
    page = client.get("/programme/").get_data(as_text=True)
    assert "Slepena Persona" not in page
    api = client.get("/api/v1/programme/indicator")
    assert api.status_code == 200 and api.json["trained"] == 2
    zemgale = next(r for r in api.json["regions"] if r["region"] == "zemgale")
    assert zemgale["trained"] == 2 and zemgale["target"] == 260
    assert "Slepena" not in api.get_data(as_text=True)
    csv_text = client.get("/programme/indicator.csv").get_data(as_text=True)
    assert "region,zemgale,2,260" in csv_text and "Slepena" not in csv_text
    assert client.get(f"/programme/events/{event.id}").status_code == 302  # sign in first


def test_other_regions_coordinators_may_not_record_here(client, coordinator, make_user):
    _event(client)
    event = db.session.scalar(db.select(Event))
    refused = _event(client, region="kurzeme")
    assert refused.status_code == 403 and "planning region you coordinate" in refused.get_data(
        as_text=True)
    client.post("/logout")
    login(client, make_user(role="coordinator", region="kurzeme"))
    assert client.get(f"/programme/events/{event.id}").status_code == 403
    assert client.post(f"/programme/events/{event.id}/attendance",
                       data={"name": "X", "municipality": "Jelgava"}).status_code == 403


def test_duplicates_are_merged_into_one_person_who_counts_once(client, coordinator):
    _event(client, starts_on="2024-05-01")
    _event(client, title="Otrā darbnīca", starts_on="2024-06-01")
    first, second = db.session.scalars(db.select(Event).order_by(Event.id)).all()
    client.post(f"/programme/events/{first.id}/attendance",
                data={"name": "Ilze Vītola", "municipality": "Jelgava",
                      "email": "ilze@jelgava.example.lv"})
    client.post(f"/programme/events/{second.id}/attendance",
                data={"name": "Ilze Vitola", "municipality": "Jelgava"})  # typed without marks
    # Folded names match already when typed by hand: one person, two events.
    assert client.get("/api/v1/programme/indicator").json["trained"] == 1
    db.session.add(Person(name="ILZE VĪTOLA", municipality_id=first.attendances[0].person
                          .municipality_id, region_code="zemgale"))
    db.session.commit()
    page = client.get("/programme/people/duplicates").get_data(as_text=True)
    assert "ILZE VĪTOLA" in page
    keep, other = db.session.scalars(db.select(Person).order_by(Person.id)).all()
    merged = client.post("/programme/people/duplicates",
                         data={"keep_id": keep.id, "duplicate_id": other.id})
    assert merged.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 1
