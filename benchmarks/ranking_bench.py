"""Timing of the pure judging core: 3 000 ideas × 3 reviews × 6 criteria.

Run: .venv/bin/python benchmarks/ranking_bench.py
Prints a table and writes it, with the machine's details, to
benchmarks/RESULTS-ranking.md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from app.judging.assignment import IdeaSlot, JudgeSlot, assign_reviews
from app.judging.review_scores import CriterionSpec, ReviewScores, criterion_breakdown, review_score
from app.judging.scoring import ReviewInput, rank_ideas

IDEAS = 3_000
REVIEWS_PER_IDEA = 3
JUDGES = 60
MUNICIPALITIES = 43
REPEATS = 5
RESULTS = Path(__file__).with_name("RESULTS-ranking.md")

CRITERIA = [
    CriterionSpec(1, Decimal("3.00"), 10),
    CriterionSpec(2, Decimal("2.00"), 10),
    CriterionSpec(3, Decimal("2.00"), 5),
    CriterionSpec(4, Decimal("1.50"), 5),
    CriterionSpec(5, Decimal("1.00"), 20),
    CriterionSpec(6, Decimal("0.50"), 3),
]


def build_data(rng: random.Random):
    """Ideas, judges, an assignment plan, and every assigned review's criterion scores."""
    ideas = []
    for idea_id in range(1, IDEAS + 1):
        places = {rng.randint(1, MUNICIPALITIES)}
        places.update(rng.sample(range(1, MUNICIPALITIES + 1), rng.randint(0, 2)))
        ideas.append(IdeaSlot(idea_id, frozenset(places), REVIEWS_PER_IDEA))
    judges = [
        JudgeSlot(judge_id, rng.choice([None, *range(1, MUNICIPALITIES + 1)]))
        for judge_id in range(1, JUDGES + 1)
    ]
    return ideas, judges


def criterion_scores(rng: random.Random, judge_bias: float) -> dict[int, float]:
    scores = {}
    for c in CRITERIA:
        raw = rng.gauss(0.55 + judge_bias, 0.2) * c.max_score
        scores[c.id] = min(max(round(raw * 2) / 2, 0), c.max_score)
    return scores


def best_of(function, repeats: int = REPEATS) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def machine() -> list[tuple[str, str]]:
    try:
        nproc = subprocess.run(
            ["nproc"],  # noqa: S607 — the coreutils tool, only to describe the machine
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("python", sys.version.split()[0] + f" ({platform.python_implementation()})"),
        ("nproc", nproc),
        ("cpu", cpu),
        ("platform", platform.platform()),
    ]


def main() -> None:
    rng = random.Random(20_260_601)  # noqa: S311 — reproducible test data, not security
    ideas, judges = build_data(rng)

    assign_time, plan = best_of(lambda: assign_reviews(ideas, judges), repeats=1)
    bias = {j.judge_id: rng.uniform(-0.2, 0.2) for j in judges}
    sheets = [
        ReviewScores(p.idea_id, p.judge_id, criterion_scores(rng, bias[p.judge_id]))
        for p in plan.new
    ]

    score_time, scores = best_of(lambda: [review_score(s.scores, CRITERIA) for s in sheets])
    reviews = [
        ReviewInput(s.idea_id, s.judge_id, score) for s, score in zip(sheets, scores, strict=True)
    ]
    rank_time, ranking = best_of(
        lambda: rank_ideas(reviews, expected_reviews=REVIEWS_PER_IDEA, order_by="score")
    )
    normalised_time, _ = best_of(
        lambda: rank_ideas(reviews, expected_reviews=REVIEWS_PER_IDEA, order_by="normalized_score")
    )
    breakdown_time, _ = best_of(lambda: criterion_breakdown(sheets, CRITERIA))

    pure_total = score_time + rank_time + breakdown_time
    rows = [
        (f"review_score × {len(sheets)} reviews (6 criteria)", score_time),
        (f"rank_ideas, {IDEAS} ideas, order_by=score", rank_time),
        (f"rank_ideas, {IDEAS} ideas, order_by=normalized_score", normalised_time),
        (f"criterion_breakdown, {len(sheets)} reviews", breakdown_time),
        ("**ranking page total** (scores + ranking + breakdown)", pure_total),
        (f"assign_reviews, {IDEAS} ideas × {REVIEWS_PER_IDEA}, {JUDGES} judges", assign_time),
    ]
    spread = max(plan.loads.values()) - min(plan.loads.values())
    notes = [
        f"- {len(sheets)} reviews, {len(plan.shortfalls)} shortfalls, judge loads "
        f"{min(plan.loads.values())}–{max(plan.loads.values())} (spread {spread}).",
        f"- best of {REPEATS} runs (assignment: one run); seeded data, so runs are comparable.",
        f"- top of the ranking: {[(r.idea_id, r.rank, r.score) for r in ranking[:3]]}",
        "- Goal: the pure part of the ranking well under a second.",
    ]

    table = ["| step | time (ms) |", "| --- | ---: |"]
    table += [f"| {name} | {seconds * 1000:.1f} |" for name, seconds in rows]
    info = ["| machine | |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in machine()]
    text = "\n".join(
        [
            "# Ranking benchmark (pure judging core)",
            "",
            "Output of `.venv/bin/python benchmarks/ranking_bench.py`.",
            "",
            *table,
            "",
            *notes,
            "",
            *info,
            "",
        ]
    )
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
