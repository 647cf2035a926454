"""Latvian first: every message in the code has a Latvian translation, same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")
METHOD_MAP = [
    ("app/**.py", "python"),
    ("app/templates/**.html", "jinja2"),
    ("app/templates/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _code_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(locale: str):
    with open(ROOT / f"app/translations/{locale}/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_message_in_the_code_has_a_latvian_translation():
    catalog = _catalog("lv")
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and "fuzzy" not in message.flags:
            translated[key] = strings
    missing = sorted(m for m in _code_messages() if m not in translated)
    assert not missing, (
        f"{len(missing)} messages lack a Latvian translation (run `make extract-messages` "
        f"and translate): {missing[:20]}"
    )


def test_latvian_translations_keep_the_placeholders():
    wrong = []
    for message in _catalog("lv"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # A plural translation may use what either English form uses, and must keep
        # everything the singular uses.
        required = set(PLACEHOLDER.findall(ids[0]))
        allowed = required.union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in strings:
            found = set(PLACEHOLDER.findall(text)) if text else required
            if not required <= found <= allowed:
                wrong.append(ids[0])
    assert not wrong, f"placeholders differ in: {wrong}"


def test_pages_are_latvian_by_default_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="lv">' in page and "Pieslēgties" in page
    page = client.get("/en/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page


def test_a_forced_language_is_translated_in_it_and_the_page_language_comes_back(app):
    """The request keeps the catalog it found, keyed on the locale: a forced language (an
    e-mail in the recipient's language) must not be answered from the page's catalog,
    neither in code nor in templates, and the page's language must return after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    from app.core.translation import gettext, lazy_gettext, ngettext

    template = "{{ _('Team') }}"
    team = lazy_gettext("Team")
    with app.test_request_context("/"):
        assert gettext("Team") == "Komanda"
        assert render_template_string(template) == "Komanda"
        with force_locale("en"):
            assert gettext("Team") == "Team" and str(team) == "Team"
            assert render_template_string(template) == "Team"
            assert ngettext("%(num)s day overdue", "%(num)s days overdue", 2) == \
                "2 days overdue"
        assert gettext("Team") == "Komanda" and str(team) == "Komanda"
        assert render_template_string(template) == "Komanda"
        with force_locale("en"):
            with force_locale("lv"):
                assert gettext("Team") == "Komanda"
            assert render_template_string(template) == "Team"


def test_templates_translate_escape_and_format_as_jinja_does(app):
    """Templates translate through their own one-call gettext: an HTML template escapes the
    values put into a message but not the message, a text one (an e-mail) escapes nothing,
    "%%" is always "%", and a count chooses the plural form."""
    from flask import render_template_string

    values = "{{ _('of “%(title)s”', title=t) }}|{{ ngettext('%(num)d pilot found.', " \
             "'%(num)d pilots found.', n) }}|{{ _('100%% sure') }}"
    # Each in a context of its own, as each request has: the language is kept on `g`.
    with app.app_context(), app.test_request_context("/en/"):
        assert render_template_string(values, t="<b>", n=2) == \
            "of “&lt;b&gt;”|2 pilots found.|100% sure"
        assert render_template_string(
            "{% autoescape false %}" + values + "{% endautoescape %}", t="<b>", n=1) == \
            "of “<b>”|1 pilot found.|100% sure"
    with app.app_context(), app.test_request_context("/"):
        assert render_template_string("{{ ngettext('%(num)d pilot found.', "
                                      "'%(num)d pilots found.', 2) }}") == \
            "Atrasti pilotprojekti: 2."
