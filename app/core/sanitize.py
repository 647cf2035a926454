"""One sanitiser for user Markdown: Markdown to HTML, then a bleach allow-list."""

from __future__ import annotations

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"], "td": [], "code": []}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_attrs(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML: no script, event handlers, javascript: URLs or style."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    linked = bleach.linkify(cleaned, callbacks=[_link_attrs], parse_email=False)
    # The bleach output above is the sanitised allow-list, safe to mark as HTML.
    return Markup(linked)  # noqa: S704 - sanitised by bleach just above  # nosec B704
