"""Small helpers shared by the team tests."""

from __future__ import annotations

from markupsafe import escape


def in_latvian(message: str, **variables) -> str:
    """The message as the Latvian catalog has it, escaped as a page shows it."""
    from flask_babel import force_locale, gettext

    with force_locale("lv"):
        return str(escape(gettext(message, **variables)))
