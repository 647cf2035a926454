"""The language is in the address: Latvian pages at `/…`, English pages at `/en/…`.

One route answers both: the routing adapter matches the path without its language prefix
(`Talka.create_url_adapter`), the locale selector reads the prefix (`page_language`), and
`Talka.url_for` puts it back on every address built while the page's language is English
(or while `force_locale("en")` is in effect, as in a feed or a sitemap). So a route is
written once, and every link on an English page stays in English.

Addresses that are the same in both languages carry no prefix and do not answer under
/en: the JSON API (its language is the Accept-Language header), static files, the health
check, robots.txt, the sitemap (it lists both languages) and the old language form.

The language a visitor chose is kept as a preference only (`session["lang"]`, or the
signed-in user's `locale`): it never changes the language of an address. It is used once
per session, when a visitor who prefers English arrives at a Latvian address: they are
sent to the English one (`prefer_language`). The switcher's link (`?lang=en` on the
other language's address) records the choice and lands on the clean address.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask, redirect, request, session
from flask_babel import get_locale
from markupsafe import Markup, escape

from app.core.translation import kept_locale

LATVIAN = "lv"
ENGLISH = "en"
LANGUAGES = (LATVIAN, ENGLISH)
DEFAULT = LATVIAN
PREFIX = "/" + ENGLISH
# Addresses that are one for both languages (see the module's docstring).
UNPREFIXED = ("/api/", "/static/")
UNPREFIXED_EXACT = frozenset({"/healthz", "/robots.txt", "/sitemap.xml", "/language"})
PREFERENCE = "lang"  # session key: the language the visitor chose
REDIRECTED = "lang_redirected"  # session key: the one redirect to it was made


def is_language_neutral(path: str) -> bool:
    """Is `path` (without a language prefix) one address for both languages?"""
    return path.startswith(UNPREFIXED) or path.rstrip("/") in UNPREFIXED_EXACT


def split(path: str) -> tuple[str, str]:
    """(language, the path without its prefix): ("en", "/winners") for "/en/winners"."""
    if path == PREFIX or path.startswith(PREFIX + "/"):
        rest = path[len(PREFIX):] or "/"
        if not is_language_neutral(rest):
            return ENGLISH, rest
    return LATVIAN, path


def localised(path: str, language: str) -> str:
    """`path` (with or without a prefix) as the address of that page in `language`."""
    _, bare = split(path)
    if language == DEFAULT or is_language_neutral(bare):
        return bare
    return PREFIX + bare


def localised_url(url: str, language: str) -> str:
    """An address built by url_for (relative or absolute) in `language`."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=localised(parts.path or "/", language)))


def page_language() -> str:
    """The language of the address this request was made to."""
    return split(request.path)[0]


def current() -> str:
    """The language links are built in now: the page's, unless force_locale says otherwise."""
    # Asked for every link and every user-written value on a page: the locale the request
    # already settled on is read directly; Flask-Babel chooses it only the first time.
    locale = kept_locale() or get_locale()
    # Talka's locales have no territory, so the language is the whole identifier (and
    # reading it is cheaper than building the identifier).
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


def page_url(language: str, *, with_query: bool = False) -> str:
    """This page's address (path, and the query string if asked) in `language`."""
    path = localised(request.path, language)
    if with_query and request.query_string:
        return path + "?" + request.query_string.decode("latin-1")
    return path


def switch_url(language: str) -> str:
    """The language switcher's link: this page in `language`, with `lang=` so that the
    choice is remembered (a form's result page has no address of its own: its home)."""
    path = localised(request.path if request.method == "GET" else "/", language)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if request.method != "GET":
        args = []
    return path + "?" + urlencode([*args, ("lang", language)])


def preferred() -> str | None:
    """The language this visitor chose earlier: in this browser, else in their account."""
    from flask_login import current_user

    chosen = session.get(PREFERENCE)
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return None


def prefer_language():
    """Before a page: remember a choice made with the switcher (and land on the address
    without `lang=`), or send a visitor who prefers English from a Latvian address to the
    English one, once per session."""
    if request.method not in ("GET", "HEAD") or is_language_neutral(request.path):
        return None
    _ = request.host  # a Host this site does not answer is refused (400) before any redirect
    language = page_language()
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session[PREFERENCE] = chosen
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        target = localised(request.path, chosen)
        return redirect(target + ("?" + urlencode(rest) if rest else ""))
    if (language == DEFAULT and preferred() == ENGLISH
            and not session.get(REDIRECTED) and request.endpoint is not None):
        session[REDIRECTED] = True
        return redirect(page_url(ENGLISH, with_query=True))
    return None


def data_lang() -> Markup:
    """Text that users wrote (titles, descriptions, names of teams and municipalities) is
    in Latvian: on a page in another language its container says so, for screen readers,
    hyphenation and translation tools: `<div class="prose"{{ data_lang() }}>`."""
    return Markup("") if current() == LATVIAN else Markup(' lang="lv"')


def data_lang_filter(value):
    """The same for a value inside other text: `{{ idea.title|data_lang }}` is wrapped in
    `<span lang="lv">` on a page in another language (never use it inside an attribute)."""
    if current() == LATVIAN or value is None or value == "":
        return value
    return Markup('<span lang="lv">%s</span>') % escape(value)


def install(app: Flask) -> None:
    app.before_request(prefer_language)
    app.add_template_filter(data_lang_filter, "data_lang")
    app.add_template_global(data_lang, "data_lang")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(switch_url, "language_switch_url")
