"""The open data page and the data dictionary: what a reader finds, in both languages."""

from __future__ import annotations

import re

from app.opendata import dataset
from app.opendata import dictionary as d


def test_the_open_data_page_offers_every_table_the_whole_file_and_the_licence(client, db):
    response = client.get("/data")
    assert response.status_code == 200
    page = response.data.decode()
    assert page.count("<h1") == 1
    for table in dataset.TABLES:
        assert f'href="/data/{table.name}.csv"' in page
        assert f'href="/data/{table.name}.json"' in page
        assert f'href="/data/dictionary#{table.name}"' in page
    assert 'href="/data/talka.sqlite"' in page
    assert 'href="/data/datapackage.json"' in page
    assert re.search(r'<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">', page)
    assert "CC BY 4.0" in page
    assert "/data (CC BY 4.0)" in page  # the attribution asked of re-users
    assert '<th scope="col">' in page and '<th scope="row">' in page


def test_the_footer_links_to_the_open_data(client, db):
    page = client.get("/data/dictionary").data.decode()
    assert re.search(r'<a href="/data"[^>]*>', page)


def test_the_dictionary_names_every_column_with_its_type_and_meaning(client, db):
    response = client.get("/en/data/dictionary")
    assert response.status_code == 200
    page = response.data.decode()
    assert '<html lang="en">' in page
    for table in dataset.TABLES:
        assert f'id="{table.name}"' in page
        for column in table.columns:
            assert f"<code>{column.name}</code>" in page, (table.name, column.name)
    assert "Approved budget, EUR." in page
    assert "decimal number, written with a point (2 places)" in page
    assert 'href="#municipalities"' in page  # references link to the table they point to
    assert "Invoices and other documents are not published" in page


def test_the_dictionary_is_there_in_latvian_too(client, db):
    page = client.get("/data/dictionary").data.decode()
    assert '<html lang="lv">' in page
    assert all(f'id="{t.name}"' in page for t in dataset.TABLES)


def test_a_repeat_view_of_the_page_is_not_modified(client, db):
    first = client.get("/data")
    assert first.headers.get("ETag")
    again = client.get("/data", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_every_described_column_has_a_known_type_and_meaning():
    for table in dataset.TABLES:
        assert table.primary_key and set(table.primary_key) <= set(table.column_names)
        assert len(set(table.column_names)) == len(table.columns), table.name
        for column in table.columns:
            assert column.type in d.TYPES
            assert str(column.meaning).strip()
            if column.references:
                target, key = column.references.split(".")
                referred = dataset.table_named(target)
                assert key in referred.column_names
                assert dataset.TABLES.index(referred) < dataset.TABLES.index(table), (
                    "a table comes after the tables it refers to (SQLite foreign keys)")


def test_the_pages_need_no_query_and_differ_by_language(client, db, count_queries):
    client.get("/data")
    with count_queries() as counter:
        again = client.get("/data")
    assert again.status_code == 200
    assert counter.count == 0  # the page shows no data: rendered once, then kept
    english = client.get("/en/data").data.decode()
    assert '<html lang="en">' in english and "The whole dataset" in english
    assert '<html lang="lv">' in again.data.decode()


def test_a_signed_in_visitor_gets_a_personal_page(app, client, signed_in, monkeypatch):
    client.get("/data")  # an anonymous visit first: the page is kept for anonymous visitors
    user = signed_in(name="Anna Lapiņa")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # so forms carry a token
    page = client.get("/data").data.decode()
    assert user.name in page and 'name="csrf_token"' in page
    assert client.get("/data").headers.get("ETag") is None
