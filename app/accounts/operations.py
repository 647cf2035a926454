"""Account operations: registration, sign-in sessions, passwords, roles and tokens.

Operations flush and never commit; the view or command that calls them commits.
"""

from __future__ import annotations

import functools
import secrets
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, exists, func, select
from sqlalchemy.orm import joinedload

from app import MAX_ID
from app.accounts.models import ApiToken, Role, RoleGrant, User, UserSession, token_digest
from app.accounts.passwords import hash_password, password_problems, verify_password
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.operations import queue_mail
from app.places.models import Municipality, Region

NAME_MAX = 120
LOCALES = ("lv", "en")


# --- validation helpers ------------------------------------------------------

def normalise_email(raw: str | None) -> str | None:
    """A syntactically valid e-mail, lower-cased; None if it is not one."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 254:
        return None
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def find_user_by_email(email: str | None) -> User | None:
    email = normalise_email(email)
    if email is None:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def _check_profile(data: dict, errors: dict) -> dict:
    values: dict[str, Any] = {}
    name = " ".join((data.get("name") or "").split())
    if not name:
        errors["name"] = [_l("Enter your name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_l("Use at most %(n)d characters.", n=NAME_MAX)]
    values["name"] = name
    municipality_id = data.get("municipality_id")
    if municipality_id in (None, "", 0, "0"):
        values["municipality_id"] = None
    else:
        try:
            number = int(municipality_id)
        except (TypeError, ValueError):
            number = 0
        # A number the id column cannot hold matches nothing (and must not reach the database).
        municipality = db.session.get(Municipality, number) if 0 < number <= MAX_ID else None
        if municipality is None:
            errors["municipality_id"] = [_l("Choose a municipality from the list.")]
        values["municipality_id"] = municipality.id if municipality else None
    locale = data.get("locale") or "lv"
    if locale not in LOCALES:
        errors["locale"] = [_l("Choose Latvian or English.")]
    values["locale"] = locale
    return values


# --- signed links --------------------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"talka-{purpose}")


def make_link_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_link_token(purpose: str, token: str, max_age: int) -> dict:
    """Payload of a signed link; raises WrongState with a message the user can act on."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise WrongState(_l("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise WrongState(_l("This link is not valid. Copy the whole link from the e-mail, "
                            "or ask for a new one.")) from exc


# --- registration ------------------------------------------------------------------

def register_user(data: dict) -> User | None:
    """Create an unconfirmed account and e-mail a confirmation link.

    If the address is taken, nothing is created and the owner gets an e-mail
    instead, so that the page answers the same and reveals nothing.
    """
    errors: dict[str, list] = {}
    email = normalise_email(data.get("email"))
    if email is None:
        errors["email"] = [_l("Enter an e-mail address like name@example.lv.")]
    values = _check_profile(data, errors)
    password = data.get("password") or ""
    problems = password_problems(password, email=email or "", name=values.get("name", ""))
    if problems:
        errors["password"] = problems
    if errors:
        raise Invalid(errors=errors)
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(password)  # the same work as for a new account: timing tells nothing
        queue_mail(existing.email, "account_exists", locale=existing.locale, user=existing,
                   kind=f"account-exists:{existing.id}",
                   login_url=url_for("accounts.login", _external=True),
                   reset_url=url_for("accounts.password_reset", _external=True))
        return None
    user = User(email=email, password_hash=hash_password(password), **values)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    token = make_link_token("confirm", {"u": user.id, "e": user.email})
    queue_mail(user.email, "confirm_email", locale=user.locale, user=user,
               kind=f"confirm:{user.id}",
               url=url_for("accounts.confirm_email", token=token, _external=True))


def confirm_email(token: str, *, now: datetime | None = None) -> User:
    payload = read_link_token("confirm", token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, payload.get("u"))
    if user is None or user.email != payload.get("e"):
        raise WrongState(_l("This link is not valid. Copy the whole link from the e-mail, "
                            "or ask for a new one."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now or now_utc()
        db.session.flush()
    return user


# --- signing in and out -------------------------------------------------------

def authenticate(email: str | None, password: str) -> User | None:
    """The user if e-mail and password match an active account, else None.

    An unknown e-mail costs the same hashing time as a wrong password.
    """
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password or ""):
        return None
    return user


def start_session(user: User, *, remember: bool, ip: str, user_agent: str,
                  now: datetime | None = None) -> str:
    """Open a server-side session; the returned token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    now = now or now_utc()
    db.session.add(UserSession(token_hash=token_digest(token), user_id=user.id, created_at=now,
                               last_seen_at=now, ip=ip[:64], user_agent=user_agent[:200],
                               remember=remember))
    user.last_login_at = now
    user.current_session_token = token
    db.session.flush()
    return token


def load_session_user(token: str | None) -> User | None:
    """The active user behind a session token, or None if the session has ended."""
    if not token:
        return None
    found = db.session.execute(_session_by_token(),
                               {"token_hash": token_digest(token)}).unique().first()
    if found is None or not found.UserSession.user.is_active:
        return None
    user = found.UserSession.user
    user.current_session_token = token
    user.on_a_jury = bool(found.on_a_jury)
    return user


@functools.cache
def _session_by_token() -> Any:
    """A session with its user, her roles and whether she sits on any jury (every signed-in
    page needs them: the navigation links to her reviews), in one query joined rather than
    three, built once per process: it is asked on every signed-in request, and building it
    cost more than running it."""
    from app.judging.models import JuryMember

    on_a_jury = exists().where(JuryMember.user_id == UserSession.user_id)
    return (select(UserSession, on_a_jury.label("on_a_jury"))
            .where(UserSession.token_hash == bindparam("token_hash"))
            .options(joinedload(UserSession.user).joinedload(User.roles)))


def end_session(token: str | None) -> None:
    """Sign out: the session's row goes, so a saved cookie no longer works."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


def end_all_sessions(user: User, *, keep_token: str | None = None) -> None:
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != token_digest(keep_token))
    db.session.execute(query)


# --- passwords ---------------------------------------------------------------------

def request_password_reset(email: str | None) -> None:
    """E-mail a reset link if the account exists; answer the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_link_token("reset", {"u": user.id, "v": user.password_version})
    queue_mail(user.email, "password_reset", locale=user.locale, user=user,
               kind=f"reset:{user.id}",
               url=url_for("accounts.password_reset_confirm", token=token, _external=True))


def user_for_reset_token(token: str) -> User:
    """The user a reset link is for; the link dies once the password has changed."""
    payload = read_link_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.is_active or user.password_version != payload.get("v"):
        raise WrongState(_l("This link has already been used or is no longer valid. "
                            "Ask for a new one."))
    return user


def _set_password(user: User, password: str) -> None:
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise Invalid(errors={"password": problems})
    user.password_hash = hash_password(password)
    user.password_version += 1


def reset_password(token: str, password: str, *, now: datetime | None = None) -> User:
    """Set a new password from an e-mailed link; ends every session of the account."""
    user = user_for_reset_token(token)
    _set_password(user, password)
    if user.email_confirmed_at is None:  # the link proved the address
        user.email_confirmed_at = now or now_utc()
    end_all_sessions(user)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; other sessions end, this one stays."""
    if not verify_password(user.password_hash, current or ""):
        raise Invalid(errors={"current_password": [_l("The current password is not correct.")]})
    _set_password(user, new)
    end_all_sessions(user, keep_token=user.current_session_token)
    db.session.flush()


def update_profile(user: User, data: dict) -> User:
    errors: dict[str, list] = {}
    values = _check_profile(data, errors)
    if errors:
        raise Invalid(errors=errors)
    for key, value in values.items():
        setattr(user, key, value)
    db.session.flush()
    return user


# --- API tokens ---------------------------------------------------------------------

def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise Invalid(errors={"name": [_l("Name the token (at most 80 characters), e.g. "
                                         "“municipal portal”.")]})
    raw = "talka_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_digest(raw), prefix=raw[:12])
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_api_token(token: ApiToken, *, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or now_utc()
        db.session.flush()


def user_for_api_token(raw: str | None, *, now: datetime | None = None) -> User | None:
    """The active user behind a bearer token, or None if unknown or revoked."""
    if not raw:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = now or now_utc()
    # Written at most once an hour per token, so reads stay reads.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        token.last_used_at = now
    return token.user


# --- administration ----------------------------------------------------------------

def _roles_snapshot(user: User) -> list[str]:
    return sorted(f"{r.role.value}:{r.region_code or 'national'}" for r in user.roles)


def grant_role(user: User, role: Role, region_code: str | None, *, actor: User | None) -> None:
    """Give a role; a coordinator is regional (a region code) or national (None)."""
    if role == Role.ADMIN:
        region_code = None
    elif region_code is not None and db.session.get(Region, region_code) is None:
        raise Invalid(errors={"region_code": [_l("Choose a planning region.")]})
    if user.has_role(role, region_code):
        return
    before = _roles_snapshot(user)
    user.roles.append(RoleGrant(role=role, region_code=region_code,
                                granted_by_id=getattr(actor, "id", None)))
    db.session.flush()
    record_audit("user.grant_role", actor=actor, object_type="user", object_id=user.id,
                 before={"roles": before}, after={"roles": _roles_snapshot(user)})


def revoke_role(user: User, grant: RoleGrant, *, actor: User) -> None:
    if grant.user_id != user.id:
        raise Invalid(errors={"role": [_l("This role does not belong to this user.")]})
    if grant.role == Role.ADMIN and user.id == actor.id:
        raise WrongState(_l("You cannot remove your own administrator role."))
    before = _roles_snapshot(user)
    user.roles.remove(grant)
    db.session.flush()
    record_audit("user.revoke_role", actor=actor, object_type="user", object_id=user.id,
                 before={"roles": before}, after={"roles": _roles_snapshot(user)})


def disable_user(user: User, *, actor: User, now: datetime | None = None) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    if user.id == actor.id:
        raise WrongState(_l("You cannot disable your own account."))
    if user.disabled_at is not None:
        return
    user.disabled_at = now or now_utc()
    end_all_sessions(user)
    db.session.flush()
    record_audit("user.disable", actor=actor, object_type="user", object_id=user.id,
                 before={"active": True}, after={"active": False})


def enable_user(user: User, *, actor: User) -> None:
    if user.disabled_at is None:
        return
    user.disabled_at = None
    db.session.flush()
    record_audit("user.enable", actor=actor, object_type="user", object_id=user.id,
                 before={"active": False}, after={"active": True})


def create_user(email: str, name: str, password: str, *, role: str | None = None,
                region_code: str | None = None, municipality_name: str | None = None,
                actor: User | None = None, now: datetime | None = None) -> User:
    """A confirmed, active account, as operators create it from the command line."""
    data: dict[str, Any] = {"name": name, "locale": "lv"}
    if municipality_name:
        # Compared in Python: SQLite's lower() folds only ASCII ("Ādažu novads").
        wanted = municipality_name.strip().casefold()
        municipality = next((m for m in db.session.scalars(select(Municipality))
                             if m.name.casefold() == wanted), None)
        if municipality is None:
            raise Invalid(errors={"municipality": [_l("No municipality has this name.")]})
        data["municipality_id"] = municipality.id
    errors: dict[str, list] = {}
    normalised = normalise_email(email)
    if normalised is None:
        errors["email"] = [_l("Enter an e-mail address like name@example.lv.")]
    elif find_user_by_email(normalised) is not None:
        errors["email"] = [_l("An account with this e-mail address exists already.")]
    values = _check_profile(data, errors)
    problems = password_problems(password, email=normalised or "")
    if problems:
        errors["password"] = problems
    if errors:
        raise Invalid(errors=errors)
    user = User(email=normalised, password_hash=hash_password(password),
                email_confirmed_at=now or now_utc(), **values)
    db.session.add(user)
    db.session.flush()
    if user.municipality is not None:
        # The operator vouches for where the person works.
        from app.accounts.affiliation import verify_by_operator

        verify_by_operator(user, user.municipality, actor=actor, now=now)
    if role:
        grant_role(user, Role(role), region_code if role == "coordinator" else None, actor=actor)
    return user
