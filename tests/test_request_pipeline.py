"""The one door (app.core.web): a request commits only when it ends well, a failed operation
is undone alone, loading answers 404/403 alike for pages and the API, and field messages
come from the schema in the reader's language."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from wtforms import StringField

from app import create_app
from app.core import access, web
from app.core.audit import AuditEntry, record_audit
from app.core.errors import Invalid, WrongState
from app.extensions import db
from app.places.models import Region


class NoteInput(Schema):
    text = fields.String(required=True, validate=validate.Length(max=5))


class NoteForm(FlaskForm):
    text = StringField("Text")


def _note(action: str) -> AuditEntry:
    return record_audit(action, actor=None, object_type="test", object_id=1)


def _count(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == action))


@pytest.fixture(scope="module")
def door(test_config):
    """An app of its own with a few views that exercise each step of the door."""
    app = create_app(test_config)

    @app.post("/t/ok")
    @access.public
    def ok():
        _note("ok")
        return "done"

    @app.post("/t/fails-late")
    @access.public
    def fails_late():
        _note("late")
        raise WrongState("too late")

    @app.post("/api/t/fails-late")
    @access.public
    def api_fails_late():
        _note("late")
        raise WrongState("too late")

    @app.route("/t/form", methods=["GET", "POST"])
    @access.public
    def form_view():
        _note("kept")  # done before the operation: stands even though it fails

        def run(data):
            _note("operation")
            if data["text"] == "bad":
                raise Invalid(errors={"text": ["not this"]})
            if data["text"] == "late":
                raise WrongState("closed now")
            return data["text"]

        form = NoteForm(meta={"csrf": False})
        return web.submit(
            form, schema=NoteInput(), run=run,
            success=lambda text: web.done(f"saved {text}", "/t/ok"),
            page=lambda status: (render_template_string(
                "{{ form.text.data }}|{{ form.text.errors|join(',') }}|"
                "{{ form.form_errors|join(',') }}", form=form), status))

    for prefix in ("", "/api"):
        @app.get(f"{prefix}/t/region/<code>", endpoint=f"region{prefix.replace('/', '_')}")
        @access.public
        def region(code):
            found = web.load(select(Region).where(Region.code == code),
                             see=lambda r, _user: r.code != "latgale",
                             may=lambda r, _user: r.code != "kurzeme")
            return found.code

    return app


@pytest.fixture
def door_client(door, db):
    return door.test_client()


def test_a_request_that_ends_well_commits(door_client):
    assert door_client.post("/t/ok").status_code == 200
    assert _count("ok") == 1


@pytest.mark.parametrize("path,mimetype", [("/t/fails-late", "text/html"),
                                           ("/api/t/fails-late", "application/problem+json")])
def test_a_refused_request_leaves_nothing_written(door_client, path, mimetype):
    response = door_client.post(path)
    assert response.status_code == 409
    assert response.mimetype == mimetype
    assert _count("late") == 0


def test_a_failed_operation_is_undone_alone_and_the_form_keeps_the_text(door_client):
    response = door_client.post("/t/form", data={"text": "bad"})
    assert response.status_code == 422
    assert response.get_data(as_text=True) == "bad|not this|"
    assert _count("operation") == 0  # undone to its savepoint
    assert _count("kept") == 1  # what the view did before it stands


def test_a_wrong_state_answers_409_with_the_reason_on_the_form(door_client):
    response = door_client.post("/t/form", data={"text": "late"})
    assert response.status_code == 409
    assert response.get_data(as_text=True) == "late||closed now"
    assert _count("operation") == 0


def test_schema_messages_are_in_the_readers_language_beside_the_field(door_client):
    response = door_client.post("/t/form", data={"text": "far too long"})
    assert response.status_code == 422
    assert "Izmantojiet ne vairāk kā 5 rakstzīmes." in response.get_data(as_text=True)
    assert _count("operation") == 0


def test_a_good_form_runs_the_operation_once_and_redirects(door_client):
    response = door_client.post("/t/form", data={"text": "fine"})
    assert response.status_code == 302
    assert _count("operation") == 1


def test_showing_the_form_runs_no_operation(door_client):
    assert door_client.get("/t/form").status_code == 200
    assert _count("operation") == 0


@pytest.mark.parametrize("prefix", ["", "/api"])
@pytest.mark.parametrize("code,status", [("zemgale", 200), ("nowhere", 404),
                                         ("latgale", 404), ("kurzeme", 403)])
def test_loading_answers_alike_for_pages_and_api(door_client, prefix, code, status):
    assert door_client.get(f"{prefix}/t/region/{code}").status_code == status


def test_a_stale_version_is_refused_and_the_stored_object_shown_in_its_api_shape(make_user):
    from tests.factories_teams import make_team

    lead = make_user()
    team = make_team(lead, name="Pirmā")
    with pytest.raises(Exception) as caught:
        web.expect_version(type("Obj", (), {"version": 2})(), 1)
    assert caught.value.status == 409
    assert web.expect_version(type("Obj", (), {"version": 2})(), 2) is None
    assert web.expect_version(type("Obj", (), {"version": 2})(), None) is None
    from app.core.schema import dump

    assert dump(team)["name"] == "Pirmā" and dump({"plain": 1}) == {"plain": 1}


def test_the_edge_commits_a_request_that_wrote_and_only_one_that_wrote(app):
    """A read-only request is not committed (committing would expire everything it loaded);
    any write through the session counts: a flushed object, an UPDATE, raw SQL."""
    from sqlalchemy import text, update

    session = db.session
    session.rollback()
    session.scalars(select(Region)).all()
    assert not web.wrote(session)
    session.execute(update(Region).where(Region.code == "none").values(name_lv="x"))
    assert web.wrote(session)
    session.rollback()
    assert not web.wrote(session)
    session.execute(text("UPDATE region SET name_lv = name_lv WHERE code = 'none'"))
    assert web.wrote(session)
    session.rollback()
    region = session.scalars(select(Region)).first()
    region.name_lv = region.name_lv + " "
    assert web.wrote(session)  # pending, not yet flushed
    session.flush()
    with session.begin_nested():
        pass  # a savepoint ending keeps what the outer transaction wrote
    assert web.wrote(session)
    session.rollback()
    assert not web.wrote(session)
