"""Pilot pages: the pilot page, my pilots, documents and the coordinators' portfolio; the
other pages register on the same blueprint from their own modules (see app.pilots.blueprint).

/pilots/<id> shows internal data only to the team and its coordinators; the template keeps
every internal section behind `internal`, so the public page can open the rest.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from app.accounts.forms import ButtonForm, EmptyForm
from app.core import access, language
from app.core.clock import now_utc, today_riga
from app.core.pagination import Page, clamp
from app.core.sanitize import stored_html
from app.extensions import db
from app.pilots import documents, kept_page, queries
from app.pilots import portfolio as overview
from app.pilots import views_entry as _entry  # noqa: F401  (registers its routes on bp)
from app.pilots import views_plan as _plan  # noqa: F401
from app.pilots import views_reports as _reports  # noqa: F401
from app.pilots import views_start as _start  # noqa: F401
from app.pilots.blueprint import bp
from app.pilots.forms import (
    FundingForm,
    ReplicationForm,
    ReplicationStatusForm,
    ReturnForm,
    StatusForm,
)
from app.pilots.health import LEVELS, reason_text
from app.pilots.models import Pilot
from app.pilots.models_reports import PilotDocument
from app.pilots.states import (
    PILOT_TRANSITIONS,
    PilotStatus,
)
from app.places import kept as kept_places
from app.public import follow as follow_ops
from app.public.cache import public_page

__all__ = ["bp"]

PORTFOLIO_PER_PAGE = 50


# --- my pilots -----------------------------------------------------------------------------------

@bp.route("/pilots/mine")  # /pilots is the public list of every pilot (app.public)
@access.signed_in
def my_pilots():
    today = today_riga()
    pilots = queries.my_pilots(current_user)
    figures = queries.load_figures(Pilot.id.in_([p.id for p in pilots])) if pilots else {}
    rows = queries.summarize_all(pilots, figures, today)
    return render_template("pilots/mine.html", rows=rows)


# --- the pilot page ------------------------------------------------------------------------------

def _status_form(pilot: Pilot) -> StatusForm | None:
    # In the order of the statuses, as the milestone form lists them: a set has none, and the
    # choices would change places from one process to the next.
    allowed = [s for s in sorted(PILOT_TRANSITIONS[pilot.status], key=list(PilotStatus).index)
               if pilot.can_move_to(current_user, s)]
    if not allowed:
        return None
    form = StatusForm(formdata=None)
    form.status.choices = [(s.value, s.label) for s in allowed]
    return form


def _replication_form(pilot: Pilot, form: ReplicationForm | None = None) -> ReplicationForm:
    form = form or ReplicationForm(formdata=None)
    taken = pilot.municipality_ids() | {r.municipality_id for r in pilot.replications}
    form.municipality_id.choices = [(value, label)
                                    for value, label in kept_places.municipality_choices()
                                    if int(value) not in taken]
    return form


# A reader who sees no internal part: no form of the team's or coordinators' is built.
_READ_ONLY = kept_page.READ_ONLY


@bp.route("/pilots/<id:pilot_id>")
@public_page
@access.public
def pilot(pilot_id: int):
    """Everyone sees the public parts (status, health and why, progress, milestones,
    indicators with their data, budget approved and spent, published reports, evaluation,
    replication); the team and its coordinators also the internal ones, with their forms."""
    today = today_riga()
    if not current_user.is_authenticated:
        # Someone not signed in never sees an internal part (can_view_internal): their page
        # is the same for every such reader, kept as plain values (app.pilots.kept_page).
        # No form is even built: it would start a session, and the page is shared.
        # It is rendered once per pilot, day and language, then joined (app.pilots.kept_page).
        locale = language.current()
        kept = kept_page.page(pilot_id, today, locale)
        if kept is None:
            abort(404)
        return render_template("pilots/pilot.html", pilot=kept.pilot, public_body=kept_page
                               .public_body(kept, today, locale, request.path))
    pilot = queries.pilot_by_id(pilot_id)
    if pilot is None:
        abort(404)
    internal = pilot.can_view_internal(current_user)
    row = queries.summarize(pilot, None, today)
    common = {"pilot": pilot, "row": row, "today": today,
              "charts": [kept_page.chart(i) for i in pilot.indicators],
              "summary_html": stored_html(pilot.summary_html),
              "stored_html": stored_html, "login_next": request.path,
              "following": follow_ops.is_following(pilot, current_user),
              "follow_form": EmptyForm(formdata=None)}
    if not internal:
        return render_template("pilots/pilot.html", **common, **_READ_ONLY)
    return render_template(
        "pilots/pilot.html", **common, internal=True,
        can_edit=pilot.can_edit(current_user), can_manage=pilot.can_manage(current_user),
        can_evaluate=pilot.can_evaluate(current_user),
        status_form=_status_form(pilot), funding_form=FundingForm(formdata=None),
        return_form=ReturnForm(formdata=None), empty_form=EmptyForm(formdata=None),
        replication_form=_replication_form(pilot),
        replication_status_form=ReplicationStatusForm(formdata=None))


# --- documents -----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/documents/<id:document_id>")
@access.public
def document(pilot_id: int, document_id: int):
    pilot = queries.pilot_by_id(pilot_id)
    doc = db.session.get(PilotDocument, document_id)
    if pilot is None or doc is None or doc.pilot_id != pilot.id:
        abort(404)
    # The team and its coordinators; anyone else only an invoice a manager marked public.
    access.require(pilot.can_view_document(current_user, doc), hide=True)
    try:
        path = documents.stored_path(doc.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=doc.filename, max_age=0, conditional=False)
    response.headers["Content-Disposition"] = documents.content_disposition(doc.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the coordinators' portfolio -----------------------------------------------------------------

@bp.route("/pilots/portfolio")
@access.coordinator_only
def portfolio():
    today = today_riga()
    filters = overview.clean_filters(request.args)
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page",
                                                                         PORTFOLIO_PER_PAGE),
                           PORTFOLIO_PER_PAGE)
    start = (page - 1) * per_page
    result = overview.portfolio(current_user, filters, today, start=start,
                                stop=start + per_page, table=True)
    table = Page(items=result.page(start, start + per_page), page=page, per_page=per_page,
                 total=result.matching)
    return render_template("pilots/portfolio.html", result=result, table=table,
                           today=today, regions=kept_places.regions(), statuses=list(PilotStatus),
                           levels=LEVELS, empty_form=ButtonForm())


@bp.route("/pilots/portfolio.csv")
@access.coordinator_only
def portfolio_csv():
    today = today_riga()
    filters = overview.clean_filters(request.args)
    result = overview.portfolio(current_user, filters, today)
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    body = queries.portfolio_csv(
        result.page(), delimiter=delimiter, reason_text=reason_text,
        url=lambda p: url_for("pilots.pilot", pilot_id=p.id, _external=True))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = documents.content_disposition(
        f"pilotprojekti-{now_utc().date().isoformat()}.csv")
    return response
