"""Form helpers shared by features: carry service-layer errors onto a WTForm."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.core.errors import Invalid


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
