"""The pilots blueprint and what its page modules share: loading a pilot or a part of it with
the pilot's access rule, the form door with its statuses, and the choices forms offer.

The views live in `views` (the pilot page, my pilots, documents, the portfolio),
`views_start` (from winner to pilot), `views_plan` (the plan, status, milestones,
indicators), `views_entry` (the quick entry of measurements and expenses, funding) and
`views_reports` (progress reports, evaluation, replication); each registers on `bp`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.collation import latvian
from app.core.errors import DomainError, Invalid, handle_http_exception
from app.core.translation import gettext as _
from app.extensions import db
from app.pilots import badges, documents, queries, rows
from app.pilots import policy as pilot_policy
from app.pilots import reports as reports_ops
from app.pilots.health import badge_text, reason_text
from app.pilots.models import Pilot
from app.pilots.models_plan import Measurement
from app.pilots.models_reports import PilotDocument
from app.public import fragments

bp = Blueprint("pilots", __name__)
# The badges and the kept rows are globals, so that macros imported without the page's
# context, and the rows themselves, have them too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(
    {**badges.BADGES, **rows.TEMPLATE_GLOBALS}))
fragments.allow_in_rows(*badges.BADGES)  # of the language and their arguments alone


@bp.app_context_processor
def pilot_helpers() -> dict[str, Any]:
    return {"reason_text": reason_text, "badge_text": badge_text, "pilot_policy": pilot_policy}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """An upload over the request limit: back to the pilot with the reason."""
    pilot_id = (request.view_args or {}).get("pilot_id")
    if pilot_id is None or not current_user.is_authenticated:
        return handle_http_exception(error)
    flash(_("The file is too large: each file may have at most 10 MB. Nothing was saved."),
          "error")
    return redirect(url_for("pilots.pilot", pilot_id=pilot_id))


# --- loading -------------------------------------------------------------------------------------

def load_pilot(pilot_id: int) -> Pilot:
    """The pilot, for its team and coordinators; to anyone else it does not exist (yet)."""
    pilot = web.check_found(queries.pilot_by_id(pilot_id))
    access.require(pilot.can_view_internal(current_user), hide=True)
    return pilot


def editable_pilot(pilot_id: int) -> Pilot:
    """The pilot, for those who may change it (403 for the rest of its team's readers)."""
    pilot = load_pilot(pilot_id)
    web.check(pilot.can_edit(current_user))
    return pilot


def load_child(model: type, object_id: int) -> tuple[Any, Pilot]:
    """A milestone, expense, report... and its pilot, with the pilot's access rule."""
    obj: Any = web.load(model, object_id)
    pilot_id = obj.indicator.pilot_id if isinstance(obj, Measurement) else obj.pilot_id
    return obj, load_pilot(pilot_id)


def pilot_url(pilot: Pilot, anchor: str = "") -> str:
    return url_for("pilots.pilot", pilot_id=pilot.id) + anchor


def valid_post() -> None:
    """A button's form (its CSRF token): a forged or stale one is a bad request."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def valid_form(form: FlaskForm) -> None:
    """A small form on the pilot page: one that does not validate is a bad request."""
    if not form.validate_on_submit():
        abort(400)


# --- the form door ------------------------------------------------------------------------------

def submit(form: FlaskForm, *, run: Callable[[], Any],
           success: Callable[[Any], ResponseReturnValue],
           page: Callable[[int], ResponseReturnValue],
           field_map: dict[str, str] | None = None,
           stale: Callable[[Any], ResponseReturnValue] | None = None) -> ResponseReturnValue:
    """`web.submit` for the pilot forms: a form that does not validate (a missing token, a
    choice that was not offered) is a bad request (400), what the operation refuses is
    shown beside the fields with the refusal's status (422, 409, 403)."""
    if form.is_submitted() and not form.validate():
        return page(400)
    return web.submit(form, run=lambda _data: run(), success=success, page=page,
                      field_map=field_map, stale=stale)


def on_pilot_page(run: Callable[[], Any], success: str | Callable[[], str], back: str, *,
                  refused: type[DomainError] = DomainError, invalid: str | None = None
                  ) -> ResponseReturnValue:
    """A small form on the pilot page (a status, a funding line, a replication, a review of
    a report): run the one operation and say `success` (text, or a function of nothing for
    a message about the result), or flash every message of a refusal (`invalid` instead of
    the field messages, where one sentence says it better); then go `back` to the page it
    was sent from."""
    try:
        web.attempt(run)
    except refused as error:
        messages = [m for msgs in error.errors.values() for m in msgs] or [error.detail]
        if invalid is not None and isinstance(error, Invalid):
            messages = [invalid]
        flash(" ".join(str(m) for m in messages), "error")
    else:
        flash(success() if callable(success) else success, "success")
    return redirect(back)


def remove_child(model: type, object_id: int, operation: Callable[..., Any],
                 may: Callable[[Pilot, Any], bool], message: str, anchor: str
                 ) -> ResponseReturnValue:
    """The shared way of a removal: load, ask the pilot's predicate, check the form, run the
    one operation and go back to the right part of the pilot page."""
    obj, pilot = load_child(model, object_id)
    web.check(may(pilot, current_user))
    valid_post()
    return web.act(lambda: operation(obj, actor=current_user),
                   success=lambda _none: web.done(message, pilot_url(pilot, anchor)),
                   back=pilot_url(pilot, anchor))


def upload(form_field: Any, pilot: Pilot, field_name: str = "document") -> PilotDocument | None:
    """Store the file sent in `form_field`, if any (the operation checks its content)."""
    sent = form_field.data
    if not sent or not getattr(sent, "filename", ""):
        return None
    data = sent.read(documents.MAX_FILE_BYTES + 1)
    return reports_ops.add_document(pilot, sent.filename, data, actor=current_user,
                                    field=field_name)


def form_values(form: FlaskForm, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a form, as the operation reads them."""
    return {name: getattr(form, name).data for name in names}


# --- choices ------------------------------------------------------------------------------------

def coordinator_choices(pilot_region: str | None, hackathon: Any) -> list[tuple[str, str]]:
    from app.accounts.models import Role, RoleGrant, User

    users = db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.COORDINATOR, User.disabled_at.is_(None))
        .order_by(latvian(User.name))).unique().all()
    return [("", _("— nobody yet —"))] + [
        (str(u.id), u.name) for u in users
        if u.coordinates_region(pilot_region) or hackathon.can_manage(u)]
