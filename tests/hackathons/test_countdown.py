"""The countdown text, as a table of spans (English source texts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.hackathons.countdown import countdown_text, format_span, split_span
from app.hackathons.models import Hackathon, Phase

from .conftest import DEADLINE, JUDGING_ENDS, OPENS


@pytest.mark.parametrize(("delta", "parts", "text"), [
    (timedelta(days=3, hours=4, minutes=59, seconds=59), (3, 4, 59), "3 days 4 hours"),
    (timedelta(days=1), (1, 0, 0), "1 day"),
    (timedelta(days=2, minutes=5), (2, 0, 5), "2 days"),
    (timedelta(hours=1, minutes=1), (0, 1, 1), "1 hour 1 minute"),
    (timedelta(hours=5), (0, 5, 0), "5 hours"),
    (timedelta(minutes=12, seconds=30), (0, 0, 12), "12 minutes"),
    (timedelta(seconds=59), (0, 0, 0), "less than a minute"),
    (timedelta(seconds=-5), (0, 0, 0), "less than a minute"),
])
def test_format_span(request_context, delta, parts, text):
    assert split_span(delta) == parts
    with force_locale("en"):
        assert format_span(delta) == text


@pytest.mark.parametrize(("phase", "now", "text"), [
    ("open", OPENS - timedelta(hours=2), "Submissions open in 2 hours"),
    ("open", DEADLINE - timedelta(hours=20, minutes=5), "20 hours 5 minutes left to submit ideas"),
    ("open", DEADLINE, "Submissions are closed."),
    ("judging", OPENS, "Submissions are closed."),
    ("draft", OPENS, None),
])
def test_countdown_text(request_context, phase, now, text):
    hackathon = Hackathon(phase=Phase(phase), submission_opens_at=OPENS,
                          submission_closes_at=DEADLINE, judging_closes_at=JUDGING_ENDS)
    with force_locale("en"):
        assert countdown_text(hackathon, now) == text
