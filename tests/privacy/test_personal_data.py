"""Every column is classified, every personal column has a retention rule, and no personal
column reaches a public page, the open data or the API."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.privacy.personal_data import (
    NOT_PERSONAL,
    PERSONAL_COLUMNS,
    WITHOUT_PERSONAL_DATA,
    personal_columns,
)
from app.privacy.retention import RULES
from tests.opendata.test_no_personal_data import every_download
from tests.opendata.world import PEOPLE, open_data_world


def _tables():
    return {table.name: table for table in db.metadata.sorted_tables}


def test_every_table_is_decided(app):
    undecided = set(_tables()) - set(PERSONAL_COLUMNS) - WITHOUT_PERSONAL_DATA
    assert not undecided, f"say in app/privacy/personal_data.py whether these hold " \
                          f"personal data: {sorted(undecided)}"
    assert not set(PERSONAL_COLUMNS) & WITHOUT_PERSONAL_DATA


@pytest.mark.parametrize("name", sorted(PERSONAL_COLUMNS))
def test_every_column_of_a_table_with_personal_data_is_classified(app, name):
    table = _tables()[name]
    assert set(PERSONAL_COLUMNS[name]) == {c.name for c in table.columns}, \
        f"classify every column of {name} in app/privacy/personal_data.py"


def test_a_table_pointing_to_a_person_is_not_called_free_of_personal_data(app):
    for name in WITHOUT_PERSONAL_DATA:
        for column in _tables()[name].columns:
            assert not any(fk.column.table.name == "user" for fk in column.foreign_keys), \
                (name, column.name)


def test_a_column_pointing_to_a_person_is_personal(app):
    for name, columns in PERSONAL_COLUMNS.items():
        for column in _tables()[name].columns:
            if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                assert columns[column.name] is not NOT_PERSONAL, (name, column.name)


def test_every_personal_column_has_a_retention_rule_that_names_its_table(app):
    for table, column, rule in personal_columns():
        assert rule in RULES, (table, column, rule)
        assert table in RULES[rule].tables, \
            f"{table}.{column} is kept under '{rule}', whose rule does not name {table}"


def test_no_personal_column_reaches_the_open_data(client, db):
    open_data_world()
    for file, body in every_download(client).items():
        for name, email in PEOPLE.values():
            assert name.encode() not in body and email.encode() not in body, (file, name)


def test_no_personal_column_reaches_a_public_page_or_the_public_api(app, client, db):
    world = open_data_world()
    from flask import url_for

    values = {"slug": world.hackathon.slug, "idea_id": world.winner.id,
              "pilot_id": world.pilot.id, "hackathon_id": world.hackathon.id,
              "id": world.winner.id}
    seen = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        api = rule.rule.startswith("/api/")
        if "GET" not in rule.methods or not set(rule.arguments) <= set(values):
            continue
        if not api and getattr(view, "access_rule", None) != "public":
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        response = client.get(path)  # anonymous: the public's view
        if response.status_code != 200:
            continue
        text = response.get_data().decode("utf-8", errors="replace")  # the SQLite file too
        for name, email in PEOPLE.values():
            assert name not in text and email not in text, (path, name)
        seen.append(path)
    assert "/privacy" in seen and "/api/v1/winners" in seen
