"""Form helpers shared by features: localised validators, and service-layer errors on a WTForm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from app.core.errors import Invalid
from app.core.translation import lazy_gettext as _l


class _TokenInput(HiddenInput):
    """The CSRF token's hidden input without an id: a page holds one per form, and ids
    must be unique in a document (no label or script refers to the token)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


CSRFTokenField.widget = _TokenInput()


# WTForms ships no Latvian messages, so its defaults would show English on a Latvian
# page; these validators carry messages from our own catalog.
def required(message=None) -> DataRequired:
    """A field that must be filled in."""
    return DataRequired(message=message or _l("Fill in this field."))


def at_most(n: int) -> Length:
    """At most `n` characters."""
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def apply_errors(form: FlaskForm, error: Invalid, field_map: dict[str, str] | None = None) -> None:
    """Show an operation's field errors beside the form's fields (unknown ones on top)."""
    field_map = field_map or {}
    for key, messages in error.errors.items():
        field = getattr(form, field_map.get(key, key), None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(m) for m in messages)
    if error.detail:
        form.form_errors.append(str(error.detail))
