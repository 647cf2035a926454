"""Open data downloads: CSV, JSON and SQLite from one description, agreeing with each other,
in the promised formats, conditional, cached, and in a fixed number of queries."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.clock import today_riga
from app.opendata import dataset
from app.opendata import dictionary as d
from tests.opendata.world import open_data_world

NAMES = [t.name for t in dataset.TABLES]


def read_csv(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8")
    assert not text.startswith("\ufeff"), "datapackage.json says utf-8: no byte-order mark"
    return list(csv.DictReader(io.StringIO(text)))


def read_sqlite(data: bytes, tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "download.sqlite"
    path.write_bytes(data)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return connection


def by_key(rows, key):
    return sorted(rows, key=lambda row: tuple(str(row[k]) for k in key))


@pytest.fixture
def world(db):
    return open_data_world()


@pytest.mark.parametrize("name", NAMES)
def test_every_table_downloads_as_csv_and_json_with_the_described_columns(client, world, name):
    table = dataset.table_named(name)
    csv_response = client.get(f"/data/{name}.csv")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert f'filename="talka-{name}.csv"' in csv_response.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(csv_response.data.decode("utf-8"))))
    assert header == table.column_names

    body = client.get(f"/data/{name}.json").get_json()
    assert body["table"] == name
    assert [c["name"] for c in body["columns"]] == table.column_names
    assert body["licence"]["name"] == "CC BY 4.0"
    assert "creativecommons.org/licenses/by/4.0" in body["licence"]["url"]
    assert body["rows"], f"the world has rows for {name}"
    assert all(list(row) == table.column_names for row in body["rows"])


def test_csv_json_and_sqlite_hold_the_same_rows(client, world, tmp_path):
    database = read_sqlite(client.get("/data/talka.sqlite").data, tmp_path)
    for table in dataset.TABLES:
        as_json = client.get(f"/data/{table.name}.json").get_json()["rows"]
        as_csv = read_csv(client.get(f"/data/{table.name}.csv"))
        as_sqlite = [dict(r) for r in database.execute(
            f'SELECT {", ".join(table.column_names)} FROM "{table.name}"')]
        assert len(as_json) == len(as_csv) == len(as_sqlite), table.name
        key = table.primary_key
        for j, c, s in zip(by_key(as_json, key), by_key(as_csv, key), by_key(as_sqlite, key),
                           strict=True):
            for column in table.columns:
                value = j[column.name]
                if column.type == d.BOOLEAN:
                    assert s[column.name] == (None if value is None else int(value))
                    assert c[column.name] == ("" if value is None else str(value).lower())
                else:
                    assert s[column.name] == value, (table.name, column.name)
                    shown = "" if value is None else str(value)
                    assert c[column.name].removeprefix("'") == shown, (table.name, column.name)


def test_dates_are_iso_and_money_is_a_decimal_string(client, world):
    pilots = {p["id"]: p for p in client.get("/data/pilots.json").get_json()["rows"]}
    pilot = pilots[world.pilot.id]
    today = today_riga()
    assert pilot["approved_budget_eur"] == "20000.00"
    assert pilot["spent_eur"] == "2000.05"  # 1500.50 + 499.50 + 0.05, exact
    assert pilot["remaining_eur"] == "17999.95"
    assert pilot["start_date"] == (today - timedelta(days=90)).isoformat()
    assert pilot["created_at"].endswith("+00:00")
    assert pilot["progress"] == 33  # one of weights 1 + 2 done
    assert pilot["status"] == "active"
    assert pilot["health"] in ("green", "amber", "red")
    values = [m["value"] for m in client.get("/data/measurements.json").get_json()["rows"]]
    assert values == ["100.5000", "-2.2500"]
    hackathon = next(h for h in client.get("/data/hackathons.json").get_json()["rows"]
                     if h["id"] == world.hackathon.id)
    assert hackathon["phase"] == "results"
    assert hackathon["blind_review"] is False


def test_expenses_are_published_as_exact_monthly_sums_only(client, world):
    rows = client.get("/data/expenses_by_month.json").get_json()["rows"]
    mine = [r for r in rows if r["pilot_id"] == world.pilot.id]
    assert sum(Decimal(r["amount_eur"]) for r in mine) == Decimal("2000.05")
    assert sum(r["expenses"] for r in mine) == 3
    assert all(len(r["month"]) == 7 for r in mine)  # YYYY-MM
    assert "description" not in dataset.table_named("expenses_by_month").column_names


def test_only_public_rows_are_exported(client, world):
    hackathons = {h["id"] for h in client.get("/data/hackathons.json").get_json()["rows"]}
    assert world.hackathon.id in hackathons and world.judging.id in hackathons
    assert world.hidden.id not in hackathons  # a draft
    ideas = {i["id"] for i in client.get("/data/ideas.json").get_json()["rows"]}
    assert world.winner.id in ideas
    assert world.loser.id not in ideas and world.in_judging.id not in ideas
    assert world.draft.id not in ideas
    ranking = client.get("/data/ranking.json").get_json()["rows"]
    assert {(r["idea_id"], r["winner"]) for r in ranking} >= {(world.winner.id, True),
                                                                (world.loser.id, False)}
    assert world.in_judging.id not in {r["idea_id"] for r in ranking}
    updates = client.get("/data/pilot_updates.json").get_json()["rows"]
    assert [u["body"] for u in updates] == ["Uzstādīti **200** skaitītāji."]
    results = client.get("/data/results.json").get_json()["rows"]
    assert [(r["hackathon_id"], r["winners"]) for r in results] == [(world.hackathon.id, 2)]


def test_a_text_cell_that_looks_like_a_formula_is_defused_in_csv_only(client, world):
    rows = read_csv(client.get("/data/measurements.csv"))
    assert {r["source"] for r in rows} == {"Norēķinu sistēma", "'=1+1 (pārbaude)"}
    assert {r["value"] for r in rows} == {"100.5000", "-2.2500"}  # numbers stay numbers
    as_json = client.get("/data/measurements.json").get_json()["rows"]
    assert "=1+1 (pārbaude)" in {r["source"] for r in as_json}


def test_an_unknown_table_is_not_found(client, world):
    assert client.get("/data/user.csv").status_code == 404
    assert client.get("/data/reviews.json").status_code == 404


def test_a_repeat_download_is_not_modified_until_public_data_change(client, world, db):
    from app.pilots.models_plan import Measurement

    first = client.get("/data/measurements.csv")
    etag = first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/data/measurements.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    db.session.add(Measurement(indicator_id=world.indicator.id, value=Decimal("70"),
                               measured_on=today_riga(), note="Jauns mērījums"))
    db.session.commit()
    changed = client.get("/data/measurements.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Jauns mērījums" in changed.data.decode("utf-8")


def test_the_files_are_built_once_per_state_of_the_data(client, world, db, app, tmp_path,
                                                       monkeypatch):
    from app.opendata.export import export_dir

    monkeypatch.setitem(app.config, "OPENDATA_DIR", str(tmp_path / "exports"))

    def kept():
        with app.test_request_context():
            return sorted(str(p.relative_to(export_dir())) for p in export_dir().rglob("*.*")
                          if p.is_file() and not p.name.startswith("."))

    first = client.get("/data/talka.sqlite")
    assert first.status_code == 200
    assert first.mimetype == "application/vnd.sqlite3"
    assert client.get("/data/talka.sqlite",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/data/pilots.csv").status_code == 200
    before = kept()
    names = [p.split("/")[1] for p in before]
    # The SQLite file names the site (its attribution): kept per origin.
    assert len(names) == 2 and names[0] == "pilots.csv"
    assert names[1].startswith("talka.") and names[1].endswith(".sqlite")
    assert client.get("/data/talka.sqlite").data == first.data  # sent from the kept file
    assert kept() == before

    world.pilot.title = "Viedie ūdens skaitītāji visā novadā"
    db.session.commit()
    second = client.get("/data/talka.sqlite")
    assert second.headers["ETag"] != first.headers["ETag"]
    titles = [r["title"] for r in read_sqlite(second.data, tmp_path).execute(
        "SELECT title FROM pilots ORDER BY id")]
    assert "Viedie ūdens skaitītāji visā novadā" in titles
    assert "Viedie ūdens skaitītāji visā novadā" in client.get("/data/pilots.csv").data.decode()
    after = kept()
    assert len({p.split("/")[0] for p in after}) == 2  # this state's and the previous one's
    for n in range(2):
        world.pilot.title = f"Vēl cits nosaukums {n}"
        db.session.commit()
        assert client.get("/data/pilots.csv").status_code == 200
    assert len({p.split("/")[0] for p in kept()}) == 2  # older states are removed


def test_the_sqlite_file_searches_titles_and_summaries_and_carries_licence_and_dictionary(
        client, world, tmp_path):
    database = read_sqlite(client.get("/data/talka.sqlite").data, tmp_path)
    found = [r["title"] for r in database.execute(
        "SELECT title FROM ideas WHERE rowid IN "
        "(SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH 'title:udens')")]
    assert found == ["Viedie ūdens skaitītāji"]  # diacritics folded: udens finds ūdens
    assert [r["title"] for r in database.execute(
        "SELECT title FROM pilots WHERE rowid IN "
        "(SELECT rowid FROM pilots_fts WHERE pilots_fts MATCH 'skaitītāji')")]
    about = dict(database.execute("SELECT key, value FROM about").fetchall())
    assert about["licence_id"] == "CC-BY-4.0"
    assert "CC BY 4.0" in about["attribution"]
    described = {(r["table_name"], r["column_name"]) for r in database.execute(
        "SELECT table_name, column_name FROM data_columns")}
    assert described == {(t.name, c.name) for t in dataset.TABLES for c in t.columns}
    database.execute("PRAGMA foreign_keys=ON")
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_data_package_describes_every_csv_file(client, world):
    package = client.get("/data/datapackage.json").get_json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert [r["name"] for r in package["resources"]] == NAMES
    for resource in package["resources"]:
        table = dataset.table_named(resource["name"])
        assert [f["name"] for f in resource["schema"]["fields"]] == table.column_names
        assert resource["path"].endswith(f"/data/{table.name}.csv")


def test_queries_per_table_do_not_grow_with_the_rows(client, db, count_queries):
    from app.demo.volume import seed_volume
    from tests.opendata.world import make_volume_coordinators

    def measure() -> dict[str, int]:
        counts = {}
        for name in NAMES:
            with count_queries() as counter:
                response = client.get(f"/data/{name}.csv")
                assert response.status_code == 200
            counts[name] = counter.count
        return counts

    make_volume_coordinators()
    seed_volume(20, seed=1)
    db.session.commit()
    small = measure()
    seed_volume(150, seed=2)
    db.session.commit()
    assert measure() == small


def test_the_programme_tables_are_valid_for_frictionless_with_suppressed_cells(client, world,
                                                                               tmp_path):
    """The training indicator and the assessment results, read as datapackage.json declares
    them, with the empty medians of a region under three respondents."""
    import json

    frictionless = pytest.importorskip("frictionless")
    package = client.get("/data/datapackage.json").get_json()
    wanted = {"regions", "training_indicator", "assessment_results"}
    package["resources"] = [r for r in package["resources"] if r["name"] in wanted]
    for resource in package["resources"]:
        local = f"{resource['name']}.csv"
        (tmp_path / local).write_bytes(client.get(f"/data/{local}").data)
        resource["path"] = local
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    trained = read_csv(client.get("/data/training_indicator.csv"))
    # Three people: one at both events counts once, at the first (a Zemgale workshop).
    assert sum(int(r["people_trained"]) for r in trained) == 3
    assert {(r["format"], r["kind"]) for r in trained} == {("in_person", "workshop"),
                                                          ("online", "national_event")}
    pilots = {r["id"]: r for r in read_csv(client.get("/data/pilots.csv"))}
    theme_id = str(world.programme.instrument.themes[0].id)
    assert pilots[str(world.pilot.id)]["assessment_theme_id"] == theme_id
    results = read_csv(client.get("/data/assessment_results.csv"))
    assert theme_id in {r["theme_id"] for r in results}
