"""Programme pages: the public indicator, and the coordinator's events and attendance.

The public sees aggregated figures only, never a name; attendance lists are for the
coordinators of the event's region.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import today_riga
from app.core.errors import Invalid
from app.core.pagination import clamp, paginate
from app.core.spreadsheet import formula_safe
from app.core.translation import gettext as _
from app.extensions import db
from app.hackathons.models import may_manage_region
from app.places.models import Municipality, Region
from app.programme import assessing, queries, report
from app.programme import instruments as instrument_ops
from app.programme import operations as ops
from app.programme import rounds as round_ops
from app.programme.benchmark import compare, theme_scores
from app.programme.forms import AttendeeForm, EventForm, ImportForm, InstrumentForm, RoundForm
from app.programme.models import (
    AssessmentResponse,
    AssessmentRound,
    Event,
    EventFormat,
    EventKind,
    Instrument,
    Person,
    RoundKind,
    answered_instruments,
    may_edit_instruments,
    may_record_events,
)

bp = Blueprint("programme", __name__, url_prefix="/programme")


def _locale() -> str:
    return str(get_locale() or "lv")


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.code)))


# --- public ---------------------------------------------------------------------------------

@bp.route("/")
@access.public
def dashboard() -> ResponseReturnValue:
    figure = queries.indicator()
    return render_template("programme/dashboard.html", figure=figure, targets=queries.targets(),
                           regions={r.code: r for r in _regions()}, kinds=EventKind,
                           formats=EventFormat)


@bp.route("/indicator.csv")
@access.public
def indicator_csv() -> ResponseReturnValue:
    figure = queries.indicator()
    rows: list[list] = [["dimension", "value", "people_trained", "target", "forecast"],
                        ["total", "all", figure.trained, figure.target, figure.forecast]]
    rows += [["region", r.code, r.trained, r.target, r.forecast] for r in figure.regions]
    rows += [["year", year, count, "", ""] for year, count in figure.by_year.items()]
    rows += [["kind", kind, count, "", ""] for kind, count in figure.by_kind.items()]
    rows += [["format", fmt, count, "", ""] for fmt, count in figure.by_format.items()]
    out = io.StringIO()
    csv.writer(out).writerows([[formula_safe(str(cell)) for cell in row] for row in rows])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=training-indicator.csv"})


# --- the coordinator's events ------------------------------------------------------------------

@bp.route("/events")
@access.coordinator_only
def events() -> ResponseReturnValue:
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 20))
    result = paginate(queries.events_query(), page, per_page, scalars=False)
    return render_template("programme/events.html", page=result,
                           can_record=may_record_events(current_user))


@bp.route("/events/new", methods=["GET", "POST"])
@access.coordinator_only
def new_event() -> ResponseReturnValue:
    form = EventForm(regions=_regions(), locale=_locale())
    return web.submit(
        form, run=lambda data: ops.create_event(data, actor=current_user),
        success=lambda event: web.done(
            _("The event has been recorded. Now add who attended."),
            url_for("programme.event", event_id=event.id)),
        page=lambda status: (render_template("programme/event_form.html", form=form), status))


def _event(event_id: int) -> Event:
    return web.load(Event, event_id, may=Event.can_manage)


def _event_page(event: Event, *, attendee_form: AttendeeForm | None = None,
                import_form: ImportForm | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "programme/event.html", event=event,
        attendee_form=attendee_form or AttendeeForm(formdata=None),
        import_form=import_form or ImportForm(formdata=None)), status


@bp.route("/events/<id:event_id>")
@access.coordinator_only
def event(event_id: int) -> ResponseReturnValue:
    return _event_page(_event(event_id))


@bp.route("/events/<id:event_id>/attendance", methods=["POST"])
@access.coordinator_only
def add_attendee(event_id: int) -> ResponseReturnValue:
    found = _event(event_id)
    form = AttendeeForm()
    return web.submit(
        form, run=lambda data: ops.record_attendance(found, data, actor=current_user),
        success=lambda added: web.done(
            _("The attendee has been added.") if added else
            _("This person is already on the list."), url_for("programme.event",
                                                            event_id=found.id) + "#attendance",
            "success" if added else "info"),
        page=lambda status: _event_page(found, attendee_form=form, status=status))


@bp.route("/events/<id:event_id>/import", methods=["POST"])
@access.coordinator_only
def import_sheet(event_id: int) -> ResponseReturnValue:
    found = _event(event_id)
    form = ImportForm()

    def run(_data: dict) -> ops.ImportResult:
        sheet = form.sheet.data
        if sheet is None or not getattr(sheet, "filename", ""):
            raise Invalid(errors={"sheet": [_("Choose a CSV file to import.")]})
        return ops.import_attendance(found, sheet.read(ops.SHEET_MAX_BYTES + 1),
                                     sheet.filename, actor=current_user)

    return web.submit(
        form, run=run,
        success=lambda result: web.done(
            _("Imported. Added: %(added)d; already on the list: %(already)d.",
              added=result.added, already=result.already),
            url_for("programme.event", event_id=found.id) + "#attendance"),
        page=lambda status: _event_page(found, import_form=form, status=status))


@bp.route("/people/duplicates", methods=["GET", "POST"])
@access.coordinator_only
def duplicates() -> ResponseReturnValue:
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        keep = web.load(Person, request.form.get("keep_id", type=int))
        duplicate = web.load(Person, request.form.get("duplicate_id", type=int))
        return web.act(lambda: ops.merge_people(keep, duplicate, actor=current_user),
                       back=url_for("programme.duplicates"),
                       success=lambda _kept: web.done(_("The two records are now one person."),
                                                      url_for("programme.duplicates")))
    return render_template("programme/duplicates.html", pairs=ops.duplicate_people(), form=form)


# --- assessments and benchlearning ------------------------------------------------------------

@bp.route("/assessments")
@access.public
def assessments() -> ResponseReturnValue:
    instruments = db.session.scalars(select(Instrument).order_by(Instrument.id)).all()
    mine = {}
    if current_user.is_authenticated and current_user.municipality_id:
        mine = {r.round_id: r for r in db.session.scalars(select(AssessmentResponse).where(
            AssessmentResponse.municipality_id == current_user.municipality_id))}
    return render_template("programme/assessments.html", instruments=instruments, mine=mine,
                           today=today_riga(),
                           may_edit_instruments=may_edit_instruments(current_user))


@bp.route("/assessments/rounds/<id:round_id>/answer", methods=["GET", "POST"])
@access.signed_in
def answer(round_id: int) -> ResponseReturnValue:
    round_ = web.load(AssessmentRound, round_id)
    response = assessing.response_for(round_, current_user)
    web.check(response.can_answer(current_user) or response.respondent_id == current_user.id
              or current_user.is_admin)
    form = EmptyForm()

    def page(status: int, errors: dict | None = None) -> ResponseReturnValue:
        given = {a.question_id: a for a in response.answers}
        return render_template("programme/answer.html", round=round_, response=response,
                               given=given, form=form, errors=errors or {}, today=today_riga(),
                               posted=request.form if request.method == "POST" else {}), status

    if request.method == "GET":
        return page(200)
    if not form.validate_on_submit():
        return page(400)
    submit = request.form.get("action") == "submit"
    try:
        web.attempt(lambda: assessing.save_answers(response, request.form.to_dict(),
                                                   submit=submit, actor=current_user))
    except Invalid as error:
        # Nothing is saved, nothing is lost: the page comes back with every answer given.
        return page(422, error.errors)
    return web.done(_("The answers have been submitted. Thank you!") if submit else
                    _("The draft has been saved."),
                    url_for("programme.answer", round_id=round_.id))


@bp.route("/assessments/<id:instrument_id>/results")
@access.public
def results(instrument_id: int) -> ResponseReturnValue:
    instrument = web.load(Instrument, instrument_id)
    before, after = assessing.round_medians(instrument)
    return render_template("programme/results.html", instrument=instrument, before=before,
                           after=after, regions=_regions())


# --- keeping the instruments (administrators) ---------------------------------------------------

@bp.route("/instruments")
@access.admin_only
def instruments() -> ResponseReturnValue:
    found = db.session.scalars(select(Instrument).order_by(Instrument.id)
                               .options(selectinload(Instrument.themes))).all()
    return render_template("programme/instruments.html", instruments=found,
                           answered=answered_instruments([i.id for i in found]))


def _instrument_initial(instrument: Instrument) -> dict:
    return {"name": instrument.name, "description": instrument.description, "themes": [
        {"id": str(t.id), "position": str(n), "name": t.name, "questions": [
            {"id": str(q.id), "position": str(m), "text": q.text,
             "levels": "\n".join(q.levels), "asks_evidence": q.asks_evidence}
            for m, q in enumerate(t.questions, start=1)]}
        for n, t in enumerate(instrument.themes, start=1)]}


def _instrument_form(instrument: Instrument | None) -> ResponseReturnValue:
    locked = instrument is not None and instrument.structure_locked
    if request.method == "POST":
        form = InstrumentForm()
    else:
        form = InstrumentForm(formdata=None,
                              data=_instrument_initial(instrument) if instrument else None)
        if not locked:
            form.add_blank_rows()

    def page(status: int) -> ResponseReturnValue:
        problems = form.place_errors() if status != 200 else []
        return render_template("programme/instrument_form.html", form=form,
                               instrument=instrument, locked=locked, problems=problems,
                               locked_text=instrument_ops.LOCKED), status

    return web.submit(
        form, run=lambda data: instrument_ops.save_instrument(instrument, data,
                                                             actor=current_user),
        success=lambda saved: web.done(_("The instrument has been saved."),
                                       url_for("programme.edit_instrument",
                                               instrument_id=saved.id)),
        # Messages about a theme or a question go on top first; place_errors moves them
        # beside their fields.
        page=page, field_map={"themes": "themes_messages"})


@bp.route("/instruments/new", methods=["GET", "POST"])
@access.admin_only
def new_instrument() -> ResponseReturnValue:
    return _instrument_form(None)


@bp.route("/instruments/<id:instrument_id>/edit", methods=["GET", "POST"])
@access.admin_only
def edit_instrument(instrument_id: int) -> ResponseReturnValue:
    return _instrument_form(web.load(Instrument, instrument_id, may=Instrument.can_edit))


# --- opening and closing the rounds (administrators) ---------------------------------------------

def _rounds_page(instrument: Instrument, form: RoundForm, status: int) -> ResponseReturnValue:
    found = round_ops.progress([r.id for r in instrument.rounds])
    municipalities = db.session.scalar(select(func.count(Municipality.id)))
    return render_template("programme/rounds.html", instrument=instrument, form=form,
                           progress=found, today=today_riga(),
                           municipalities=municipalities), status


def _kinds_to_open(instrument: Instrument) -> list[RoundKind]:
    """The baseline first; the final once the baseline exists; nothing once both do."""
    opened = {r.kind for r in instrument.rounds}
    return [k for k in RoundKind if k not in opened][:1]


@bp.route("/instruments/<id:instrument_id>/rounds", methods=["GET", "POST"])
@access.admin_only
def rounds(instrument_id: int) -> ResponseReturnValue:
    """The instrument's rounds with how far the municipalities are, and opening the next."""
    instrument = web.load(Instrument, instrument_id, may=Instrument.can_edit)
    form = RoundForm(kinds=_kinds_to_open(instrument))

    def opened(round_: AssessmentRound) -> ResponseReturnValue:
        message = (_("The initial assessment is open to every municipality from %(start)s to "
                     "%(end)s.", start=format_date(round_.opens_on),
                     end=format_date(round_.closes_on))
                   if round_.kind == RoundKind.BASELINE else
                   _("The final assessment is open to every municipality from %(start)s to "
                     "%(end)s.", start=format_date(round_.opens_on),
                     end=format_date(round_.closes_on)))
        return web.done(message, url_for("programme.rounds", instrument_id=instrument.id))

    return web.submit(
        form, run=lambda data: round_ops.open_round(instrument, data, actor=current_user),
        success=opened, page=lambda status: _rounds_page(instrument, form, status))


@bp.route("/assessments/rounds/<id:round_id>/close", methods=["POST"])
@access.admin_only
def close_round(round_id: int) -> ResponseReturnValue:
    round_ = web.load(AssessmentRound, round_id, may=AssessmentRound.can_manage)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = url_for("programme.rounds", instrument_id=round_.instrument_id)
    return web.act(lambda: round_ops.close_round(round_, actor=current_user), back=back,
                   success=lambda _closed: web.done(
                       _("The round is closed: the answers are frozen as they are."), back))


# --- the final report ---------------------------------------------------------------------------

def _report(instrument_id: int, *, detailed: bool) -> tuple[Instrument, list]:
    """The instrument and its report; each municipality's scores only in the detailed
    version, and there only for the regions the user coordinates."""
    instrument = web.load(Instrument, instrument_id)
    return instrument, report.final_report(
        instrument, today_riga(),
        detail=(lambda code: may_manage_region(current_user, code)) if detailed
        else (lambda _code: False))


def _report_page(instrument_id: int, *, detailed: bool) -> ResponseReturnValue:
    instrument, reports = _report(instrument_id, detailed=detailed)
    return render_template("programme/final_report.html", instrument=instrument,
                           reports=reports, themes={t.id: t for t in instrument.themes},
                           detailed=detailed)


def _report_csv(instrument_id: int, *, detailed: bool) -> ResponseReturnValue:
    instrument, reports = _report(instrument_id, detailed=detailed)
    out = io.StringIO()
    csv.writer(out).writerows([[formula_safe(str(cell)) for cell in row]
                               for row in report.csv_rows(instrument, reports)])
    name = "final-report-detail.csv" if detailed else "final-report.csv"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={name}"})


@bp.route("/assessments/<id:instrument_id>/final-report")
@access.public
def final_report(instrument_id: int) -> ResponseReturnValue:
    """Every region's pilots and the assessment's change: aggregates only."""
    return _report_page(instrument_id, detailed=False)


@bp.route("/assessments/<id:instrument_id>/final-report.csv")
@access.public
def final_report_csv(instrument_id: int) -> ResponseReturnValue:
    return _report_csv(instrument_id, detailed=False)


@bp.route("/assessments/<id:instrument_id>/final-report/detail")
@access.coordinator_only
def final_report_detail(instrument_id: int) -> ResponseReturnValue:
    """The same, with each municipality's scores in the regions the coordinator runs."""
    return _report_page(instrument_id, detailed=True)


@bp.route("/assessments/<id:instrument_id>/final-report/detail.csv")
@access.coordinator_only
def final_report_detail_csv(instrument_id: int) -> ResponseReturnValue:
    return _report_csv(instrument_id, detailed=True)


@bp.route("/benchlearning")
@access.signed_in
def benchlearning() -> ResponseReturnValue:
    """My municipality beside its region, the country and the best, theme by theme; and who
    does best, among those who agreed to be asked."""
    instrument = db.session.scalar(select(Instrument).order_by(Instrument.id))
    municipality_id = current_user.municipality_id
    rows, leaders = [], {}
    if instrument is not None:
        done = [r for r in instrument.rounds if r.closes_on <= today_riga()] or instrument.rounds
        latest = done[-1] if done else None
        if latest is not None:
            scores = theme_scores(assessing.answered(latest.id))
            theme_ids = [t.id for t in instrument.themes]
            if municipality_id:
                rows = compare(municipality_id, assessing.regions_of_municipalities(), scores,
                               theme_ids)
            sharing = set(db.session.scalars(select(AssessmentResponse.municipality_id).where(
                AssessmentResponse.round_id == latest.id,
                AssessmentResponse.shares_contact.is_(True),
                AssessmentResponse.submitted_at.is_not(None))))
            names: dict[int, str] = {m: n for m, n in db.session.execute(
                select(Municipality.id, Municipality.name))}
            for theme in theme_ids:
                best = sorted(((s, m) for (m, t), s in scores.items()
                               if t == theme and m in sharing), reverse=True)[:3]
                leaders[theme] = [(names[m], m, s) for s, m in best]
    themes = {t.id: t for t in instrument.themes} if instrument else {}
    return render_template("programme/benchlearning.html", instrument=instrument, rows=rows,
                           leaders=leaders, themes=themes)
