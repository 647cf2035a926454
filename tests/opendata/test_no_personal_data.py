"""Personal data never appears in the open data: no e-mails, no names of people, no judges,
nothing internal — checked by scanning every file for the people and secrets of the world."""

from __future__ import annotations

import re

import pytest

from app.opendata import dataset
from tests.opendata.world import PEOPLE, RESPONDENT, SECRETS, TRAINED, open_data_world


def every_download(client) -> dict[str, bytes]:
    files = {}
    for lang in ("lv", "en"):
        at = "" if lang == "lv" else "/en"
        files[f"data-{lang}.html"] = client.get(f"{at}/data").data
        files[f"dictionary-{lang}.html"] = client.get(f"{at}/data/dictionary").data
        files[f"datapackage-{lang}.json"] = client.get(f"{at}/data/datapackage.json").data
        for table in dataset.TABLES:
            files[f"{table.name}-{lang}.json"] = client.get(f"{at}/data/{table.name}.json").data
    for table in dataset.TABLES:
        files[f"{table.name}.csv"] = client.get(f"/data/{table.name}.csv").data
    files["talka.sqlite"] = client.get("/data/talka.sqlite").data
    assert all(files.values())
    return files


def forbidden_words() -> list[str]:
    words = list(SECRETS)
    for name, email in [*PEOPLE.values(), *TRAINED, RESPONDENT]:
        words += [name, *name.replace("-", " ").split()[1:]]
        if email:
            words += [email, email.split("@")[0]]
    words += ["privatpasts", "SLEPENI-PAŠNOVĒRTĒJUMA-PIERĀDĪJUMI", "saraksts-ar-vardiem"]
    return words


def test_no_person_and_nothing_private_appears_in_any_download(client, db):
    world = open_data_world()
    files = every_download(client)
    leaks = [(file, word) for file, body in files.items() for word in forbidden_words()
             if word.encode("utf-8") in body or word.lower().encode("utf-8") in body.lower()]
    assert not leaks, leaks
    # And the downloads do hold the public side of the same world.
    assert "Viedie ūdens skaitītāji".encode() in files["ideas.csv"]
    assert "Dobeles ūdens komanda".encode() in files["pilots.csv"]  # team names are public
    assert str(world.winner.id).encode() in files["ranking.csv"]
    # Each expense is public item by item; who recorded it is not.
    assert "Skaitītāju iegāde".encode() in files["expenses.csv"]
    # The programme's indicators are there, as counts and medians only.
    assert b"zemgale" in files["training_indicator.csv"]
    assert "Atklātība".encode() in files["assessment_results.csv"]


def test_no_e_mail_address_at_all(client, db):
    open_data_world()
    address = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.-]+")
    for file, body in every_download(client).items():
        if file == "talka.sqlite" or file.endswith(".html"):
            continue  # binary; the pages' own links are checked above
        assert not address.search(body), file


def test_a_region_with_fewer_than_three_respondents_shows_no_figure(client, db):
    import csv
    import io

    open_data_world()
    rows = list(csv.DictReader(io.StringIO(
        client.get("/data/assessment_results.csv").get_data(as_text=True))))
    kurzeme = next(r for r in rows if r["region_code"] == "kurzeme")
    # One municipality answered both rounds: its own scores (0 → 100) must not show.
    assert (kurzeme["baseline_respondents"], kurzeme["final_respondents"]) == ("1", "1")
    assert kurzeme["baseline_median"] == kurzeme["final_median"] == ""
    assert kurzeme["median_change"] == ""
    zemgale = next(r for r in rows if r["region_code"] == "zemgale")
    assert (zemgale["baseline_median"], zemgale["final_median"],
            zemgale["median_change"]) == ("0.0", "100.0", "50.0")


@pytest.mark.parametrize("table", dataset.TABLES, ids=lambda t: t.name)
def test_no_column_can_hold_a_person(table):
    personal = re.compile(r"(e_?mail|user|judge|_by(_id)?$|coordinator|author|phone|name_of)")
    for column in table.columns:
        assert not personal.search(column.name), f"{table.name}.{column.name}"
