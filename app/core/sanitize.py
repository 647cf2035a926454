"""One sanitiser for user Markdown: Markdown to HTML, then a bleach allow-list."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import bleach
import markdown
from markupsafe import Markup

if TYPE_CHECKING:
    from app.core.models import Base

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


# --- rendered once, when saved -----------------------------------------------------------------
# Reading a page must not run Markdown and bleach again for every reader: each Markdown
# column has an HTML column beside it, set whenever the text is set (in any operation, the
# demo or a test alike), and `rerender_all` renews them after a sanitiser or Markdown upgrade.

RENDERED: dict[type[Base], dict[str, str]] = {}


def rendered(model: type[Base], **columns: str) -> None:
    """Keep `model.<html>` the sanitised rendering of `model.<text>` for each `text=html`."""
    from sqlalchemy import event

    for text_attr, html_attr in columns.items():
        RENDERED.setdefault(model, {})[text_attr] = html_attr

        def on_set(target, value, _old, _initiator, html_attr=html_attr):
            setattr(target, html_attr, str(render_markdown(value)))

        event.listen(getattr(model, text_attr), "set", on_set)


def stored_html(html: str | None) -> Markup:
    """HTML that `rendered` stored: sanitised when it was saved, so safe to show as it is."""
    return Markup(html or "")  # noqa: S704 - made by render_markdown above  # nosec B704


def rerender_all(batch: int = 500) -> int:
    """Render every stored Markdown text again (after an upgrade); returns how many rows."""
    from sqlalchemy import select

    from app.extensions import db

    count = 0
    for model, columns in RENDERED.items():
        key = model.__mapper__.primary_key[0]
        last = None
        while True:
            query = select(model).order_by(key).limit(batch)
            if last is not None:
                query = query.where(key > last)
            rows = db.session.scalars(query).all()
            if not rows:
                break
            for row in rows:
                for text_attr, html_attr in columns.items():
                    setattr(row, html_attr, str(render_markdown(getattr(row, text_attr))))
            # A mapped primary key column always has its key; SQLAlchemy types it optional.
            last = getattr(rows[-1], cast(str, key.key))
            count += len(rows)
            db.session.commit()
    return count
