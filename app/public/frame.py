"""The site's navigation and footer, rendered once per language, link context and kind of
reader, and joined on every page (app/public/fragments.py). They show no stored data, so
they are kept per process and never ask the database (`fragment(data=False)`).

Every page carries them, and building their twenty links and labels was a fifth of a
signed-in page's time, though they show nothing of the reader but which page she is on and
which links her roles give her. So a fragment is keyed by exactly that: the page's endpoint
and blueprint (for `aria-current`), whether she is signed in, whether she manages pilots
(the portfolio, else her own pilots), sits on a jury (her reviews) or administers. Her name
and the sign-out form's token are rendered around them, on each page.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from markupsafe import Markup

from app.public.fragments import fragment


@fragment("_site_nav.html", data=False)
def _nav(endpoint: str | None, blueprint: str | None, signed_in: bool, manages_pilots: bool,
         reviews: bool, admin: bool) -> dict[str, Any]:
    return {"endpoint": endpoint, "blueprint": blueprint, "signed_in": signed_in,
            "manages_pilots": manages_pilots, "reviews": reviews, "admin": admin}


@fragment("_site_footer.html", data=False)
def _footer(endpoint: str | None, blueprint: str | None) -> dict[str, Any]:
    return {"endpoint": endpoint, "blueprint": blueprint}


def site_nav() -> Markup:
    """The main navigation for this page and its reader."""
    from app.judging.blueprint import judging_nav_visible

    endpoint, blueprint = _page()
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return _nav(endpoint, blueprint, signed_in,
                signed_in and (current_user.is_coordinator or current_user.is_admin),
                signed_in and bool(judging_nav_visible()),
                signed_in and current_user.is_admin)


def site_footer() -> Markup:
    """The footer for this page."""
    return _footer(*_page())


def _page() -> tuple[str | None, str | None]:
    """The page's endpoint and blueprint; none outside a request (a page rendered ahead)."""
    if not has_request_context():
        return None, None
    return request.endpoint, request.blueprint
