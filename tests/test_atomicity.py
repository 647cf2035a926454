"""An operation that fails half-way leaves the database exactly as it was.

Each case makes a real request whose operation fails after its first write has been
flushed: the view's transaction must roll back as a whole, the visitor gets the
localised 500 page without internals, and the next request works normally.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts import operations as account_ops
from app.extensions import db

SECRET_DETAIL = "boom: INSERT INTO user_secret_table at /srv/talka/app/accounts/operations.py"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        with db.engine.connect() as connection:
            tables[table.name] = [tuple(row) for row in
                                  connection.execute(select(table).order_by(*order))]
    return tables


def fail_after_first_write(*args, **kwargs):
    raise RuntimeError(SECRET_DETAIL)


def assert_plain_500(response) -> None:
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Mūsu pusē radās kļūda" in body  # "Something went wrong on our side", in Latvian
    for internal in ("boom", "Traceback", "RuntimeError", "user_secret_table", "/srv/talka",
                     "sqlalchemy", "operations.py"):
        assert internal not in body, f"the 500 page shows {internal!r}"


REGISTRATION = {
    "name": "Pēteris Liepa",
    "email": "peteris.liepa@cesis.lv",
    "municipality_id": "",
    "locale": "lv",
    "password": "ziemeļu vējš pār Gauju",
    "password_again": "ziemeļu vējš pār Gauju",
}


def test_registration_failing_after_the_user_row_is_flushed_changes_nothing(
        client, monkeypatch, outbox):
    before = snapshot()
    # register_user flushes the new user, then e-mails the confirmation link: fail there.
    monkeypatch.setattr(account_ops, "send_confirmation", fail_after_first_write)

    response = client.post("/register", data=REGISTRATION)

    assert_plain_500(response)
    assert snapshot() == before
    assert account_ops.find_user_by_email(REGISTRATION["email"]) is None
    assert outbox() == []

    # Nothing is left locked or half-done: the same registration now goes through.
    monkeypatch.undo()
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 200
    assert account_ops.find_user_by_email(REGISTRATION["email"]) is not None
    assert [m.recipient for m in outbox()] == [REGISTRATION["email"]]


def test_granting_a_role_failing_after_the_grant_is_flushed_changes_nothing(
        client, signed_in, make_user, monkeypatch):
    signed_in(role="admin")
    employee = make_user("ilona.berga@liepaja.lv", municipality="Liepāja")
    before = snapshot()
    # grant_role flushes the new RoleGrant, then records the audit entry: fail there.
    monkeypatch.setattr(account_ops, "record_audit", fail_after_first_write)

    response = client.post(f"/admin/users/{employee.id}/roles",
                           data={"role": "coordinator", "region_code": "kurzeme"})

    assert_plain_500(response)
    assert snapshot() == before
    db.session.expire_all()
    assert not db.session.get(type(employee), employee.id).is_coordinator

    monkeypatch.undo()
    response = client.post(f"/admin/users/{employee.id}/roles",
                           data={"role": "coordinator", "region_code": "kurzeme"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(employee), employee.id).coordinates_region("kurzeme")


def test_the_500_page_is_a_complete_page_in_the_visitors_language(client, monkeypatch):
    monkeypatch.setattr(account_ops, "send_confirmation", fail_after_first_write)
    response = client.post("/en/register", data=REGISTRATION)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert '<html lang="en">' in body
    assert "Something went wrong on our side" in body
    assert "boom" not in body
