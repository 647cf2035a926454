"""One rule decides whether an idea may become a pilot: pilot_policy. The operation, the
start page and the idea page's button all follow it, so they cannot disagree."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.clock import today_riga
from app.core.errors import NotAllowed, WrongState
from app.ideas.status import IdeaStatus
from app.pilots import creation as creation_ops
from app.pilots import policy as pilot_policy
from tests.conftest import login
from tests.factories_pilots import make_coord, make_pilot, make_winner


def _dates():
    today = today_riga()
    return {"start_date": (today + timedelta(days=7)).isoformat(),
            "end_date": (today + timedelta(days=372)).isoformat()}


@pytest.mark.parametrize(("status", "has_pilot", "who", "may"), [
    (IdeaStatus.WINNER, False, "coordinator", True),
    (IdeaStatus.WINNER, False, "other_region", False),
    (IdeaStatus.WINNER, False, "team", False),
    (IdeaStatus.WINNER, True, "coordinator", False),
    (IdeaStatus.NOT_SELECTED, False, "coordinator", False),
    (IdeaStatus.SUBMITTED, False, "coordinator", False),
])
def test_the_operation_the_page_and_the_button_ask_the_same_rule(client, db, status,
                                                                 has_pilot, who, may):
    idea = make_winner()
    if has_pilot:
        make_pilot(idea)
    idea.status = status
    db.session.commit()
    user = {"coordinator": make_coord("zemgale"), "other_region": make_coord("kurzeme"),
            "team": idea.team.members[0].user}[who]
    assert pilot_policy.may_create(idea, user) is may

    login(client, user)
    # The link is to the page in the user's language (/en/… for an English account).
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    button = re.search(rf'href="(/en)?/ideas/{idea.id}/pilot"', page) is not None
    assert button is may
    if may:
        creation_ops.create_pilot(idea, _dates(), actor=user)
        return
    error = NotAllowed if not pilot_policy.may_start(idea, user) else WrongState
    with pytest.raises(error):
        creation_ops.create_pilot(idea, _dates(), actor=user)
    db.session.rollback()


def test_an_anonymous_visitor_may_not_start_a_pilot(db):
    idea = make_winner()
    assert not pilot_policy.may_create(idea, None)
