"""The sitemap (sitemaps.org 0.9) of every public page in both languages, and robots.txt.

Each page is listed at its Latvian and its English address, and each entry names the other
with `xhtml:link rel="alternate" hreflang` (as the pages' own heads do)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from app.core import access
from app.core.clock import RIGA
from app.public import queries as q

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
LANGUAGES = ("lv", "en")

# Static public pages; a path that no public page answers (yet) is left out.
STATIC_PATHS = ("/", "/hackathons", "/winners", "/pilots", "/municipalities", "/how-we-rank",
                "/data", "/accessibility", "/privacy")

# Pages that are personal, forms, or not meant to be found by a search engine.
PERSONAL = ("/admin", "/account", "/login", "/logout", "/register", "/confirm",
            "/password-reset", "/teams", "/reviews", "/ideas/kept")
DISALLOW = (*PERSONAL, *(f"/en{path}" for path in PERSONAL), "/language")


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


def _add(root: ET.Element, site: str, endpoint: str, values: dict | None = None,
         lastmod: datetime | None = None) -> None:
    """The page at `endpoint` once per language, each naming all its language versions."""
    addresses = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            addresses[lang] = site + url_for(endpoint, **(values or {}))
    for lang in LANGUAGES:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = addresses[lang]
        if lastmod is not None:
            ET.SubElement(url, "lastmod").text = lastmod.astimezone(RIGA).date().isoformat()
        for other in (*LANGUAGES, "x-default"):
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=other,
                          href=addresses.get(other, addresses[LANGUAGES[0]]))


def build(site: str) -> bytes:
    """All public pages: static ones, hackathons, winning ideas, pilots, municipalities."""
    data = q.sitemap_data()
    # The default namespace unprefixed, and xhtml for the alternates.
    root = ET.Element("urlset", {"xmlns": NS, "xmlns:xhtml": XHTML})
    for path in STATIC_PATHS:
        endpoint = public_endpoint(path)
        if endpoint:
            _add(root, site, endpoint)
    for slug, changed in data.hackathons:
        _add(root, site, "hackathons.detail", {"slug": slug}, changed)
    for idea_id, changed in data.winners:
        _add(root, site, "ideas.idea", {"idea_id": idea_id}, changed)
    if pilots_are_public():
        for pilot_id, changed in data.pilots:
            _add(root, site, "pilots.pilot", {"pilot_id": pilot_id}, changed)
    for municipality_id in data.municipalities:
        _add(root, site, "public.municipality", {"municipality_id": municipality_id})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def pilots_are_public() -> bool:
    """Pilot pages are listed once anyone may read them (the public list exists)."""
    return public_endpoint("/pilots") is not None


def robots(site: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), "Allow: /", "",
             f"Sitemap: {site}{url_for('public.sitemap_xml')}", ""]
    return "\n".join(lines)
