"""Atom feeds (RFC 4287): published results and approved public pilot reports.

Built with ElementTree, so the XML is always well formed, with Atom as the default
namespace; every link and id is built from the one origin (SITE_URL). Each language is a
feed of its own (/en/feed.atom; Latvian at /feed.atom): its own self link, feed id and entry
ids, and links to the pages in its language.
Entries name hackathons, ideas, pilots, teams and municipalities, never a person: the author
of every entry is the programme ("Talka") or the pilot's municipality.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import get_locale
from markupsafe import escape

from app.core.clock import now_utc
from app.core.translation import gettext as _
from app.public import queries as q

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
TAG_DATE = "2025"  # the date part of our tag: URIs (RFC 4151); never change it

LATVIAN = "lv"


@dataclass
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    content_html: str
    published: datetime | None = None
    author: str = "Talka"


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def language() -> str:
    """The feed's language ("lv" or "en"), chosen by the address alone."""
    return str(get_locale() or LATVIAN)


def tag_uri(site: str, specific: str) -> str:
    """A permanent id: tag:<host>,2025:<what> (it survives a change of URL scheme); the
    English feed and its entries end in /en, the Latvian ones as they always were."""
    host = urlsplit(site).hostname or "talka"
    suffix = "" if language() == LATVIAN else f"/{language()}"
    return f"tag:{host},{TAG_DATE}:{specific}{suffix}"


def feed_url(site: str, endpoint: str, **values) -> str:
    """A feed's own address in the current language (the self link): url_for keeps the
    language's prefix."""
    return site + url_for(endpoint, **values)


def _el(parent, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, name, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def render(*, site: str, feed_id: str, title: str, subtitle: str, self_url: str,
           alternate_url: str, entries: list[Entry]) -> bytes:
    """The feed document, newest entries first (at most ENTRIES)."""
    entries = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:ENTRIES]
    # Atom is declared as the default namespace on the root and the elements are written
    # unprefixed: no global prefix registry (which the sitemap's namespace would overwrite).
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language()})
    _el(root, "id", feed_id)
    _el(root, "title", title)
    _el(root, "subtitle", subtitle)
    updated = entries[0].updated if entries else now_utc()
    _el(root, "updated", _stamp(updated))
    _el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(root, "link", rel="alternate", type="text/html", href=alternate_url)
    author = _el(root, "author")
    _el(author, "name", "Talka")
    _el(author, "uri", site + "/")
    _el(root, "generator", "Talka")
    _el(root, "rights", _("Published under CC BY 4.0. No personal data."))
    for entry in entries:
        node = _el(root, "entry")
        _el(node, "id", entry.id)
        _el(node, "title", entry.title)
        _el(node, "link", rel="alternate", type="text/html", href=entry.link)
        _el(node, "updated", _stamp(entry.updated))
        if entry.published:
            _el(node, "published", _stamp(entry.published))
        who = _el(node, "author")
        _el(who, "name", entry.author)
        _el(node, "content", entry.content_html, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- entries -------------------------------------------------------------------------------------

def results_entry(site: str, results: q.ResultsEntry) -> Entry:
    link = site + url_for("hackathons.detail", slug=results.slug) + "#results"
    items = "".join(
        f'<li><a href="{escape(site + url_for("ideas.idea", idea_id=w.idea_id))}">'
        f"{escape(w.title or _('Untitled idea'))}</a> — {escape(w.team)}, "
        f"{escape(w.municipality)}</li>" for w in results.winners)
    lead = _("The jury has chosen the winners of “%(title)s”.", title=results.title)
    html = f"<p>{escape(lead)}</p><ul>{items}</ul>"
    return Entry(id=tag_uri(site, f"results/{results.hackathon_id}"),
                 title=_("Results: %(title)s", title=results.title), link=link,
                 updated=results.published, published=results.published, content_html=html)


def update_entry(site: str, update: q.UpdateEntry) -> Entry:
    link = site + url_for("pilots.pilot", pilot_id=update.pilot_id) + f"#report-{update.id}-h"
    return Entry(id=tag_uri(site, f"pilot-update/{update.id}"),
                 title=_("%(pilot)s: progress report of %(date)s", pilot=update.pilot_title,
                         date=update.reported_on.isoformat()),
                 link=link, updated=update.published, published=update.published,
                 content_html=update.body_html, author=update.municipality)


def site_feed(site: str) -> bytes:
    """Results and approved public pilot reports, newest first: three queries."""
    entries = [results_entry(site, r) for r in q.recent_results(ENTRIES)]
    entries += [update_entry(site, u) for u in q.recent_updates(ENTRIES)]
    return render(site=site, feed_id=tag_uri(site, "feed"),
                  title=_("Talka: results and pilot news"),
                  subtitle=_("Winners of municipal idea hackathons and published progress "
                             "reports of their pilot projects."),
                  self_url=feed_url(site, "public.feed"),
                  alternate_url=site + url_for("public.home"), entries=entries)


def pilot_feed(pilot, site: str) -> bytes:
    """One pilot's approved public progress reports: one query (plus the pilot)."""
    entries = [update_entry(site, u) for u in q.recent_updates(ENTRIES, pilot_id=pilot.id)]
    return render(site=site, feed_id=tag_uri(site, f"pilot/{pilot.id}"),
                  title=_("Talka: %(pilot)s", pilot=pilot.title),
                  subtitle=_("Published progress reports of the pilot “%(pilot)s”.",
                             pilot=pilot.title),
                  self_url=feed_url(site, "public.pilot_feed", pilot_id=pilot.id),
                  alternate_url=site + url_for("pilots.pilot", pilot_id=pilot.id),
                  entries=entries)
