"""Rows and cards rendered once per change of the public data, then joined on every read.

A table of fifty pilots or a list of twenty winners cost most of their page's time in the
template: every cell escaped, every date and sum formatted, every badge and link built,
on every request, though a row shows the same to everyone until public data changes. A
fragment is one such row, written out once per public state, language and link context
(host, root, scheme: `web.link_context`), and kept in the public store
(`summaries.Store`) under the same rule as every kept value there: dropped at the next
change of public data, and not kept at all if working it out read any other table.

A fragment of a list that only some may read (a coordinator's ideas, a team member's own)
is keyed by its whole value: the store then holds nothing that a reader could ask for
without already having it, and who may see which rows is decided before they are asked for.

A fragment's template is given only what its source function returns for the fragment's
key, never the page's context, and of the templates' globals it may call only those known
to read nothing of the request or its reader (`ROW_GLOBALS`). So what one reader sees in
it is what every reader in that language sees, and its key says all it depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from app.core import web
from app.public import summaries

# At most this many fragments of one kind are kept (the first kept going first): a kind is
# keyed by a row's id, and every row may be asked for between two changes.
KEPT_PER_KIND = 4096


# The only globals a fragment's template may call: links, translations, the language of
# data, Jinja's own, and those `allow_in_rows` adds (the pilots' badges). Every other
# global is hidden from it: the request, its session and user, a form's token, links to
# this page in another language (they name the reader's address), and whatever is
# registered later, until someone has asked whether it reads the reader.
ROW_GLOBALS: set[str] = {"url_for", "_", "gettext", "ngettext", "pgettext", "npgettext",
                         "data_lang", "range", "dict", "lipsum", "cycler", "joiner",
                         "namespace"}


def allow_in_rows(*names: str) -> None:
    """Let fragments call the globals `names`: functions of their arguments and the
    language alone, which read nothing of the request or its reader."""
    ROW_GLOBALS.update(names)


# Fragments that show no stored data (the site's navigation and footer): their key, the
# templates and the link context decide them, so they are kept per process, never dropped
# by a change of data, and never ask the database for its state (an error page drawn while
# the database is away still has its navigation).
_without_data: dict[tuple, Markup] = {}
_WITHOUT_DATA_MAX = 8192


class Fragment:
    """`template` rendered with what `source(*key)` returns, kept per key."""

    def __init__(self, template: str, source: Callable[..., dict[str, Any]],
                 most: int = KEPT_PER_KIND, *, data: bool = True) -> None:
        self.template = template
        self.source = source
        self.most = most
        self.data = data
        # Named by its source, not its template: two kinds may share a template (the
        # options of different filters) and must not answer each other's keys.
        self.name = f"fragment:{template}:{source.__module__}.{source.__qualname__}"

    def render(self, key: tuple) -> Markup:
        # Rendered with the allowed globals only (links, translations, the badges) and the
        # filters (formatting): the page's context, with its user and forms, is not passed
        # on, and every other global is hidden.
        environment = current_app.jinja_env
        hidden = {name: None for name in environment.globals if name not in ROW_GLOBALS}
        html = environment.get_template(self.template).render({**hidden, **self.source(*key)})
        return Markup(html)  # noqa: S704  # nosec B704 - an autoescaped template

    def join(self, keys: Iterable[tuple]) -> Markup:
        """The fragments of `keys`, in that order, as one piece of HTML."""
        where = web.link_context()
        # Templates that reload when edited (development) would not show an edit in a kept
        # row: there, every row is rendered on every read.
        if where is None or current_app.jinja_env.auto_reload:
            return Markup("").join(self.render(key) for key in keys)
        if not self.data:
            return Markup("").join(self._without_data(key, where) for key in keys)
        store, state = summaries.public_store(), summaries.public_state()
        return Markup("").join(
            store.answer(state, self.name, (key, where), partial(self.render, key), self.most)
            for key in keys)

    def _without_data(self, key: tuple, where: tuple) -> Markup:
        kept_key = (self.name, key, where)
        html = _without_data.get(kept_key)
        if html is None:
            html = self.render(key)
            if len(_without_data) >= _WITHOUT_DATA_MAX:
                _without_data.clear()
            _without_data[kept_key] = html
        return html

    def __call__(self, *key: Any) -> Markup:
        return self.join((key,))


def fragment(template: str, *, most: int = KEPT_PER_KIND, data: bool = True
             ) -> Callable[[Callable[..., dict[str, Any]]], Fragment]:
    """Make a function of a fragment's key (hashable values), which returns its template's
    context, into that fragment: `rows.join(keys)` renders or reads each of them. With
    `data=False`, a fragment that shows no stored data: kept per process (`_without_data`)."""

    def decorate(source: Callable[..., dict[str, Any]]) -> Fragment:
        return Fragment(template, source, most, data=data)

    return decorate


def with_selected(options: Markup, chosen: Any) -> Markup:
    """`options`, kept `<option>`s (an `_options.html` fragment), with the one whose value is
    `chosen` selected; unchanged when `chosen` is None or empty."""
    if chosen is None or chosen == "":
        return options
    value = f'<option value="{escape(chosen)}"'  # with the closing quote: 3 is not 30
    # On the plain text: Markup.replace would escape the quotes and find nothing.
    return Markup(str(options).replace(value, f"{value} selected", 1))  # noqa: S704  # nosec B704 - our own escaped value into our own HTML
