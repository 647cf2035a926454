"""Translations looked up once per language in a request, not once per string.

Flask-Babel resolves the context, the locale and the catalog again for every string it
translates (`get_domain`, `get_locale`, `str(locale)` as the cache key): a page with a few
hundred strings spent about a third of its rendering time there. The catalog for a locale
never changes while the process runs, so the request keeps the one it found, keyed on the
locale object itself: `force_locale` puts a different object in place (and the original
back afterwards), so a forced language is never answered from the page's catalog.
"""

from __future__ import annotations

import functools
from typing import Any

from babel import support
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.utils import cached_property

_NULL = support.NullTranslations()


def _babel_namespace() -> Any:
    """Flask-Babel's per-context namespace (it lives on `g`), or None outside a context."""
    context = _cv_app.get(None)
    if context is None:
        return None
    return context.g.__dict__.get("_flask_babel")


def kept_locale() -> Any:
    """The locale this context settled on (or a forced one), without asking the selector;
    None before Flask-Babel has chosen it."""
    namespace = _babel_namespace()
    return namespace.__dict__.get("babel_locale") if namespace is not None else None


class RequestDomain(Domain):
    """The default domain, keeping the catalog it found for the context's locale."""

    def get_translations(self) -> Any:
        namespace = _babel_namespace()
        if namespace is not None:
            kept = namespace.__dict__.get("talka_translations")
            locale = namespace.__dict__.get("babel_locale")
            if kept is not None and locale is not None and kept[0] is locale:
                return kept[1]
        translations = super().get_translations()
        namespace = _babel_namespace()  # Flask-Babel makes it on first use
        if namespace is not None:
            namespace.talka_translations = (namespace.__dict__.get("babel_locale"),
                                            translations)
        return translations


class TalkaBabel(Babel):
    """Flask-Babel with the request-keeping domain."""

    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


def current_translations() -> Any:
    """The catalog of the language strings are translated into now (the fast path)."""
    namespace = _babel_namespace()
    if namespace is not None:
        kept = namespace.__dict__.get("talka_translations")
        if kept is not None and kept[0] is not None and \
                kept[0] is namespace.__dict__.get("babel_locale"):
            return kept[1]
    if _cv_app.get(None) is None:
        return _NULL
    return get_translations()


def install(app: Any) -> None:
    """Templates translate through the kept catalog (Flask-Babel installs its own first)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
    # The extension's `_` looks `gettext` up in the context and calls it, which calls the
    # function above through the context again: three calls a string, and a page has a few
    # hundred. These do the same in one.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext)


@pass_eval_context
def _template_gettext(eval_context: Any, string: str, **variables: Any) -> str:
    """Jinja's newstyle gettext: marked safe where the template escapes, and always
    formatted (so that "%%" is "%" whether or not there are variables)."""
    if not variables and eval_context.autoescape:
        return _said(current_translations(), string)
    translated = current_translations().ugettext(string)
    if eval_context.autoescape:
        # The catalog is ours, as Jinja's own gettext trusts it; the variables are escaped.
        translated = Markup(translated)  # noqa: S704  # nosec B704
    return translated % variables


@functools.lru_cache(maxsize=8192)
def _said(translations: Any, string: str) -> Markup:
    """A template's string without variables, as `_template_gettext` says it: a page has
    a few dozen (its navigation, headings and labels), the same on every page, and the
    catalog a process loaded does not change under it."""
    return Markup(translations.ugettext(string)) % {}  # noqa: S704  # nosec B704 - as above


@pass_eval_context
def _template_ngettext(eval_context: Any, singular: str, plural: str, num: int,
                       **variables: Any) -> str:
    """Jinja's newstyle ngettext, as `_template_gettext`; `num` is a variable too."""
    variables.setdefault("num", num)
    translated = current_translations().ungettext(singular, plural, num)
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704  # nosec B704 - as above
    return translated % variables


# The functions code translates with. Flask-Babel's own look up the domain, the context and
# the locale for every string (a lazy string does so each time it is shown); these ask the
# kept catalog, with the same formatting.

def gettext(string: str, **variables: Any) -> str:
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A string translated when it is shown, in the language of that moment."""
    return LazyString(gettext, string, **variables)
