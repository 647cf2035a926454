"""Verification pages: a person asks to be verified as working for a municipality, and the
coordinators of its planning region approve or decline with a reason.

Each view names its object, its predicate and its one operation; app.core.web does the rest.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from app.accounts import affiliation as ops
from app.accounts.forms import DeclineForm, EmptyForm, VerificationForm
from app.accounts.models import Affiliation
from app.core import access, web
from app.core.translation import gettext as _
from app.extensions import db, limiter
from app.places.models import Municipality

bp = Blueprint("verification", __name__)


def _verified(user) -> list[Municipality]:
    ids = ops.verified_municipality_ids(user)
    return [m for m in (db.session.get(Municipality, i) for i in sorted(ids)) if m]


@bp.route("/account/verification", methods=["GET", "POST"])
@limiter.limit("10 per day", scope="verification", methods=["POST"])
@access.signed_in
def ask():
    """The person's verified municipalities, her requests and their decisions, and a form to
    ask for another."""
    form = VerificationForm()
    if not form.is_submitted() and current_user.municipality_id:
        form.municipality_id.data = str(current_user.municipality_id)
    return web.submit(
        form, run=lambda data: ops.request_verification(data, actor=current_user),
        success=lambda found: web.done(
            _("Your request has been sent to the coordinators of %(region)s. You will see "
              "their decision here.",
              region=found.municipality.region.name(str(get_locale() or "lv"))),
            url_for("verification.ask")),
        page=lambda status: (render_template(
            "accounts/verification.html", form=form, verified=_verified(current_user),
            requests=ops.affiliations_of(current_user)), status))


@bp.route("/verifications")
@access.coordinator_only
def requests():
    """Pending requests in the coordinator's regions, oldest first."""
    return render_template("accounts/verification_requests.html",
                           pending=ops.requests_to_decide(current_user),
                           action_form=EmptyForm(formdata=None))


def _request(affiliation_id: int) -> Affiliation:
    return web.load(Affiliation, affiliation_id, may=Affiliation.can_decide)


@bp.route("/verifications/<id:affiliation_id>/approve", methods=["POST"])
@access.coordinator_only
def approve(affiliation_id: int):
    found = _request(affiliation_id)
    return web.act(
        lambda: ops.approve_verification(found, actor=current_user),
        success=lambda _found: web.done(
            _("%(name)s is now verified as working for %(municipality)s.",
              name=found.user.name, municipality=found.municipality.name),
            url_for("verification.requests")),
        back=url_for("verification.requests"))


@bp.route("/verifications/<id:affiliation_id>/decline", methods=["GET", "POST"])
@access.coordinator_only
def decline(affiliation_id: int):
    found = _request(affiliation_id)
    form = DeclineForm()
    return web.submit(
        form, run=lambda data: ops.decline_verification(found, data, actor=current_user),
        success=lambda _found: web.done(
            _("The request of %(name)s has been declined.", name=found.user.name),
            url_for("verification.requests")),
        page=lambda status: (render_template("accounts/verification_decline.html",
                                             form=form, request_=found), status))
