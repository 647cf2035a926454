"""The status machine of an idea: pure rules, no session.

    draft → submitted → (withdrawn | ineligible | winner | not_selected)

Only operations assign `Idea.status`, and only along this table.
"""

from __future__ import annotations

import enum

from app.core.translation import lazy_gettext as _l


class IdeaStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"
    WINNER = "winner"
    NOT_SELECTED = "not_selected"

    @property
    def label(self):
        return STATUS_LABELS[self]


TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    IdeaStatus.DRAFT: frozenset({IdeaStatus.SUBMITTED}),
    IdeaStatus.SUBMITTED: frozenset({IdeaStatus.WITHDRAWN, IdeaStatus.INELIGIBLE,
                                     IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED}),
    IdeaStatus.WITHDRAWN: frozenset(),
    IdeaStatus.INELIGIBLE: frozenset(),
    IdeaStatus.WINNER: frozenset(),
    IdeaStatus.NOT_SELECTED: frozenset(),
}

STATUS_LABELS = {
    IdeaStatus.DRAFT: _l("Draft"),
    IdeaStatus.SUBMITTED: _l("Submitted"),
    IdeaStatus.WITHDRAWN: _l("Withdrawn"),
    IdeaStatus.INELIGIBLE: _l("Ineligible"),
    IdeaStatus.WINNER: _l("Winner"),
    IdeaStatus.NOT_SELECTED: _l("Not selected"),
}

# Statuses the hackathon's coordinators (and later judges) may see: everything that
# was once submitted. Drafts belong to the team.
SUBMITTED_ONCE = frozenset(set(IdeaStatus) - {IdeaStatus.DRAFT})


# Once the results are out, anyone may read these ideas' public fields: every idea the jury
# judged, as Decidim and CONSUL show every proposal. Drafts and withdrawn ideas stay the
# team's; an ineligible one is listed by its title and status only.
PUBLIC_AFTER_RESULTS = frozenset({IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED})


# A decision is final along TRANSITIONS; only a documented correction of published results
# (an erratum, app/judging/errata.py) turns a winner into not selected or the reverse.
CORRECTIONS: dict[IdeaStatus, IdeaStatus] = {
    IdeaStatus.WINNER: IdeaStatus.NOT_SELECTED,
    IdeaStatus.NOT_SELECTED: IdeaStatus.WINNER,
}


def can_move(current: IdeaStatus | str, to: IdeaStatus | str) -> bool:
    """True when the table allows `current` → `to`."""
    return IdeaStatus(to) in TRANSITIONS[IdeaStatus(current)]
