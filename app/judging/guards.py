"""Checks every judging operation shares: who may manage, whether the results are frozen,
and how user text and ids are read from a form or JSON."""

from __future__ import annotations

from typing import Any

from app.core.errors import NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.hackathons.models import Hackathon
from app.judging.models_results import results_published


def clean_text(value: Any) -> str | None:
    """User text with normalised line ends; None when it is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_manager(hackathon: Hackathon, actor: Any) -> None:
    """Refuse (403) anyone who does not coordinate the hackathon."""
    if not hackathon.can_manage(actor):
        raise NotAllowed(_l("Only the hackathon's coordinators can do this."))


def check_not_frozen(hackathon: Hackathon) -> None:
    """Refuse (409) a change to scores or decisions once the results are published."""
    if results_published(hackathon.id):
        raise WrongState(_l("The results are published: scores and decisions are frozen."))


def parse_id(value: Any) -> int | None:
    """An id (of a criterion, an idea) given as a JSON key, value or form suffix ("12" or
    12); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        return int(value)
    return None
