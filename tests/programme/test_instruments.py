"""An administrator keeps the assessment instruments: themes in order, questions with
described scales. Once answers are stored, only the wording may change."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.programme.models import Answer, Instrument, Question, RoundKind, Theme
from tests.conftest import login, read_in_english
from tests.factories_programme import answer_round, make_instrument, municipalities_of, round_of


@pytest.fixture
def admin(client, signed_in):
    user = signed_in(role="admin", locale="en")
    read_in_english(client)
    return user


def _row(prefix: str, **values) -> dict:
    return {f"{prefix}-{k}": v for k, v in values.items()}


def _new_instrument_form() -> dict:
    return {"name": "Pakalpojumu pašnovērtējums", "description": "",
            **_row("themes-0", position="2", name="Līdzdalība"),
            **_row("themes-0-questions-0", text="Vai iedzīvotāji tiek uzklausīti?",
                   levels="Nē\nDažreiz\nVienmēr", asks_evidence="y"),
            **_row("themes-1", position="1", name="Atklātība"),
            **_row("themes-1-questions-0", text="Vai lēmumi ir publiski?",
                   levels="Nē\nJā"),
            **_row("themes-1-questions-1", text="", levels=""),  # a blank row: not sent
            **_row("themes-2", name="")}


def test_an_admin_creates_an_instrument_with_ordered_themes_and_described_scales(client, admin):
    assert client.get("/programme/instruments/new").status_code == 200
    response = client.post("/programme/instruments/new", data=_new_instrument_form())
    assert response.status_code == 302
    instrument = db.session.scalar(db.select(Instrument))
    assert [t.name for t in instrument.themes] == ["Atklātība", "Līdzdalība"]
    openness, participation = instrument.themes
    assert [q.text for q in openness.questions] == ["Vai lēmumi ir publiski?"]
    assert participation.questions[0].levels == ["Nē", "Dažreiz", "Vienmēr"]
    assert participation.questions[0].asks_evidence is True
    assert participation.questions[0].scale_max == 3
    # The saved instrument opens in the editor, with its questions.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vai iedzīvotāji tiek uzklausīti?" in page


def test_bad_input_is_shown_beside_the_question_and_the_typing_is_kept(client, admin):
    form = _new_instrument_form()
    form["themes-0-questions-0-levels"] = "Tikai viens līmenis"
    form["themes-1-questions-0-text"] = ""
    form["themes-1-questions-0-levels"] = "Nē\nJā"
    response = client.post("/programme/instruments/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="themes-0-questions-0-levels-error"' in page
    assert "Give from 2 to 10 levels, one per line." in page
    assert 'id="themes-1-questions-0-text-error"' in page
    assert "Vai iedzīvotāji tiek uzklausīti?" in page  # what was typed stays
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 0


def test_an_unanswered_instrument_changes_freely(client, admin):
    instrument = make_instrument(themes=(("Atklātība", 2),))
    theme = instrument.themes[0]
    first, second = theme.questions
    first_id, second_id = first.id, second.id
    response = client.post(f"/programme/instruments/{instrument.id}/edit", data={
        "name": instrument.name,
        **_row("themes-0", id=str(theme.id), position="1", name="Atklātība"),
        **_row("themes-0-questions-0", id=str(first.id), text=first.text,
               levels="1\n2\n3\n4\n5", remove=""),
        **_row("themes-0-questions-1", id=str(second.id), text=second.text,
               levels="Nē\nJā", remove="y")})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Theme, theme.id).questions
    assert [q.id for q in kept] == [first_id] and kept[0].scale_max == 5
    assert db.session.get(Question, second_id) is None


def _answered():
    instrument = make_instrument(themes=(("Atklātība", 2),))
    answer_round(round_of(instrument, RoundKind.FINAL),
                 {municipalities_of("zemgale", 1)[0]: 2}, submitted=False)  # a draft
    return instrument


def _as_stored(instrument, **changes) -> dict:
    theme = instrument.themes[0]
    first, second = theme.questions
    data = {"name": instrument.name,
            **_row("themes-0", id=str(theme.id), position="1", name=theme.name),
            **_row("themes-0-questions-0", id=str(first.id), position="1", text=first.text,
                   levels="\n".join(first.levels), asks_evidence="y"),
            **_row("themes-0-questions-1", id=str(second.id), position="2", text=second.text,
                   levels="\n".join(second.levels))}
    data.update(changes)
    return data


def test_an_answered_instrument_takes_wording_fixes_and_reordering(client, admin):
    instrument = _answered()
    theme = instrument.themes[0]
    first, second = theme.questions
    page = client.get(f"/programme/instruments/{instrument.id}/edit").get_data(as_text=True)
    assert "has answers already" in page and "Remove this question" not in page
    response = client.post(f"/programme/instruments/{instrument.id}/edit", data=_as_stored(
        instrument, **{"themes-0-name": "Atklātība un pārskatatbildība",
                       "themes-0-questions-0-levels": "Nav\nDaļēji\nPilnībā, ar pierādījumiem",
                       "themes-0-questions-0-position": "2",
                       "themes-0-questions-1-position": "1"}))
    assert response.status_code == 302
    db.session.expire_all()
    theme = db.session.get(Theme, theme.id)
    assert theme.name == "Atklātība un pārskatatbildība"
    assert [q.id for q in theme.questions] == [second.id, first.id]
    assert db.session.get(Question, first.id).levels[2] == "Pilnībā, ar pierādījumiem"
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 2  # untouched


@pytest.mark.parametrize("change", [
    {"themes-0-questions-0-levels": "Nav\nPilnībā"},  # a shorter scale
    {"themes-0-questions-1-asks_evidence": "y"},
    {"themes-0-questions-2-text": "Jauns jautājums?", "themes-0-questions-2-levels": "Nē\nJā"},
    {"themes-1-name": "Jauna tēma", "themes-1-questions-0-text": "Kas?",
     "themes-1-questions-0-levels": "Nē\nJā"},
    {"themes-0-questions-1-remove": "y"},
], ids=["rescale", "evidence", "new-question", "new-theme", "remove"])
def test_an_answered_instrument_refuses_structural_changes(client, admin, change):
    instrument = _answered()
    before = [(q.id, list(q.levels), q.asks_evidence) for q in instrument.themes[0].questions]
    response = client.post(f"/programme/instruments/{instrument.id}/edit",
                           data=_as_stored(instrument, **change))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "has answers already" in page and 'role="alert"' in page
    db.session.expire_all()
    stored = db.session.get(Instrument, instrument.id)
    assert len(stored.themes) == 1
    assert [(q.id, q.levels, q.asks_evidence) for q in stored.themes[0].questions] == before
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 2


def test_only_administrators_keep_instruments(client, make_user):
    instrument = make_instrument()
    for user in (make_user(role="coordinator", region=None),
                 make_user(municipality="Dobeles novads")):
        login(client, user)
        for url in ("/programme/instruments", "/programme/instruments/new",
                    f"/programme/instruments/{instrument.id}/edit"):
            assert client.get(url).status_code == 403, url
        assert client.post("/programme/instruments/new",
                           data=_new_instrument_form()).status_code == 403
        client.post("/logout")
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 1
    assert client.get("/programme/instruments/new").status_code == 302  # sign in first


# --- the API ----------------------------------------------------------------------------------

BODY = {"name": "Pašnovērtējums", "description": "Labas pārvaldības principi.",
        "themes": [{"name": "Atklātība", "questions": [
            {"text": "Vai lēmumi ir publiski?", "levels": ["Nē", "Daļēji", "Jā"],
             "asks_evidence": True}]}]}


def test_the_api_creates_reads_and_replaces_an_instrument(client, make_user, token_for):
    headers = token_for(make_user(role="admin"))
    created = client.post("/api/v1/programme/instruments", json=BODY, headers=headers)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["structure_locked"] is False
    question = body["themes"][0]["questions"][0]
    assert question["levels"] == ["Nē", "Daļēji", "Jā"] and question["asks_evidence"] is True
    assert client.get(f"/api/v1/programme/instruments/{body['id']}").json == body
    theme_id = body["themes"][0]["id"]
    replaced = client.put(f"/api/v1/programme/instruments/{body['id']}", headers=headers, json={
        "name": "Pašnovērtējums", "themes": [
            {"name": "Līdzdalība",
             "questions": [{"text": "Vai uzklausāt?", "levels": ["Nē", "Jā"]}]},
            {"id": theme_id, "name": "Atklātība", "questions": [
                {"id": question["id"], "text": "Vai lēmumi ir publiski?",
                 "levels": ["Nē", "Daļēji", "Jā"], "asks_evidence": True}]}]})
    assert replaced.status_code == 200, replaced.json
    assert [t["name"] for t in replaced.json["themes"]] == ["Līdzdalība", "Atklātība"]
    assert replaced.json["themes"][1]["id"] == theme_id
    assert [i["id"] for i in client.get("/api/v1/programme/instruments").json] == [body["id"]]


@pytest.mark.parametrize("body, field", [
    ({**BODY, "themes": []}, "themes"),
    ({**BODY, "name": " "}, "name"),
    ({**BODY, "themes": [{"name": "X", "questions": [{"text": "?", "levels": ["Viens"]}]}]},
     "themes"),
    ({**BODY, "themes": [{"id": 999999, "name": "X", "questions": [
        {"text": "?", "levels": ["Nē", "Jā"]}]}]}, "themes"),
], ids=["no-theme", "no-name", "one-level", "foreign-theme"])
def test_the_api_names_the_field_of_bad_input(client, make_user, token_for, body, field):
    response = client.post("/api/v1/programme/instruments", json=body,
                           headers=token_for(make_user(role="admin")))
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 0


def test_the_api_refuses_non_admins_and_structural_changes_once_answered(client, make_user,
                                                                        token_for):
    coordinator = token_for(make_user(role="coordinator", region=None))
    assert client.post("/api/v1/programme/instruments", json=BODY,
                       headers=coordinator).status_code == 403
    instrument = _answered()
    assert client.put(f"/api/v1/programme/instruments/{instrument.id}", json=BODY,
                      headers=coordinator).status_code == 403
    admin = token_for(make_user(role="admin", locale="en"))
    stored = client.get(f"/api/v1/programme/instruments/{instrument.id}").json
    assert stored["structure_locked"] is True
    shorter = {"name": stored["name"], "themes": [
        {**t, "questions": [{k: q[k] for k in ("id", "text", "levels", "asks_evidence")}
                            for q in t["questions"]][:1]}
        for t in ({k: t[k] for k in ("id", "name", "questions")} for t in stored["themes"])]}
    refused = client.put(f"/api/v1/programme/instruments/{instrument.id}", json=shorter,
                         headers=admin)
    assert refused.status_code == 409 and "answers already" in refused.json["detail"]
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 2


def test_the_instrument_list_asks_a_fixed_number_of_queries(client, count_queries):
    """Whether each instrument is answered (its structure locked) comes with the list, not
    from a query per instrument."""

    def listed() -> tuple[int, list]:
        with count_queries() as counter:
            body = client.get("/api/v1/programme/instruments").json
        return counter.count, body

    answered = _answered()
    make_instrument(name="Otrais")
    few, body = listed()
    assert [i["structure_locked"] for i in body] == [True, False]
    for n in range(4):
        extra = _answered() if n % 2 else make_instrument(name=f"Vēl viens {n}")
        assert extra.id
    many, body = listed()
    assert len(body) == 6 and many == few
    assert [i["structure_locked"] for i in body] == [True, False, False, True, False, True]
    assert body[0]["id"] == answered.id
