"""Privacy pages: download my data and close my account (on “My account”), and an
administrator's erasure of a person. Each view names its object, predicate and operation;
app.core.web does the rest."""

from __future__ import annotations

from flask import Blueprint, Response, json, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from app.accounts.models import User
from app.core import access, web
from app.core.clock import now_utc, today_riga
from app.core.security import security_log
from app.core.translation import gettext as _
from app.privacy.erasure import close_account, erase_person, erasure_blockers, is_erased
from app.privacy.export import PersonalData, export_personal_data
from app.privacy.forms import CloseAccountForm, EraseForm
from app.privacy.retention import RETENTION
from app.privacy.schemas import PersonalDataOut

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def retention_rules():
    """The retention table, for the privacy page."""
    return RETENTION


@bp.app_template_global()
def account_is_erased(user: User) -> bool:
    return is_erased(user)


def _download(copy: PersonalData) -> Response:
    body = json.dumps(PersonalDataOut().dump(copy), ensure_ascii=False, indent=2)
    name = f"talka-my-data-{today_riga(copy.generated_at).isoformat()}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/account/my-data", methods=["POST"])
@access.signed_in
def my_data():
    user = current_user._get_current_object()
    return web.act(lambda: export_personal_data(user, now=now_utc()), success=_download,
                   back=url_for("accounts.account"))


@bp.route("/account/close", methods=["GET", "POST"])
@access.signed_in
def close():
    user = current_user._get_current_object()
    form = CloseAccountForm()
    now = now_utc()

    def closed(_erasure) -> ResponseReturnValue:
        security_log("account_closed", user_id=user.id)
        session.clear()
        logout_user()
        return web.done(_("Your account has been closed. Your name and e-mail address have "
                          "been removed; your work in the programme records stays under a "
                          "pseudonym."), url_for("public.home"))

    return web.submit(
        form, run=lambda data: close_account(user, data, now=now), success=closed,
        page=lambda status: (render_template(
            "privacy/close.html", form=form,
            blockers=erasure_blockers(user, now=now)), status))


@bp.route("/admin/users/<id:user_id>/erase", methods=["GET", "POST"])
@access.admin_only
def erase(user_id: int):
    person = web.load(User, user_id)
    form = EraseForm()
    now = now_utc()
    return web.submit(
        form, run=lambda data: erase_person(person, data, actor=current_user, now=now),
        success=lambda erasure: web.done(
            _("The person has been erased. Their work in the programme records is shown as "
              "“%(label)s”.", label=person.name),
            url_for("admin.user_detail", user_id=person.id)),
        page=lambda status: (render_template(
            "privacy/erase.html", form=form, person=person, erased=is_erased(person),
            blockers=erasure_blockers(person, now=now)), status))
