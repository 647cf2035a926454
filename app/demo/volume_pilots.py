"""The volume batch's pilots (app.demo.volume): milestones, a year of measurements, expenses,
funding, progress reports, status history, evaluations and replications."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.core.clock import today_riga
from app.demo.volume_plan import DAY, THEMES, BatchWriter, _at, _money


class PilotWriter(BatchWriter):
    """Builder's part that writes a pilot for each winner."""

    def _write_pilots(self, plans, ideas, teams, winners) -> None:
        from app.pilots import models as m
        from app.pilots.models_money import Expense, FundingLine
        from app.pilots.models_plan import Indicator, Measurement, Milestone
        from app.pilots.models_reports import PilotEvaluation, PilotUpdate
        from app.pilots.states import (
            FundingKind,
            MilestoneStatus,
            PilotStatus,
            Recommendation,
            ReplicationStatus,
            UpdateStatus,
        )

        rng, today = self.rng, self.today
        by_id = {i.id: i for h in plans for i in ideas[h.id]}
        pilots: list[dict] = []
        for h in plans:
            for idea_id in winners.get(h.id, ()):
                idea = by_id[idea_id]
                team = teams[h.region][idea.team]
                published = today_riga(h.judging_closes)
                start = published + 45 * DAY
                end = start + rng.choice((365, 420, 480, 540)) * DAY
                if start > today:
                    status = PilotStatus.PLANNED
                elif end <= today:
                    status = PilotStatus.COMPLETED if rng.random() < 0.85 \
                        else PilotStatus.DISCONTINUED
                else:
                    status = PilotStatus.ON_HOLD if rng.random() < 0.12 else PilotStatus.ACTIVE
                approved = _money(idea.budget * Decimal(str(rng.uniform(0.85, 1.0))))
                pilots.append({"idea": idea, "team": team, "h": h, "start": start, "end": end,
                               "status": status, "approved": approved,
                               "created": _at(published + 20 * DAY)})
        rows = [{"idea_id": p["idea"].id, "hackathon_id": p["h"].id, "team_id": p["team"]["id"],
                 "title": p["idea"].title, "summary": p["idea"].summary,
                 "lead_municipality_id": p["team"]["place"], "region_code": p["h"].region,
                 "start_date": p["start"], "end_date": p["end"],
                 "approved_budget_eur": p["approved"],
                 "coordinator_id": self.coordinator[p["h"].region], "status": p["status"],
                 "evidence_required": False, "version": 1, "created_at": p["created"],
                 "created_by_id": self.coordinator[p["h"].region],
                 "updated_at": p["created"], "updated_by_id": self.coordinator[p["h"].region]}
                for p in pilots]
        for p, new_id in zip(pilots, self._insert(m.Pilot, rows, ids=True), strict=True):
            p["id"] = new_id
        self._insert(m.pilot_partner, [{"pilot_id": p["id"], "municipality_id": place}
                                       for p in pilots for place in p["team"]["partners"]])
        changes, milestones, funding, expenses, updates = [], [], [], [], []
        evaluations, replications, indicators, values = [], [], [], []
        for p in pilots:
            pid, start, end, status = p["id"], p["start"], p["end"], p["status"]
            coordinator = self.coordinator[p["h"].region]
            lead = p["team"]["lead"]
            started = status != PilotStatus.PLANNED
            ended = status in (PilotStatus.COMPLETED, PilotStatus.DISCONTINUED)
            until = min(today, end)
            # status history
            history: list[tuple[PilotStatus | None, PilotStatus, datetime, int | None, str]] = [
                (None, PilotStatus.PLANNED, p["created"], coordinator, "")]
            if started:
                history.append((PilotStatus.PLANNED, PilotStatus.ACTIVE, _at(start), lead,
                                "Pilotprojekts sākts."))
            if status == PilotStatus.ON_HOLD:
                history.append((PilotStatus.ACTIVE, PilotStatus.ON_HOLD,
                                _at(today - 20 * DAY), lead, "Gaidām partneru lēmumu."))
            if ended:
                history.append((PilotStatus.ACTIVE, status, _at(end), coordinator,
                                "Pilotprojekts pabeigts." if status == PilotStatus.COMPLETED
                                else "Mērķi nav sasniedzami ar pieejamiem resursiem."))
            changes += [{"pilot_id": pid, "from_status": a, "to_status": b, "at": at,
                         "actor_id": actor, "reason": reason}
                        for a, b, at, actor, reason in history]
            # milestones
            length = (end - start).days
            for k, (title, weight) in enumerate((("Iepirkums un līgumi", "1"),
                                                 ("Pirmie iedzīvotāji iesaistīti", "1"),
                                                 ("Pakalpojums darbojas visā teritorijā", "2"),
                                                 ("Starpposma novērtējums", "1"),
                                                 ("Noslēguma pārskats", "1"))):
                due = start + round(length * (k + 1) / 5.2) * DAY
                completed = None
                if not started:
                    state = MilestoneStatus.PLANNED
                elif due < today:
                    roll = rng.random()
                    if ended:
                        state = MilestoneStatus.MISSED if (
                            status == PilotStatus.DISCONTINUED and k >= 3) else \
                            MilestoneStatus.DONE
                    elif roll < 0.8:
                        state = MilestoneStatus.DONE
                    elif roll < 0.85:
                        state = MilestoneStatus.MISSED
                    else:
                        state = MilestoneStatus.IN_PROGRESS  # overdue: amber or red
                    if state == MilestoneStatus.DONE:
                        completed = max(start, due - rng.randrange(0, 12) * DAY)
                else:
                    state = MilestoneStatus.IN_PROGRESS if rng.random() < 0.3 \
                        else MilestoneStatus.PLANNED
                milestones.append({"pilot_id": pid, "title": title,
                                   "description": "Atbildīgais: projekta vadītājs.",
                                   "due_date": due, "weight": Decimal(weight), "status": state,
                                   "completed_on": completed,
                                   "evidence_text": "Akts projekta mapē." if completed else "",
                                   "evidence_url": "", "created_at": p["created"],
                                   "updated_at": _at(completed) if completed else p["created"]})
            # indicators and a year of monthly measurements
            theme = THEMES[p["h"].region]
            performance = rng.uniform(0.4, 1.15)
            for position, (name, unit, direction, base, goal) in enumerate(theme.indicators):
                indicators.append({"pilot_id": pid, "position": position, "name": name,
                                   "unit": unit, "direction": direction,
                                   "baseline_value": Decimal(base), "baseline_on": start,
                                   "target_value": Decimal(goal), "target_on": end,
                                   "created_at": p["created"]})
                series = []
                month = 1
                while month <= 12 and start + 30 * month * DAY <= until:
                    share = month / 12 * performance
                    value = base + (goal - base) * share + rng.gauss(0, abs(goal - base) * 0.04)
                    series.append((start + 30 * month * DAY,
                                   Decimal(str(round(max(0.0, value), 1)))))
                    month += 1
                values.append(series)
            # money
            programme = _money(p["approved"] * Decimal("0.85"))
            funding.append({"pilot_id": pid, "kind": FundingKind.PROGRAMME, "label": "",
                            "amount_eur": programme})
            if p["approved"] > programme:
                funding.append({"pilot_id": pid, "kind": FundingKind.MUNICIPAL,
                                "label": "Pašvaldības līdzfinansējums",
                                "amount_eur": p["approved"] - programme})
            if started:
                elapsed = min(1.0, max(0.0, (until - start).days / max(1, length)))
                target = p["approved"] * Decimal(str(min(1.08, elapsed * rng.uniform(0.7,
                                                                                    1.15))))
                months = max(1, (until - start).days // 30)
                weights = [rng.uniform(0.5, 1.5) for _ in range(months)]
                for k, w in enumerate(weights):
                    amount = _money(target * Decimal(str(w / sum(weights))))
                    if amount > 0:
                        day = min(until, start + (15 + 30 * k) * DAY)
                        expenses.append({"pilot_id": pid, "spent_on": day, "amount_eur": amount,
                                         "description": f"Rēķins Nr. {pid}-{k + 1}",
                                         "created_at": _at(day), "created_by_id": lead})
            # progress reports: monthly, the public ones approved by the coordinator
            if started:
                gap = rng.choice((5, 10, 20, 30, 50, 100)) if not ended else 0
                last = until - gap * DAY
                day, count = start + 30 * DAY, 0
                while day <= last and count < 12:
                    public = rng.random() < 0.6
                    reviewed = _at(day + 2 * DAY) if public else None
                    updates.append({
                        "pilot_id": pid, "reported_on": day, "public": public,
                        "status": UpdateStatus.APPROVED if public else UpdateStatus.INTERNAL,
                        "body": f"Mēneša pārskats: darbi rit pēc plāna; "
                                f"iesaistīti {rng.randrange(10, 200)} iedzīvotāji.",
                        "created_at": _at(day), "created_by_id": lead,
                        "submitted_at": _at(day) if public else None,
                        "reviewed_at": reviewed, "reviewed_by_id": coordinator if public
                        else None, "review_note": ""})
                    day += 30 * DAY
                    count += 1
            if ended and rng.random() < 0.8:
                recommendation = Recommendation.STOP if status == PilotStatus.DISCONTINUED \
                    else rng.choice((Recommendation.SCALE_UP, Recommendation.ADAPT))
                evaluations.append({
                    "pilot_id": pid, "recommendation": recommendation,
                    "results": "Sasniegti **galvenie rādītāji**; pakalpojums turpinās.",
                    "lessons": "Iedzīvotāji jāiesaista no paša sākuma.",
                    "evaluated_at": _at(min(today, end + 20 * DAY)),
                    "evaluated_by_id": coordinator})
            if started and rng.random() < (0.3 if ended else 0.08):
                taken = {p["team"]["place"], *p["team"]["partners"]}
                others = [x for x in self.places if x not in taken]
                for place in rng.sample(others, k=rng.choice((1, 1, 2))):
                    since = min(today, start + rng.randrange(60, 300) * DAY)
                    replications.append({
                        "pilot_id": pid, "municipality_id": place,
                        "status": rng.choice(list(ReplicationStatus)), "started_on": since,
                        "note": "Pārņem pēc pieredzes apmaiņas semināra.",
                        "created_at": _at(since), "updated_at": _at(since),
                        "created_by_id": coordinator})
        self._insert(m.PilotStatusChange, changes)
        self._insert(Milestone, milestones)
        indicator_ids = self._insert(Indicator, indicators, ids=True)
        self._insert(Measurement, [
            {"indicator_id": indicator_id, "value": value, "measured_on": day,
             "note": "Pašvaldības uzskaite", "created_at": _at(day), "created_by_id": None}
            for indicator_id, series in zip(indicator_ids, values, strict=True)
            for day, value in series])
        self._insert(FundingLine, funding)
        self._insert(Expense, expenses)
        self._insert(PilotUpdate, updates)
        self._insert(PilotEvaluation, evaluations)
        self._insert(m.Replication, replications)
