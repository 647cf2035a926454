"""Factory helpers for hackathons and their criteria (plain functions, committed)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from app.core.clock import now_utc
from app.extensions import db

_numbers = itertools.count(1)

CRITERIA_NAMES = [
    ("Ietekme uz iedzīvotājiem", "Cik daudz iedzīvotāju ieguvums un cik tas ir būtisks."),
    ("Īstenojamība", "Vai ideju var izmēģināt ar pieejamo budžetu un laiku."),
    ("Pārņemamība", "Vai citas pašvaldības var risinājumu pārņemt."),
    ("Inovācija", "Cik jauna ir pieeja Latvijas pašvaldībām."),
]


def make_coordinator(region: str | None = "zemgale"):
    """A new coordinator of `region` (None = a national coordinator), committed."""
    from app.accounts import operations as account_ops
    from app.accounts.models import Role

    n = next(_numbers)
    user = account_ops.create_user(f"koordinators{n}@hakatoni.example.lv",
                                   f"Koordinators {n}", "a long and quiet evening")
    account_ops.grant_role(user, Role.COORDINATOR, region, actor=None)
    db.session.commit()
    return user


def make_criterion(hackathon, *, name=None, weight="1", max_score=10, position=None, round=1,
                   **fields):
    """Add a criterion of `round` (1 the jury's, 2 a final round's own) directly (no phase
    rules), committed."""
    from app.hackathons.models import Criterion

    same_round = hackathon.criteria if round == 1 else hackathon.final_criteria
    position = len(same_round) + 1 if position is None else position
    criterion = Criterion(hackathon_id=hackathon.id, name=name or f"Kritērijs {position}",
                          weight=Decimal(str(weight)), max_score=max_score,
                          position=position, round=round, **fields)
    db.session.add(criterion)
    db.session.commit()
    return criterion


def make_hackathon(*, region="zemgale", phase="open", opens_at=None, closes_at=None,
                   judging_closes_at=None, criteria=2, created_by=None, **fields):
    """A hackathon stored directly in `phase` (no operation rules), committed.

    Defaults: opened a day ago, closes in 7 days, judging closes in 21 days; the
    creator is a new coordinator of that region (national when region is None).
    """
    from app.hackathons.models import Criterion, Hackathon, Phase

    now = now_utc()
    n = next(_numbers)
    creator = created_by or make_coordinator(region)
    eligible = fields.pop("eligible_regions", None)
    values = {
        "title": f"Hakatons {n}",
        "slug": f"hakatons-{n}",
        "description": "Pašvaldību ideju hakatons.",
        "theme": "Komunālie un sabiedriskās drošības pakalpojumi",
        "reviews_per_idea": 3,
    }
    values.update(fields)
    hackathon = Hackathon(
        region_code=region,
        phase=Phase(phase),
        submission_opens_at=opens_at or now - timedelta(days=1),
        submission_closes_at=closes_at or now + timedelta(days=7),
        judging_closes_at=judging_closes_at or now + timedelta(days=21),
        created_by_id=creator.id,
        **values,
    )
    if eligible:
        from app.places.models import Region

        hackathon.eligible_regions = [db.session.get(Region, code) for code in eligible]
    for i in range(criteria):
        name, description = CRITERIA_NAMES[i % len(CRITERIA_NAMES)]
        hackathon.criteria.append(Criterion(
            name=name if i < len(CRITERIA_NAMES) else f"{name} {i + 1}",
            description=description, weight=Decimal("1"), max_score=10, position=i + 1,
        ))
    db.session.add(hackathon)
    db.session.commit()
    return hackathon
