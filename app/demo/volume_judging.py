"""The volume batch's juries, reviews and published results (app.demo.volume)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from app.demo.volume_plan import (
    DAY,
    JURY_SIZE,
    WINNER_SHARE,
    BatchWriter,
    PlannedHackathon,
    PlannedIdea,
)


class JudgingWriter(BatchWriter):
    """Builder's part that judges: the real scoring rules rank the planned ideas."""

    def _write_juries(self, plans: list[PlannedHackathon], judges: dict[str, list[int]]
                      ) -> None:
        from app.judging.models import JuryMember

        rows = []
        for h in plans:
            h.jury = self.rng.sample(judges[h.region], JURY_SIZE)
            rows += [{"hackathon_id": h.id, "user_id": j, "added_at": h.opens - 5 * DAY,
                      "added_by_id": self.coordinator[h.region]} for j in h.jury]
        self._insert(JuryMember, rows)

    def _scores(self, h: PlannedHackathon, quality: float, bias: float) -> dict[int, Decimal]:
        points = {}
        for criterion_id, _weight, max_score in h.criteria:
            level = min(1.0, max(0.0, quality + bias + self.rng.gauss(0, 0.08)))
            points[criterion_id] = Decimal(round(2 * max_score * level)) / 2
        return points

    def _judge(self, plans: list[PlannedHackathon], ideas: dict[int, list[PlannedIdea]],
               teams: dict[str, list[dict]]) -> dict[int, list[int]]:
        """Reviews with every criterion scored, and for hackathons past judging the
        published ranking and winners; then the ideas are written with their final status."""
        from app.judging import review_scores, scoring
        from app.judging.queries import ranked_body

        bias = {j: self.rng.gauss(0, 0.07) for h in plans for j in h.jury}
        # Winners are about 5 % of ALL ideas, though open and judging hackathons have none
        # yet: the decided hackathons choose a little more, rounded cumulatively.
        decided = sum(1 for h in plans if h.phase in ("results", "closed")
                      for i in ideas[h.id] if i.status == "submitted")
        share = min(0.5, WINNER_SHARE * self.n_ideas / max(1, decided))
        wanted = chosen = 0.0
        planned_reviews: list[tuple[PlannedIdea, int, dict | None, Decimal | None, bool]] = []
        rankings: dict[int, list] = {}
        for h in plans:
            if h.phase == "open":
                continue
            specs = [review_scores.CriterionSpec(c, w, m) for c, w, m in h.criteria]
            inputs = []
            judged = [i for i in ideas[h.id] if i.status == "submitted"]
            for k, idea in enumerate(judged):
                for j in range(3):
                    judge = h.jury[(k + j) % JURY_SIZE]
                    done = h.phase != "judging" or self.rng.random() < 0.65
                    points = self._scores(h, idea.quality, bias[judge]) if done else None
                    score = (Decimal(str(review_scores.review_score(points, specs)))
                             if points else None)
                    planned_reviews.append((idea, judge, points, score, done))
                    inputs.append(scoring.ReviewInput(k, judge, score, submitted=done))
            if h.phase in ("results", "closed") and judged:
                ranked = scoring.rank_ideas(inputs, expected_reviews=3,
                                            order_by=scoring.ORDER_BY_SCORE,
                                            idea_ids=range(len(judged)))
                wanted += share * len(judged)
                winners = max(1, round(wanted - chosen))
                chosen += winners
                for place, item in enumerate(ranked):
                    judged[item.idea_id].status = "winner" if place < winners else "not_selected"
                rankings[h.id] = [(judged[item.idea_id], item) for item in ranked]
        self._write_ideas(plans, ideas, teams)
        self._write_reviews(plans, planned_reviews)
        return self._write_decisions(plans, rankings, teams, ranked_body)

    def _write_reviews(self, plans, planned) -> None:
        from app.judging.models import AssignmentRun
        from app.judging.models_reviews import Review, ReviewScore, ReviewStatus

        rows = []
        for idea, judge, _points, score, done in planned:
            h = idea.hackathon
            assigned = h.closes + DAY
            submitted = (min(h.judging_closes, self.now) - self.rng.uniform(1, 10) * DAY
                         if done else None)
            rows.append({"hackathon_id": h.id, "idea_id": idea.id, "judge_id": judge,
                         "round": 1, "status": ReviewStatus.SUBMITTED if done
                         else ReviewStatus.PENDING,
                         "comment": self.rng.choice(
                             ("Skaidri aprakstīta problēma un izmērāms ieguvums.",
                              "Laba ideja, bet budžets jāprecizē.",
                              "Ieguvums iedzīvotājiem nav pietiekami pamatots.")) if done else "",
                         "score": score, "version": 2 if done else 1, "created_at": assigned,
                         "updated_at": submitted or assigned, "submitted_at": submitted})
        ids = self._insert(Review, rows, ids=True)
        scores = []
        for (_idea, _judge, points, _score, _done), review_id in zip(planned, ids, strict=True):
            if points:
                scores += [{"review_id": review_id, "criterion_id": c, "score": s,
                            "comment": ""} for c, s in points.items()]
        self._insert(ReviewScore, scores)
        counts: dict[int, int] = defaultdict(int)
        for idea, *_rest in planned:
            counts[idea.hackathon.id] += 1
        self._insert(AssignmentRun, [
            {"hackathon_id": h.id, "at": h.closes, "actor_id": None,
             "trigger": "judging_started", "created": counts[h.id], "shortfalls": []}
            for h in plans if counts.get(h.id)])

    def _write_decisions(self, plans, rankings, teams, ranked_body) -> dict[int, list[int]]:
        from app.judging.models_results import WinnerDecision

        rows, winners = [], {}
        for h in plans:
            if h.id not in rankings:
                continue
            snapshot, chosen = [], []
            for idea, item in rankings[h.id]:
                place = self.places[teams[h.region][idea.team]["place"]].name
                body = ranked_body(item) | {"idea_id": idea.id, "title": idea.title,
                                            "municipality": place, "round": 1}
                snapshot.append(body)
                if idea.status == "winner":
                    chosen.append(idea.id)
            winners[h.id] = chosen
            rows.append({"hackathon_id": h.id, "idea_ids": chosen,
                         "justification": "Uzvarētājas ir žūrijas augstāk novērtētās idejas.",
                         "departs_from_ranking": False, "ranking": snapshot,
                         "ranking_order": "score", "decided_by_id": self.coordinator[h.region],
                         "decided_at": h.judging_closes, "published_at": h.judging_closes})
        self._insert(WinnerDecision, rows)
        return winners
