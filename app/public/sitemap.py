"""The sitemap (sitemaps.org 0.9) of every public page, and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

from app.core import access
from app.core.clock import RIGA
from app.public import queries as q

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

# Static public pages; a path that no public page answers (yet) is left out.
STATIC_PATHS = ("/", "/hackathons", "/winners", "/pilots", "/municipalities", "/how-we-rank",
                "/data", "/accessibility", "/privacy")

# Pages that are personal, forms, or not meant to be found by a search engine.
DISALLOW = ("/admin", "/account", "/login", "/logout", "/register", "/confirm",
            "/password-reset", "/teams", "/reviews", "/ideas/kept", "/language")


def _has(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def public_endpoint(path: str) -> str | None:
    """The endpoint that answers GET `path` for anyone, or None."""
    adapter = current_app.url_map.bind(urlsplit(request.host_url).netloc)
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except HTTPException:
        return None
    view = current_app.view_functions.get(endpoint)
    return endpoint if getattr(view, "access_rule", None) == access.PUBLIC else None


def _add(root: ET.Element, loc: str, lastmod: datetime | None = None) -> None:
    url = ET.SubElement(root, "url")
    ET.SubElement(url, "loc").text = loc
    if lastmod is not None:
        ET.SubElement(url, "lastmod").text = lastmod.astimezone(RIGA).date().isoformat()


def build(site: str) -> bytes:
    """All public pages: static ones, hackathons, winning ideas, pilots, municipalities."""
    data = q.sitemap_data()
    root = ET.Element("urlset", {"xmlns": NS})  # the default namespace, unprefixed
    for path in STATIC_PATHS:
        endpoint = public_endpoint(path)
        if endpoint:
            _add(root, site + url_for(endpoint))
    for slug, changed in data.hackathons:
        _add(root, site + url_for("hackathons.detail", slug=slug), changed)
    for idea_id, changed in data.winners:
        _add(root, site + url_for("ideas.idea", idea_id=idea_id), changed)
    if pilots_are_public():
        for pilot_id, changed in data.pilots:
            _add(root, site + url_for("pilots.pilot", pilot_id=pilot_id), changed)
    for municipality_id in data.municipalities:
        _add(root, site + url_for("public.municipality", municipality_id=municipality_id))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def pilots_are_public() -> bool:
    """Pilot pages are listed once anyone may read them (the public list exists)."""
    return public_endpoint("/pilots") is not None


def robots(site: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), "Allow: /", "",
             f"Sitemap: {site}{url_for('public.sitemap_xml')}", ""]
    return "\n".join(lines)
