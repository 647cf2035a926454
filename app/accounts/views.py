"""Account pages: register, confirm, sign in and out, password reset, /account.

The request's edge (app.core.web) commits: it does so before the answer is sent, so the
session row that sign-in writes is there when the browser's next request reads it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.accounts import operations as ops
from app.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    EmptyForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    TokenForm,
)
from app.accounts.models import ApiToken, UserSession, token_digest
from app.core import access, language, web
from app.core.errors import WrongState
from app.core.security import client_address, is_safe_next, security_log
from app.core.translation import gettext as _
from app.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "login:" + (ops.normalise_email(request.form.get("email")) or "-")


# A browser that signed in to an address before may still sign in to it while the address
# is locked by failures from elsewhere: the lock stops guessing, not the owner.
DEVICE_COOKIE = "talka_device"
DEVICE_DAYS = 180
DEVICE_ADDRESSES = 5


def _device_addresses() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 2000:
        return []
    try:
        data = ops.read_link_token("device", raw, max_age=DEVICE_DAYS * 86400)
    except WrongState:
        return []
    addresses = data.get("e") if isinstance(data, dict) else None
    return [a for a in addresses if isinstance(a, str)] if isinstance(addresses, list) else []


def _known_device() -> bool:
    """This browser signed in to the submitted address before (a signed cookie)."""
    email = ops.normalise_email(request.form.get("email"))
    return bool(email) and email in _device_addresses()


def _remember_device(response, email: str):
    addresses = [email, *[a for a in _device_addresses() if a != email]][:DEVICE_ADDRESSES]
    response.set_cookie(DEVICE_COOKIE, ops.make_link_token("device", {"e": addresses}),
                        max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _log_breach(limit) -> None:
    security_log("sign_in_throttled", email=ops.normalise_email(request.form.get("email")),
                 limit=str(limit.limit))


def _next_url(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_login_failed, on_breach=_log_breach, scope="login-address")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_login_failed, on_breach=_log_breach,
               exempt_when=_known_device, scope="login-account")
def login():
    form = LoginForm()
    unconfirmed = None
    if form.validate_on_submit():
        user = ops.authenticate(form.email.data, form.password.data)
        if user is None or not user.is_active:
            g.login_failed = True
            security_log("sign_in_failed", email=ops.normalise_email(form.email.data),
                         user_id=getattr(user, "id", None))
            # Same words whether the e-mail is unknown, the password wrong or the
            # account disabled: the page must not tell which accounts exist.
            form.form_errors.append(_("The e-mail address or the password is not correct."))
        elif not user.is_confirmed:
            g.login_failed = True
            security_log("sign_in_unconfirmed", user_id=user.id)
            unconfirmed = user.email
            form.form_errors.append(_("Confirm your e-mail address first: open the link we "
                                      "sent you. You can ask for a new link below."))
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in
            if lang:  # but the language the visitor just chose stays
                session["lang"] = lang
            ops.start_session(user, remember=form.remember.data, ip=client_address(),
                              user_agent=request.user_agent.string or "")
            login_user(user, remember=form.remember.data)
            security_log("sign_in", user_id=user.id)
            return _remember_device(redirect(_next_url(url_for("public.home"))), user.email)
    status = 200 if not form.errors and not form.form_errors else 422
    return render_template("accounts/login.html", form=form, unconfirmed=unconfirmed,
                           resend_form=EmailForm(formdata=None, email=unconfirmed)), status


@bp.route("/logout", methods=["POST"])
@access.public
def logout():
    if current_user.is_authenticated:
        security_log("sign_out", user_id=current_user.id)
        ops.end_session(current_user.current_session_token)
    # Clear first: logout_user() then leaves its flag that deletes the remember cookie.
    session.clear()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per hour", methods=["POST"], scope="register")
def register():
    form = RegisterForm()
    return web.submit(
        form, run=lambda _data: ops.register_user(form.data),
        success=lambda _user: render_template("accounts/check_email.html",
                                              email=ops.normalise_email(form.email.data)),
        page=lambda status: (render_template("accounts/register.html", form=form), status))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@access.public
def confirm_email(token: str):
    # GET only shows a button: mail scanners that open links must not confirm.
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user = web.attempt(lambda: ops.confirm_email(token))
        except WrongState as error:
            return render_template("accounts/link_problem.html", detail=error.detail,
                                   resend_form=EmailForm()), 409
        security_log("email_confirmed", user_id=user.id)
        flash(_("Your e-mail address is confirmed. You can sign in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form)


@bp.route("/confirm/resend", methods=["POST"])
@access.public
@limiter.limit("5 per hour", scope="resend")
def resend_confirmation():
    form = EmailForm()
    if form.validate_on_submit():
        user = ops.find_user_by_email(form.email.data)
        if user is not None and not user.is_confirmed and user.is_active:
            ops.send_confirmation(user)
    return render_template("accounts/check_email.html",
                           email=ops.normalise_email(form.email.data))


@bp.route("/password-reset", methods=["GET", "POST"])
@access.public
@limiter.limit("5 per hour", methods=["POST"], scope="reset")
def password_reset():
    form = EmailForm()
    if form.validate_on_submit():
        ops.request_password_reset(form.email.data)
        security_log("password_reset_requested", email=ops.normalise_email(form.email.data))
        return render_template("accounts/check_email.html", email=form.email.data, reset=True)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/password_reset.html", form=form), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@access.public
def password_reset_confirm(token: str):
    try:
        ops.user_for_reset_token(token)
    except WrongState as error:
        return render_template("accounts/link_problem.html", detail=error.detail,
                               reset=True), 409
    form = NewPasswordForm()

    def changed(user):
        security_log("password_reset", user_id=user.id)
        logout_user()
        return web.done(_("Your password has been changed. Sign in with the new password."),
                        url_for("accounts.login"))

    return web.submit(
        form, run=lambda _data: ops.reset_password(token, form.password.data), success=changed,
        page=lambda status: (render_template("accounts/password_reset_confirm.html", form=form),
                             status))


# --- /account --------------------------------------------------------------------

def _account_page(**forms):
    user = current_user
    forms.setdefault("profile_form", ProfileForm(formdata=None, obj=user,
                                                 municipality_id=str(user.municipality_id or "")))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("token_form", TokenForm(formdata=None, prefix="token"))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.last_seen_at.desc())).all()
    status = 422 if any(f.errors or f.form_errors for f in forms.values()
                        if hasattr(f, "form_errors")) else 200
    return render_template("accounts/account.html", tokens=tokens, sessions=sessions,
                           current_session_hash=token_digest(user.current_session_token or ""),
                           empty_form=EmptyForm(), new_token=forms.pop("new_token", None),
                           **forms), status


@bp.route("/account", methods=["GET"])
@access.signed_in
def account():
    return _account_page()


@bp.route("/account/profile", methods=["POST"])
@access.signed_in
def account_profile():
    form = ProfileForm()

    def saved(_user):
        # The chosen language is the preference now: the account page in it.
        session[language.PREFERENCE] = current_user.locale
        with force_locale(current_user.locale):
            return web.done(_("Your profile has been saved."), url_for("accounts.account"))

    return web.submit(form, run=lambda _data: ops.update_profile(current_user, form.data),
                      success=saved, page=lambda _status: _account_page(profile_form=form))


@bp.route("/account/password", methods=["POST"])
@access.signed_in
def account_password():
    form = ChangePasswordForm()

    def changed(_result):
        security_log("password_changed", user_id=current_user.id)
        return web.done(_("Your password has been changed. Other devices have been signed "
                          "out."), url_for("accounts.account"))

    return web.submit(
        form, run=lambda _data: ops.change_password(current_user, form.current_password.data,
                                                    form.password.data),
        success=changed, page=lambda _status: _account_page(password_form=form))


@bp.route("/account/tokens", methods=["POST"])
@access.signed_in
def account_token_create():
    form = TokenForm(prefix="token")

    def created(result):
        token, raw = result
        security_log("api_token_created", user_id=current_user.id, token_id=token.id)
        # Shown once, on this response only; never stored in plain text.
        return _account_page(new_token=raw)

    return web.submit(form, run=lambda _data: ops.create_api_token(current_user, form.name.data),
                      success=created, page=lambda _status: _account_page(token_form=form))


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@access.signed_in
def account_token_revoke(token_id: int):
    token = web.load(ApiToken, token_id, see=lambda found, user: found.user_id == user.id)
    if EmptyForm().validate_on_submit():
        ops.revoke_api_token(token)
        security_log("api_token_revoked", user_id=current_user.id, token_id=token.id)
        flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@access.signed_in
def account_end_other_sessions():
    if EmptyForm().validate_on_submit():
        ops.end_all_sessions(current_user, keep_token=current_user.current_session_token)
        security_log("other_sessions_ended", user_id=current_user.id)
        flash(_("You have been signed out on all other devices."), "success")
    return redirect(url_for("accounts.account"))
