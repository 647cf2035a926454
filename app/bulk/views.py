"""Pages of bulk work: download a pilot's or the portfolio's workbook, import it back with a
preview and a confirmation, and the portfolio's bulk actions on a selection of pilots.

Each view names its objects, its predicate and its one operation; app.core.web does the rest.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.forms import EmptyForm
from app.bulk import actions, parsing, sheets, uploads
from app.bulk import operations as ops
from app.bulk.forms import UploadForm
from app.core import access, web
from app.core.clock import now_utc, today_riga
from app.core.collation import latvian
from app.core.translation import gettext as _
from app.core.translation import ngettext
from app.extensions import db
from app.ideas.attachments import content_disposition
from app.pilots import queries
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator
from app.teams.models import Team, TeamMember

bp = Blueprint("bulk", __name__)


def _with_rows():
    """What a workbook shows, loaded up front."""
    return (selectinload(Pilot.milestones),
            selectinload(Pilot.indicators).selectinload(Indicator.measurements),
            selectinload(Pilot.expenses), joinedload(Pilot.hackathon),
            joinedload(Pilot.team).selectinload(Team.members).joinedload(TeamMember.user))


def _selected_ids() -> list[int]:
    ids = request.values.getlist("pilot")
    return sorted({int(i) for i in ids if i.isdigit() and len(i) < 10})


def _scope_pilots(ids: list[int] | None = None) -> list[Pilot]:
    """The pilots the coordinator follows (those of `ids` only, when given)."""
    statement = (select(Pilot).where(queries.scope_condition(current_user))
                 .options(*_with_rows()).order_by(latvian(Pilot.title), Pilot.id))
    if ids:
        statement = statement.where(Pilot.id.in_(ids))
    return list(db.session.scalars(statement).unique())


def _download(pilots: list[Pilot], stem: str, sheet: str | None) -> Response:
    rows = sheets.rows_of(pilots)
    stamp = now_utc().date().isoformat()
    if sheet is None:
        response = Response(sheets.to_xlsx(rows), mimetype=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        name = f"{stem}-{stamp}.xlsx"
    else:
        web.check_found(sheets.SHEETS_BY_KEY.get(sheet))
        response = Response(sheets.to_csv(sheets.SHEETS_BY_KEY[sheet], rows[sheet]),
                            mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        name = f"{stem}-{sheet}-{stamp}.csv"
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


# --- export -----------------------------------------------------------------------------------

def _editable_pilot(pilot_id: int) -> Pilot:
    return web.load(select(Pilot).options(*_with_rows()), pilot_id,
                    see=Pilot.can_view_internal, may=Pilot.can_edit)


@bp.route("/pilots/<id:pilot_id>/workbook.xlsx")
@access.signed_in
def pilot_workbook(pilot_id: int):
    return _download([_editable_pilot(pilot_id)], f"pilots-{pilot_id}", None)


@bp.route("/pilots/<id:pilot_id>/workbook-<sheet>.csv")
@access.signed_in
def pilot_sheet(pilot_id: int, sheet: str):
    return _download([_editable_pilot(pilot_id)], f"pilots-{pilot_id}", sheet)


@bp.route("/pilots/portfolio/workbook.xlsx")
@access.coordinator_only
def portfolio_workbook():
    return _download(_scope_pilots(_selected_ids()), "pilotprojekti", None)


@bp.route("/pilots/portfolio/workbook-<sheet>.csv")
@access.coordinator_only
def portfolio_sheet(sheet: str):
    return _download(_scope_pilots(_selected_ids()), "pilotprojekti", sheet)


# --- import -----------------------------------------------------------------------------------

def _labels() -> dict[str, Any]:
    return {s.key: {"title": s.title, "columns": {c.key: c.label for c in s.columns}}
            for s in sheets.SHEETS}


def _preview_page(kept: uploads.Kept | None, preview: ops.Preview | None, form: Any,
                  status: int):
    return render_template("bulk/import.html", form=form, kept=kept, preview=preview,
                           labels=_labels(), confirm_form=EmptyForm(formdata=None)), status


def _read_and_preview(data: dict[str, Any]) -> tuple[uploads.Kept, ops.Preview]:
    upload = data["workbook"]
    kept_name = uploads.safe_name(upload.filename)
    content = upload.stream.read(parsing.MAX_BYTES + 1)
    parsed = parsing.read(content, kept_name)
    kept = uploads.keep(current_user.id, kept_name, content)
    return kept, ops.preview_import(parsed, actor=current_user, source=kept.filename)


@bp.route("/pilots/import", methods=["GET", "POST"])
@access.signed_in
def upload():
    form = UploadForm()
    return web.submit(
        form, run=_read_and_preview,
        success=lambda result: _preview_page(result[0], result[1], form,
                                             422 if result[1].problems else 200),
        page=lambda status: _preview_page(None, None, form, status))


def _where_to_go(preview: ops.Preview) -> str:
    pilot_ids = {o.pilot_id for o in preview.outcomes if o.pilot_id}
    if len(pilot_ids) == 1:
        return url_for("pilots.pilot", pilot_id=pilot_ids.pop())
    if current_user.is_admin or current_user.is_coordinator:
        return url_for("pilots.portfolio")
    return url_for("pilots.my_pilots")


def _imported(kept: uploads.Kept, preview: ops.Preview):
    uploads.forget(current_user.id, kept.token)
    counts = preview.counts
    # Each count after its label, so that the sentence holds for any number.
    message = _("Imported from %(name)s. Rows created: %(created)d; changed: %(changed)d; "
                "left alone: %(same)d; conflicts not overwritten: %(conflicts)d.",
                name=kept.filename, created=counts[ops.CREATE], changed=counts[ops.CHANGE],
                same=counts[ops.UNCHANGED], conflicts=counts[ops.CONFLICT])
    return web.done(message, _where_to_go(preview))


@bp.route("/pilots/import/<token>", methods=["POST"])
@access.signed_in
def confirm(token: str):
    kept = web.check_found(uploads.find(current_user.id, token))
    form = EmptyForm()
    parsed = parsing.read(kept.data, kept.filename)

    def page(status: int):
        preview = ops.preview_import(parsed, actor=current_user, source=kept.filename)
        return _preview_page(kept, preview, UploadForm(formdata=None), status)

    return web.submit(form, run=lambda _data: ops.apply_import(
        parsed, actor=current_user, source=kept.filename),
        success=lambda preview: _imported(kept, preview), page=page)


# --- bulk actions in the portfolio -------------------------------------------------------------

@bp.route("/pilots/portfolio/selection")
@access.coordinator_only
def selection():
    today = today_riga()
    pilots = _scope_pilots()
    overdue = {p.id: sum(1 for m in p.milestones if m.is_overdue(today)) for p in pilots}
    return render_template("bulk/selection.html", pilots=pilots, overdue=overdue,
                           chosen=set(_selected_ids()), form=EmptyForm(formdata=None))


@bp.route("/pilots/portfolio/selection/remind", methods=["POST"])
@access.coordinator_only
def remind():
    ids = _selected_ids()
    pilots = _scope_pilots(ids) if ids else []
    back = url_for("bulk.selection")
    return web.act(
        lambda: actions.remind_teams(pilots, actor=current_user),
        success=lambda count: web.done(
            ngettext("%(num)d reminder sent about overdue milestones.",
                     "%(num)d reminders sent about overdue milestones.", count)
            if pilots else _("Choose at least one pilot."),
            back, "success" if pilots else "error"),
        back=back)
