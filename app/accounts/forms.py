"""Account forms. Length limits here mirror the rules in operations.py, which decide."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo

from app.core.forms import at_most, required
from app.core.translation import lazy_gettext as _l

LANGUAGE_CHOICES = [("lv", "Latviešu"), ("en", "English")]


def municipality_choices():
    from app.places import kept

    return [("", _l("— not set —")), *kept.municipality_choices()]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[required(), at_most(254)])
    password = PasswordField(_l("Password"), validators=[required(), at_most(256)])
    remember = BooleanField(_l("Keep me signed in on this device"))


def name_limit(n: int):
    """At most `n` characters, said in a message: no maxlength attribute, with which a
    browser would drop the end of a long name without a word."""
    validator = at_most(n)
    validator.field_flags = {}
    return validator


class ProfileFields(FlaskForm):
    name = StringField(_l("Name and surname"),
                       validators=[required(_l("Enter your name.")), name_limit(120)])
    municipality_id = SelectField(_l("Municipality you work for"), choices=[],
                                  validate_choice=False)
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = municipality_choices()


class RegisterForm(ProfileFields):
    email = EmailField(_l("E-mail address"), validators=[required(), at_most(254)])
    password = PasswordField(
        _l("Password"),
        validators=[required(), at_most(256)],
        description=_l("At least 12 characters. A short sentence is both strong and easy to "
                       "remember; no special characters are required."),
    )
    password_again = PasswordField(
        _l("Password again"),
        validators=[required(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ProfileForm(ProfileFields):
    pass


class EmailForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[required(), at_most(254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[required(), at_most(256)],
                             description=_l("At least 12 characters."))
    password_again = PasswordField(
        _l("New password again"),
        validators=[required(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[required(), at_most(256)])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[required(), at_most(80)],
                       description=_l("What the token is for, e.g. “municipal portal”."))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons."""


class ButtonForm:
    """A POST button's form on a page that is only read (sign out, on every signed-in page;
    the judging dashboard's actions): only its CSRF field, written out when the page shows
    it, as EmptyForm writes it. The token is the request's own (`generate_csrf` makes it
    once per request, whichever form asks first); building a whole form for one hidden
    field on every page cost more than the token. The POST it sends is checked by the view
    with a real form, or by CSRFProtect."""

    @property
    def csrf_token(self) -> Markup:
        if not current_app.config.get("WTF_CSRF_ENABLED", True):
            return Markup("")  # as a form without CSRF protection writes it: nothing
        name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        return Markup('<input name="{}" type="hidden" value="{}">').format(name,
                                                                            generate_csrf())


class VerificationForm(FlaskForm):
    """Ask to be verified as working for a municipality; the operation checks the fields."""

    municipality_id = SelectField(_l("Municipality you work for"), choices=[],
                                  validate_choice=False)
    note = TextAreaField(_l("Note for the coordinator"),
                         description=_l("Optional. Your position and department, or a "
                                        "colleague who can confirm it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = municipality_choices()
        self.municipality_id.flags.required = True


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why is the request declined?"),
                           description=_l("The person reads this reason."))
