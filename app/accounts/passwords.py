"""Password policy and hashing: length and a common-password list, no composition rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.translation import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256  # long enough for pass-phrases, short enough not to be a hashing DoS
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
# scrypt: a slow, memory-hard KDF (Werkzeug's default); parameters stored in the hash.
HASH_METHOD = "scrypt:32768:8:1"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problems(password: str, *, email: str = "", name: str = "") -> list:
    """What is wrong with a new password, as user-facing messages (empty if fine)."""
    if len(password) < MIN_LENGTH:
        return [_l("Use at least %(n)d characters. A short sentence is easy to remember.",
                   n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return [_l("This password is among the most commonly used ones. Choose another.")]
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and lowered.startswith(local_part) and (
        len(lowered) - len(local_part) < 6
    ):
        return [_l("The password is too similar to your e-mail address.")]
    return []


def _method() -> str:
    # Tests may configure a cheaper method; production keeps scrypt.
    return current_app.config.get("PASSWORD_HASH_METHOD", HASH_METHOD)


@cache
def _dummy_hash(method: str) -> str:
    """A hash of a fixed string, checked when the e-mail is unknown so that the answer
    takes as long as for a wrong password."""
    return generate_password_hash("talka-timing-equaliser-value", method=method)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and answer False."""
    if not password_hash:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)
