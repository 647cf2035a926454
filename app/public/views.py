"""Public pages: home, language switch and the health check."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from app.core import access
from app.core.security import is_safe_next
from app.extensions import db
from app.places.models import Region

bp = Blueprint("public", __name__)


@bp.route("/")
@access.public
def home():
    regions = db.session.scalars(db.select(Region).order_by(Region.code)).all()
    return render_template("public/home.html", regions=regions)


PAGES = {
    # Long legal texts live in one template per language (public/pages/<page>_<lang>.html).
    "accessibility": _l("Accessibility statement"),
    "privacy": _l("Privacy policy"),
}
STATEMENT_PREPARED = date(2026, 11, 21)


def _static_page(page: str):
    return render_template(
        "public/page.html", page=page, title=PAGES[page],
        operator=current_app.config.get("OPERATOR_NAME") or _("the programme's operator"),
        contact=current_app.config.get("CONTACT_EMAIL") or "talka@varam.gov.lv",
        site=current_app.config.get("SITE_URL") or request.host_url.rstrip("/"),
        prepared=STATEMENT_PREPARED,
    )


@bp.route("/accessibility")
@access.public
def accessibility():
    return _static_page("accessibility")


@bp.route("/privacy")
@access.public
def privacy():
    return _static_page("privacy")


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    """Remember the chosen language (and keep it as the signed-in user's preference)."""
    lang = request.form.get("lang")
    if lang in ("lv", "en"):
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("public.home"))


@bp.route("/healthz")
@access.public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
