"""Keeping assessment instruments: an administrator creates one and edits its themes,
questions and scales.

The rule for an instrument that has answers: its **structure is locked, its wording is
not**. Once any answer is stored (`Instrument.structure_locked`), themes and questions can
no longer be added, removed or moved to another theme, a scale keeps its number of levels
and a question whether it asks for evidence; names, question texts and level descriptions
may still be corrected, and themes and questions reordered. So every stored answer keeps
its question and its level's place on the scale, and the initial and final rounds compare
on the same questions. A different questionnaire is a new instrument.

Operations flush and never commit; the request pipeline commits at the edge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.programme.models import Instrument, Question, Theme, may_edit_instruments
from app.programme.schemas import InstrumentInput

LOCKED = _l("This instrument has answers already, so its themes, questions and scales are "
            "fixed: names, question texts and level descriptions may be corrected, and themes "
            "and questions reordered, but nothing may be added, removed or rescaled. For a "
            "different questionnaire, create a new instrument.")


NO_THEME = _l("No such theme in this instrument.")
NO_QUESTION = _l("No such question in this theme.")


def outline(instrument: Instrument) -> dict[int, dict[int, tuple[int, bool]]]:
    """{theme: {question: (number of levels, asks evidence)}}: what answers depend on."""
    return {t.id: {q.id: (len(q.levels), q.asks_evidence) for q in t.questions}
            for t in instrument.themes}


def _wanted_outline(values: dict) -> dict[int | None, dict[int | None, tuple[int, bool]]]:
    return {t["id"]: {q["id"]: (len(q["levels"]), q["asks_evidence"]) for q in t["questions"]}
            for t in values["themes"]}


def _check_ids(instrument: Instrument | None, values: dict) -> None:
    """Every id sent names a theme of this instrument (or a question of that theme), once."""
    themes = {t.id: t for t in instrument.themes} if instrument is not None else {}
    errors: list[str] = []
    seen_themes: set[int] = set()
    seen_questions: set[int] = set()
    for i, theme in enumerate(values["themes"]):
        stored = themes.get(theme["id"]) if theme["id"] is not None else None
        if theme["id"] is not None and (stored is None or theme["id"] in seen_themes):
            errors.append(f"{i}.id: {NO_THEME}")
            continue
        if theme["id"] is not None:
            seen_themes.add(theme["id"])
        questions = {q.id for q in stored.questions} if stored is not None else set()
        for j, question in enumerate(theme["questions"]):
            if question["id"] is None:
                continue
            if question["id"] not in questions or question["id"] in seen_questions:
                errors.append(f"{i}.questions.{j}.id: {NO_QUESTION}")
            seen_questions.add(question["id"])
    if errors:
        raise Invalid(errors={"themes": errors})


def save_instrument(instrument: Instrument | None, data: dict, *, actor: Any,
                    now: datetime | None = None) -> Instrument:
    """Create an instrument (`instrument` None) or make a stored one as `data` describes it:
    themes and questions in the order given; stored ones named by id are kept, new ones
    added, those left out removed. An instrument with answers changes only its wording."""
    now = now or now_utc()
    if not may_edit_instruments(actor):
        raise NotAllowed(_l("Only administrators keep the assessment instruments."))
    values = load(InstrumentInput, data)
    _check_ids(instrument, values)
    before = None
    if instrument is None:
        instrument = Instrument(created_at=now)
        db.session.add(instrument)
    else:
        before = outline(instrument)
        if instrument.structure_locked and _wanted_outline(values) != before:
            raise WrongState(LOCKED)
    instrument.name, instrument.description = values["name"], values["description"]
    _apply_themes(instrument, values["themes"])
    db.session.flush()
    record_audit("assessment.instrument.create" if before is None else
                 "assessment.instrument.update", actor=actor,
                 object_type="assessment_instrument", object_id=instrument.id,
                 before={"outline": _plain(before)} if before is not None else None,
                 after={"name": instrument.name, "outline": _plain(outline(instrument))},
                 now=now)
    return instrument


def _apply_themes(instrument: Instrument, wanted: list[dict]) -> None:
    stored = {t.id: t for t in instrument.themes}
    themes = []
    for position, values in enumerate(wanted, start=1):
        theme = stored.pop(values["id"]) if values["id"] in stored else Theme()
        theme.name, theme.position = values["name"], position
        _apply_questions(theme, values["questions"])
        themes.append(theme)
    # Themes left out are removed with their questions (the relationship's delete-orphan);
    # with answers stored, the outline check above has refused that already.
    instrument.themes = themes


def _apply_questions(theme: Theme, wanted: list[dict]) -> None:
    stored = {q.id: q for q in theme.questions}
    questions = []
    for position, values in enumerate(wanted, start=1):
        question = stored.pop(values["id"]) if values["id"] in stored else Question()
        question.text, question.position = values["text"], position
        question.levels = list(values["levels"])
        question.asks_evidence = values["asks_evidence"]
        questions.append(question)
    theme.questions = questions


def _plain(shape: dict | None) -> Any:
    if shape is None:
        return None
    return {str(t): {str(q): list(v) for q, v in qs.items()} for t, qs in shape.items()}
