"""Admin pages. Every route here is admin-only; the rules live in the operations, and the
request's edge (app.core.web) commits."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from app import MAX_ID
from app.accounts import operations as account_ops
from app.accounts.forms import EmptyForm
from app.accounts.models import Role, RoleGrant, User
from app.admin.forms import GrantRoleForm, MunicipalityForm, RegionForm
from app.core import access, web
from app.core.audit import AuditEntry
from app.core.collation import latvian, sort_key
from app.core.errors import DomainError
from app.core.pagination import clamp, paginate
from app.core.translation import gettext as _
from app.extensions import db
from app.mail.models import OutboxMessage
from app.places import operations as place_ops
from app.places.models import Municipality, Region

bp = Blueprint("admin", __name__)


@bp.route("/")
@access.admin_only
def index():
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "outbox": db.session.scalar(select(func.count(OutboxMessage.id))),
        "audit": db.session.scalar(select(func.count(AuditEntry.id))),
    }
    return render_template("admin/index.html", counts=counts)


# --- users -----------------------------------------------------------------------

@bp.route("/users")
@access.admin_only
def users():
    q = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role") or ""
    municipality_id = request.args.get("municipality", type=int)
    if municipality_id is not None and not 0 < municipality_id <= MAX_ID:
        municipality_id = None  # no such row can exist; the database would refuse the number
    query = select(User).order_by(latvian(User.name), User.id)
    if q:
        query = query.where(or_(User.name.icontains(q, autoescape=True),
                                User.email.icontains(q, autoescape=True)))
    if role in ("admin", "coordinator"):
        query = query.where(User.roles.any(RoleGrant.role == Role(role)))
    elif role == "disabled":
        query = query.where(User.disabled_at.is_not(None))
    if municipality_id:
        query = query.where(User.municipality_id == municipality_id)
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 50), 50)
    result = paginate(query, page, per_page)
    return render_template("admin/users.html", page=result, q=q, role=role,
                           municipality_id=municipality_id)


def _user_or_404(user_id: int) -> User:
    return web.load(User, user_id)


def _user_page(user: User, grant_form=None, status=200):
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "user",
                                 AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.at.desc()).limit(50)
    ).all()
    return render_template("admin/user.html", user=user, history=history,
                           grant_form=grant_form or GrantRoleForm(formdata=None),
                           empty_form=EmptyForm()), status


@bp.route("/users/<id:user_id>")
@access.admin_only
def user_detail(user_id: int):
    return _user_page(_user_or_404(user_id))


@bp.route("/users/<id:user_id>/roles", methods=["POST"])
@access.admin_only
def user_grant_role(user_id: int):
    user = _user_or_404(user_id)
    form = GrantRoleForm()
    return web.submit(
        form, run=lambda _data: account_ops.grant_role(
            user, Role(form.role.data), form.region_code.data or None, actor=current_user),
        success=lambda _grant: web.done(_("The role has been granted."),
                                        url_for("admin.user_detail", user_id=user.id)),
        page=lambda status: _user_page(user, form, status=status))


@bp.route("/users/<id:user_id>/roles/<id:grant_id>/revoke", methods=["POST"])
@access.admin_only
def user_revoke_role(user_id: int, grant_id: int):
    user = _user_or_404(user_id)
    grant = web.load(RoleGrant, grant_id, see=lambda found, _admin: found.user_id == user.id)
    return _act_on(user, lambda: account_ops.revoke_role(user, grant, actor=current_user),
                   _("The role has been revoked."))


def _act_on(user: User, run, message: str):
    """A button on the user's page: do it, or say why not there (the page is the way back)."""
    back = url_for("admin.user_detail", user_id=user.id)
    try:
        web.attempt(run)
    except DomainError as error:
        return web.done(str(error.detail), back, "error")
    return web.done(message, back)


@bp.route("/users/<id:user_id>/disable", methods=["POST"])
@access.admin_only
def user_disable(user_id: int):
    user = _user_or_404(user_id)
    return _act_on(user, lambda: account_ops.disable_user(user, actor=current_user),
                   _("The account has been disabled and its sessions ended."))


@bp.route("/users/<id:user_id>/enable", methods=["POST"])
@access.admin_only
def user_enable(user_id: int):
    user = _user_or_404(user_id)
    return _act_on(user, lambda: account_ops.enable_user(user, actor=current_user),
                   _("The account has been enabled."))


# --- reference data ------------------------------------------------------------

@bp.route("/places")
@access.admin_only
def places():
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    municipalities = sorted(db.session.scalars(select(Municipality)),
                            key=lambda m: (m.region_code, sort_key(m.name)))
    return render_template("admin/places.html", regions=regions, municipalities=municipalities)


@bp.route("/municipalities/<id:municipality_id>", methods=["GET", "POST"])
@access.admin_only
def municipality_edit(municipality_id: int):
    municipality = web.load(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality,
                            kind=municipality.kind.value if request.method == "GET" else None,
                            staff_domains=", ".join(municipality.domain_names)
                            if request.method == "GET" else None)
    return web.submit(
        form, run=lambda _data: place_ops.update_municipality(municipality, form.data,
                                                             actor=current_user),
        success=lambda _saved: web.done(_("The municipality has been saved."),
                                        url_for("admin.places")),
        page=lambda status: (render_template("admin/municipality_form.html", form=form,
                                             municipality=municipality), status))


@bp.route("/regions/<code>", methods=["GET", "POST"])
@access.admin_only
def region_edit(code: str):
    region = web.load(Region, code[:16])
    form = RegionForm(obj=region)
    return web.submit(
        form, run=lambda _data: place_ops.update_region(region, form.data, actor=current_user),
        success=lambda _saved: web.done(_("The planning region has been saved."),
                                        url_for("admin.places")),
        page=lambda status: (render_template("admin/region_form.html", form=form,
                                             region=region), status))


# --- outbox and audit log ------------------------------------------------------

@bp.route("/outbox")
@access.admin_only
def outbox():
    q = (request.args.get("q") or "").strip()[:100]
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                           OutboxMessage.id.desc())
    if q:
        query = query.where(OutboxMessage.recipient.icontains(q, autoescape=True))
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 50), 50)
    return render_template("admin/outbox.html", page=paginate(query, page, per_page), q=q)


@bp.route("/outbox/<id:message_id>")
@access.admin_only
def outbox_message(message_id: int):
    message = web.load(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


@bp.route("/audit")
@access.admin_only
def audit():
    action = (request.args.get("action") or "").strip()[:80]
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 50), 50)
    return render_template("admin/audit.html", page=paginate(query, page, per_page),
                           action=action)
