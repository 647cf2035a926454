"""The demo data: one hackathon per planning region, on its theme; safe to run twice."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import DEMO_USERS, seed_demo
from app.hackathons.demo import DEMO_HACKATHONS
from app.hackathons.models import Hackathon, Phase, PhaseChange
from app.hackathons.operations import slugify
from app.places.models import Region


def test_seed_demo_adds_one_hackathon_per_region_and_is_idempotent(db):
    seed_demo()
    db.session.commit()
    seed_demo()
    db.session.commit()
    slugs = [slugify(d.title) for d in DEMO_HACKATHONS]
    hackathons = db.session.scalars(select(Hackathon).where(Hackathon.slug.in_(slugs))
                                    .order_by(Hackathon.region_code)).all()
    assert [h.region_code for h in hackathons] == ["kurzeme", "latgale", "riga", "vidzeme",
                                                   "zemgale"]
    emails = {d.region: d.email for d in DEMO_USERS if d.role == "coordinator" and d.region}
    for h in hackathons:
        region = db.session.get(Region, h.region_code)
        assert h.theme == region.service_direction_lv
        assert len(h.criteria) == 4 and h.description and h.prize_text
        assert h.created_by.email == emails[h.region_code]
        assert h.can_manage(h.created_by)
        assert h.eligible_region_codes == [h.region_code]
    phases = {h.region_code: h.phase_at() for h in hackathons}
    assert phases == {"riga": Phase.JUDGING, "kurzeme": Phase.OPEN, "latgale": Phase.OPEN,
                      "vidzeme": Phase.RESULTS, "zemgale": Phase.OPEN}
    assert all(h.accepts_submissions() for h in hackathons if phases[h.region_code] == "open")
    changes = db.session.scalar(select(func.count()).select_from(PhaseChange).where(
        PhaseChange.hackathon_id.in_([h.id for h in hackathons])))
    assert changes == 3 + 2 + 3  # open each; riga and vidzeme at the deadline; vidzeme results
