"""Factory helpers for ideas (plain functions; the `db` fixture must be active)."""

from __future__ import annotations

from decimal import Decimal

from app.core.clock import now_utc
from app.extensions import db

COMPLETE = {
    "title": "Viedā ūdens skaitītāju nolasīšana",
    "summary": "Attālināti nolasāmi ūdens skaitītāji daudzdzīvokļu mājās, lai iedzīvotājiem "
               "nebūtu katru mēnesi jāiesniedz rādījumi.",
    "problem": "Iedzīvotāji rādījumus iesniedz **novēloti**; kļūdu labošana aizņem laiku.",
    "solution": "- Uzstādīt 200 viedos skaitītājus\n- Savienot tos ar norēķinu sistēmu",
    "target_group": "Daudzdzīvokļu māju iedzīvotāji Dobelē (ap 3000 cilvēku).",
    "expected_impact": "Mazāk kļūdainu rēķinu un mazāk zvanu klientu centram.",
    "partners": "SIA “Dobeles ūdens”",
    "budget_eur": "24500.00",
    "duration_months": 12,
}
INDICATOR = {"name": "Kļūdaino rēķinu skaits mēnesī", "baseline": "120", "target": "30"}


def complete_fields(**overrides) -> dict:
    """Fields of a complete idea, as the API or an operation takes them."""
    return {**COMPLETE, "indicators": [dict(INDICATOR)], **overrides}


def make_idea(hackathon, team, *, status="draft", indicators=None, created_by=None,
              **fields):
    """A committed idea (complete unless fields say otherwise), stored directly in `status`.

    Like the other factories it bypasses the operations' rules, so a test can start
    from any status; revision 1 holds the stored fields.
    """
    from app.ideas.models import Idea, IdeaRevision, ProposedIndicator
    from app.ideas.operations import snapshot
    from app.ideas.status import IdeaStatus

    now = now_utc()
    values = {**COMPLETE, **fields}
    if values.get("budget_eur") not in (None, ""):
        values["budget_eur"] = Decimal(str(values["budget_eur"]))
    else:
        values["budget_eur"] = None
    if values.get("duration_months") == "":
        values["duration_months"] = None
    status = IdeaStatus(status)
    author = created_by or (team.lead.user if team.lead else None)
    idea = Idea(hackathon=hackathon, team=team, status=status, created_at=now,
                updated_at=now, created_by_id=getattr(author, "id", None),
                updated_by_id=getattr(author, "id", None), **values)
    rows = [INDICATOR] if indicators is None else indicators
    idea.indicators = [ProposedIndicator(position=i, **row) for i, row in enumerate(rows)]
    if status != IdeaStatus.DRAFT:
        idea.submitted_at = now
    if status == IdeaStatus.INELIGIBLE:
        idea.ineligible_reason = "Neatbilst hakatona tēmai."
    db.session.add(idea)
    db.session.flush()
    db.session.add(IdeaRevision(idea_id=idea.id, number=1, saved_at=now,
                                saved_by_id=getattr(author, "id", None), status=status,
                                data=snapshot(idea)))
    db.session.commit()
    return idea
