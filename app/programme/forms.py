"""Programme forms: they carry the fields; the schemas and operations decide what is valid."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.core.translation import lazy_gettext as _l
from app.programme.models import EventFormat, EventKind


class EventForm(FlaskForm):
    title = StringField(_l("Title"))
    kind = SelectField(_l("Kind of event"), choices=[], validate_choice=False)
    format = SelectField(_l("Format"), choices=[], validate_choice=False)
    region = SelectField(_l("Planning region"), choices=[], validate_choice=False,
                         description=_l("None for a national event organised by the ministry."))
    theme = StringField(_l("Theme"))
    starts_on = StringField(_l("First day"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day"), render_kw={"type": "date"},
                          description=_l("Leave empty for a one-day event."))
    place = StringField(_l("Place or link"))
    organiser = StringField(_l("Organiser"))

    def __init__(self, *args: Any, regions: Any = (), locale: str = "lv", **kwargs: Any):
        super().__init__(*args, **kwargs)
        # A required list starts with an empty choice (HTML requires it, and nobody records
        # a workshop as a conference by not looking).
        self.kind.choices = [("", "—")] + [(k.value, str(k.label)) for k in EventKind]
        self.format.choices = [("", "—")] + [(f.value, str(f.label)) for f in EventFormat]
        self.region.choices = [("", str(_l("National")))] + [
            (r.code, r.name(locale)) for r in regions]
        for field in (self.title, self.kind, self.format, self.starts_on):
            field.flags.required = True

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "kind", "format", "region", "theme", "starts_on", "ends_on", "place",
            "organiser")}


class AttendeeForm(FlaskForm):
    name = StringField(_l("Name and surname"))
    email = EmailField(_l("E-mail address (optional)"),
                       description=_l("Finds the same person across events."))
    municipality = StringField(_l("Municipality"),
                               description=_l("The official name, e.g. Dobeles novads."))
    region = StringField(_l("Planning region (planning-region staff only)"))


class ImportForm(FlaskForm):
    sheet = FileField(_l("Sign-in sheet (CSV)"), render_kw={"accept": ".csv,text/csv"},
                      description=_l("A header row with the columns vārds (name), e-pasts "
                                     "(email), pašvaldība (municipality) and, for "
                                     "planning-region staff, reģions (region); comma or "
                                     "semicolon separated, UTF-8."))


class RoundForm(FlaskForm):
    """Opening an assessment round: only the kinds the instrument has not opened yet."""

    kind = SelectField(_l("Round"), choices=[], validate_choice=False)
    opens_on = StringField(_l("First day answers are taken"), render_kw={"type": "date"},
                           description=_l("Leave empty to open it today."))
    closes_on = StringField(_l("Last day answers are taken"), render_kw={"type": "date"})

    def __init__(self, *args: Any, kinds: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The kind always has a value: the one round the instrument may open next.
        self.kind.choices = [(k.value, str(k.label)) for k in kinds]
        self.closes_on.flags.required = True

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in ("kind", "opens_on", "closes_on")}


# --- assessment instruments ----------------------------------------------------------------------

_PATH = re.compile(r"^(\d+)(?:\.questions\.(\d+))?\.(\w+)(?:\.\d+)?: (.*)$", re.S)


class QuestionRow(Form):
    """One question of a theme in the instrument form (no CSRF of its own)."""

    id = HiddenField()
    position = StringField(_l("Order"), render_kw={"inputmode": "numeric", "size": 3})
    text = TextAreaField(_l("Question"), render_kw={"rows": 2})
    levels = TextAreaField(_l("Levels of the scale, lowest first"), render_kw={"rows": 4},
                           description=_l("One level per line, each saying what the answer "
                                          "at that level means; from 2 to 10 levels."))
    asks_evidence = BooleanField(_l("Ask for evidence"))
    remove = BooleanField(_l("Remove this question"))

    def is_blank(self) -> bool:
        return not self.id.data and not (self.text.data or "").strip() and not (
            self.levels.data or "").strip()


class ThemeRow(Form):
    id = HiddenField()
    position = StringField(_l("Order"), render_kw={"inputmode": "numeric", "size": 3})
    name = StringField(_l("Theme"))
    remove = BooleanField(_l("Remove this theme and its questions"))
    questions = FieldList(FormField(QuestionRow), min_entries=0, max_entries=51)

    def is_blank(self) -> bool:
        return not self.id.data and not (self.name.data or "").strip() and all(
            q.form.is_blank() for q in self.questions)


def _order(raw: str | None, index: int) -> tuple[int, int]:
    text = (raw or "").strip()
    return (int(text) if text.isdigit() and len(text) < 6 else index + 1, index)


class InstrumentForm(FlaskForm):
    """The whole instrument on one page: the form only carries the fields; the schema
    (InstrumentInput) and the operation decide what is valid. Blank rows are offered for a
    new theme and a new question; a row left blank is not sent."""

    form_errors: list[str]  # set by wtforms in __init__, untyped there

    name = StringField(_l("Name"))
    description = TextAreaField(_l("Description (optional)"), render_kw={"rows": 3})
    themes = FieldList(FormField(ThemeRow), min_entries=0, max_entries=31)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.name.flags.required = True
        # Which form row each item of the data came from, to put a message beside it.
        self.rows: list[tuple[ThemeRow, list[QuestionRow]]] = []

    def add_blank_rows(self, *, themes: bool = True) -> None:
        """A blank question in every theme, and a blank theme with a blank question."""
        for entry in self.themes:
            entry.form.questions.append_entry()
        if themes:
            self.themes.append_entry().form.questions.append_entry()

    def to_data(self) -> dict:
        themes = []
        self.rows = []
        entries = [e.form for e in self.themes]
        for _index, row in sorted(enumerate(entries),
                                   key=lambda p: _order(p[1].position.data, p[0])):
            if row.remove.data or row.is_blank():
                continue
            questions, kept = [], []
            q_entries = [e.form for e in row.questions]
            for _q_index, q in sorted(enumerate(q_entries),
                                     key=lambda p: _order(p[1].position.data, p[0])):
                if q.remove.data or q.is_blank():
                    continue
                questions.append({
                    "id": q.id.data or None, "text": q.text.data or "",
                    "levels": [line.strip() for line in (q.levels.data or "").splitlines()
                               if line.strip()],
                    "asks_evidence": bool(q.asks_evidence.data)})
                kept.append(q)
            themes.append({"id": row.id.data or None, "name": row.name.data or "",
                           "questions": questions})
            self.rows.append((row, kept))
        return {"name": self.name.data or "", "description": self.description.data or "",
                "themes": themes}

    def place_errors(self) -> list[tuple[str, str, str]]:
        """Messages about a theme or question (`0.questions.1.text: …`, as the schema
        names them) moved from the top of the form to the field concerned; the list of
        (field id, label, message) for the summary at the top."""
        placed: list[tuple[str, str, str]] = []
        rest: list[str] = []
        for message in list(self.form_errors):
            match = _PATH.match(str(message))
            field = self._field_at(match) if match else None
            if field is None or match is None:
                rest.append(message)
                continue
            field.errors = [*field.errors, match.group(4)]
            placed.append((field.id, str(field.label.text), match.group(4)))
        self.form_errors = rest
        for name in ("name", "description"):
            placed += [(self[name].id, str(self[name].label.text), str(e))
                       for e in self[name].errors]
        return placed

    def _field_at(self, match: re.Match[str]) -> Any:
        t_index, q_index, name = int(match.group(1)), match.group(2), match.group(3)
        if t_index >= len(self.rows):
            return None
        theme, questions = self.rows[t_index]
        if q_index is None:
            return theme.name if name in ("id", "name", "questions") else None
        if int(q_index) >= len(questions):
            return None
        question = questions[int(q_index)]
        return getattr(question, {"id": "text"}.get(name, name), None)
