"""Public pages: home, language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
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
