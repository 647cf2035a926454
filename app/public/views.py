"""Public pages: home, winners, municipalities, feeds, sitemap, language switch, health check.

Nothing here needs a sign-in, and nothing here shows a person: teams and municipalities are
named, people never are. Anonymous views are cached and answered conditionally
(app.public.cache); each loads what it shows in a fixed number of queries.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import text
from wtforms.validators import ValidationError

from app.core import access, language, web
from app.core.clock import now_utc, today_riga
from app.core.pagination import clamp
from app.core.security import is_safe_next
from app.core.translation import gettext as _
from app.core.translation import lazy_gettext as _l
from app.core.web import site_url
from app.extensions import csrf, db
from app.places import kept as kept_places
from app.places import options as place_options
from app.public import cache, cards, feeds, fragments, frame, sitemap
from app.public import follow as follow_ops
from app.public import queries as q
from app.public.cache import public_page

bp = Blueprint("public", __name__)
cache.install()


# --- addresses ---------------------------------------------------------------------------------

@bp.app_template_global()
def canonical_url(lang: str | None = None) -> str:
    """This page's canonical address in its language (or in `lang`, for the hreflang
    alternates): the site's host and the path, never the query string (filters, page
    numbers and tracking arguments are variants of the same page)."""
    return site_url() + language.page_url(lang or language.page_language())


bp.add_app_template_global(cards.winner_card_items)
bp.add_app_template_global(cards.published_ranking_rows)
bp.add_app_template_global(place_options.municipality_options)
bp.add_app_template_global(frame.site_nav)
bp.add_app_template_global(frame.site_footer)
# A card or a ranking's rows inside a kept section (a hackathon's results) are themselves
# kept rows; whether a page exists is the application's, not the reader's.
fragments.allow_in_rows("winner_card_items", "published_ranking_rows", "endpoint_exists")


@bp.app_template_global()
def endpoint_exists(name: str) -> bool:
    """Templates link to other features' pages only when those pages exist."""
    return name in current_app.view_functions


@bp.app_template_global()
def feed_link(endpoint: str, **values) -> str:
    """The address of a feed in the page's language (/en/feed.atom on an English page)."""
    return url_for(endpoint, **values)


# --- the home page -----------------------------------------------------------------------------

@bp.route("/")
@public_page
@access.public
def home():
    now = now_utc()
    today = today_riga(now)
    return render_template(
        "public/home.html", regions=kept_places.regions(), figures=q.headline_figures(today),
        hackathons=q.hackathons_now(), winners=q.latest_winners(),
        pilots=q.pilots_in_progress(today=today), now=now, today=today)


# --- winners -----------------------------------------------------------------------------------

WINNERS_PER_PAGE = 20


@bp.route("/winners")
@public_page
@access.public
def winners():
    filters = q.WinnerFilters.from_args(request.args)
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"),
                           WINNERS_PER_PAGE)
    return render_template("public/winners.html", page=q.winners_page(filters, page, per_page),
                           filters=filters, options=q.winner_options())


# --- pilots --------------------------------------------------------------------------------------

PILOTS_PER_PAGE = 25


@bp.route("/pilots")
@public_page
@access.public
def pilots():
    from app.pilots.health import AMBER, GREEN, RED
    from app.pilots.states import PilotStatus

    filters = q.PilotFilters.from_args(request.args)
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"),
                           PILOTS_PER_PAGE)
    today = today_riga()
    return render_template(
        "public/pilots.html", filters=filters, today=today,
        page=q.pilots_page(filters, page, per_page, today),
        regions=kept_places.regions(),
        statuses=list(PilotStatus),
        health_levels=[(GREEN, _("Green: on track")), (AMBER, _("Amber: needs attention")),
                       (RED, _("Red: at risk"))])


@bp.route("/pilots/overview")
@public_page
@access.public
def pilots_overview():
    return render_template("public/pilots_overview.html", overview=q.pilot_overview())


# --- municipalities ----------------------------------------------------------------------------

@bp.route("/municipalities")
@public_page
@access.public
def municipalities():
    regions, places = kept_places.regions(), kept_places.municipalities()
    by_region = {r.code: [m for m in places if m.region_code == r.code] for r in regions}
    return render_template("public/municipalities.html", regions=regions, by_region=by_region)


MUNICIPALITY_WINNERS = 12
MUNICIPALITY_PILOTS = 10


@bp.route("/municipalities/<id:municipality_id>")
@public_page
@access.public
def municipality(municipality_id: int):
    place = q.municipality_by_id(municipality_id)
    if place is None:
        abort(404)
    today = today_riga()
    comparison = q.region_comparison(place.region, today)
    mine = next(row for row in comparison.rows if row.municipality.id == place.id)
    # The newest of each, and a link to the whole filtered list: a municipality in many
    # pilots would otherwise make its page grow without end.
    return render_template(
        "public/municipality.html", m=place, comparison=comparison, mine=mine,
        winners=q.municipality_winners(place.id, MUNICIPALITY_WINNERS),
        pilots=q.pilots_page(q.PilotFilters(municipality=place.id), 1, MUNICIPALITY_PILOTS,
                             today), today=today)


# --- feeds -------------------------------------------------------------------------------------

def _atom(body: bytes) -> Response:
    return Response(body, mimetype="application/atom+xml")


@bp.route("/feed.atom")
@public_page
@access.public
def feed():
    return _atom(feeds.site_feed(site_url()))


@bp.route("/pilots/<id:pilot_id>/feed.atom")
@public_page
@access.public
def pilot_feed(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    return _atom(feeds.pilot_feed(pilot, site_url()))


# --- following a pilot ---------------------------------------------------------------------------

def _pilot_or_404(pilot_id: int):
    from app.pilots.models import Pilot

    return web.load(Pilot, pilot_id)


def _back_to(pilot) -> str:
    return url_for("pilots.pilot", pilot_id=pilot.id) + "#follow"


@bp.route("/pilots/<id:pilot_id>/follow", methods=["POST"])
@access.signed_in
def follow(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    access.require(follow_ops.may_follow(pilot, current_user))
    follow_ops.follow_pilot(pilot, actor=current_user)
    flash(_("You follow “%(title)s”: we will e-mail you when its news is published.",
            title=pilot.title), "success")
    return redirect(_back_to(pilot))


@bp.route("/pilots/<id:pilot_id>/unfollow", methods=["POST"])
@access.signed_in
def unfollow(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    follow_ops.unfollow_pilot(pilot, actor=current_user)
    flash(_("You no longer follow “%(title)s”.", title=pilot.title), "success")
    return redirect(_back_to(pilot))


# --- sitemap and robots ------------------------------------------------------------------------

@bp.route("/sitemap.xml")
@public_page
@access.public
def sitemap_xml():
    return Response(sitemap.build(site_url()), mimetype="application/xml")


@bp.route("/robots.txt")
@access.public
def robots_txt():
    return Response(sitemap.robots(site_url()), mimetype="text/plain")


# --- information pages -------------------------------------------------------------------------

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
        site=site_url(),
        prepared=STATEMENT_PREPARED,
    )


@bp.route("/accessibility")
@public_page
@access.public
def accessibility():
    return _static_page("accessibility")


@bp.route("/privacy")
@public_page
@access.public
def privacy():
    return _static_page("privacy")


@bp.route("/language", methods=["POST"])
@csrf.exempt
@access.public
def set_language():
    """The language form of earlier pages (the switcher is now a link, see
    app.core.language): remember the choice (and keep it as the signed-in user's
    preference), then show the page asked for in that language.

    Anonymous pages are cached and so carry no CSRF token; choosing a language for one's own
    browser needs none. Only a signed-in user's stored preference is changed, and only with a
    valid token.
    """
    lang = request.form.get("lang")
    if lang in language.LANGUAGES:
        session[language.PREFERENCE] = lang
        if (current_user.is_authenticated and current_user.locale != lang
                and _csrf_token_valid()):
            current_user.locale = lang
    target = request.form.get("next")
    target = target if is_safe_next(target) else url_for("public.home")
    return redirect(language.localised_url(target, lang) if lang in language.LANGUAGES
                    else target)


def _csrf_token_valid() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.route("/healthz")
@access.public
def healthz():
    try:
        # A connection of its own: a failure here leaves the request's session untouched.
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="unavailable"), 503
    from app.jobs import queue_health
    from app.mail.operations import waiting_count

    if queue_health() == "unavailable":
        # Pages are still served (200); mail waits in the outbox until the queue is back.
        return jsonify(status="degraded", detail={"queue": "unavailable",
                                                  "mail_waiting": waiting_count()})
    return jsonify(status="ok")
