"""The two privacy forms: an administrator's erasure with its reason, and closing one's own
account with the password. The rules are in erasure.py's schemas, which decide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, TextAreaField

from app.core.forms import at_most, required
from app.core.translation import lazy_gettext as _l
from app.privacy.erasure import ENTER_REASON, REASON_MAX


class EraseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[required(ENTER_REASON), at_most(REASON_MAX)],
        description=_l("Recorded in the audit log. Say how and when the person asked; do not "
                       "write their name or e-mail address here."))


class CloseAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"),
                             validators=[required(_l("Enter your password.")), at_most(256)],
                             description=_l("To confirm that it is you."))
