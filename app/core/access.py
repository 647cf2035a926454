"""Who may use a route. Every view declares a rule; a route without one is refused.

The rule is checked before the view runs (deny by default). Object-level rules
(`idea.can_edit(user)`) are predicates on the models; views call them through
`require()` so that an object the user may not know about answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from app.core.security import security_log

PUBLIC = "public"
SIGNED_IN = "signed_in"
COORDINATOR = "coordinator"
ADMIN = "admin"
RULES = (PUBLIC, SIGNED_IN, COORDINATOR, ADMIN)

View = TypeVar("View", bound=Callable[..., Any])


def _declare(rule: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        # The rule rides on the function itself; Callable has no way to declare the attribute.
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


public = _declare(PUBLIC)
signed_in = _declare(SIGNED_IN)
coordinator_only = _declare(COORDINATOR)
admin_only = _declare(ADMIN)


def is_api_request() -> bool:
    """True for the JSON API, which answers problem+json and uses tokens."""
    return request.path.startswith("/api/")


def refuse(status: int = 403, reason: str = "forbidden") -> NoReturn:
    """Log a refused access and stop the request."""
    user = current_user if current_user.is_authenticated else None
    security_log(
        "access_refused",
        user_id=getattr(user, "id", None),
        path=request.path,
        method=request.method,
        status=status,
        reason=reason,
    )
    abort(status)


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop unless `allowed`; with hide=True answer 404 so existence is not revealed.

    mypy cannot see that a false `allowed` ends the request, so a caller that tested
    `found is not None` here asserts it on the next line.
    """
    if not allowed:
        refuse(404 if hide else 403, reason="predicate")


def enforce_access() -> None:
    """before_request: apply the route's declared rule; no rule means no entry."""
    if request.endpoint is None:
        return None  # routing will answer 404/405
    if request.endpoint == "static":
        return None  # the stylesheet, icons and scripts are public by nature
    view = current_app.view_functions.get(request.endpoint)
    rule = getattr(view, "access_rule", None)
    if rule not in RULES:
        refuse(403, reason="no_rule_declared")
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if is_api_request():
            refuse(401, reason="not_signed_in")
        from app.extensions import login_manager

        return login_manager.unauthorized()
    if rule == ADMIN and not current_user.is_admin:
        refuse(403, reason="not_admin")
    if rule == COORDINATOR and not (current_user.is_coordinator or current_user.is_admin):
        refuse(403, reason="not_coordinator")
    return None
