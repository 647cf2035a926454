"""A pilot's Markdown (summary, progress reports, final evaluation) is rendered and
sanitised once, when saved: the pilot page, the API and the feed never run Markdown."""

from __future__ import annotations

import markdown
import pytest

from app.extensions import db
from app.pilots.models_reports import PilotEvaluation
from app.pilots.states import Recommendation
from tests.factories_pilots import add_report, make_pilot

HOSTILE = "**Skaidri** <script>alert(1)</script> [saite](javascript:alert(2))"


@pytest.fixture
def pilot():
    pilot = make_pilot(status="completed")
    pilot.summary = HOSTILE
    add_report(pilot, public=True, status="approved", body="Ziņa: **paveikts** <script>x</script>")
    db.session.add(PilotEvaluation(pilot=pilot, results="*Sasniegts* mērķis.",
                                   lessons="Mācība <img src=x onerror=alert(1)>",
                                   recommendation=Recommendation.SCALE_UP))
    db.session.commit()
    return pilot


def test_saving_stores_sanitised_html(pilot):
    assert "<strong>Skaidri</strong>" in pilot.summary_html
    assert "<script" not in pilot.summary_html and "javascript:" not in pilot.summary_html
    assert "<strong>paveikts</strong>" in pilot.updates[0].body_html
    assert "<script" not in pilot.updates[0].body_html
    assert pilot.evaluation.results_html == "<p><em>Sasniegts</em> mērķis.</p>"
    assert "onerror" not in pilot.evaluation.lessons_html


def test_the_pilot_page_api_and_feed_show_stored_html_without_rendering(client, pilot,
                                                                        monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("Markdown was rendered on a read")

    monkeypatch.setattr(markdown, "markdown", refuse)
    page = client.get(f"/pilots/{pilot.id}?fresh=1")
    assert page.status_code == 200
    for html in (b"<strong>Skaidri</strong>", b"<strong>paveikts</strong>",
                 b"<em>Sasniegts</em>"):
        assert html in page.data
    assert b"<script>alert" not in page.data and b"onerror" not in page.data
    api = client.get(f"/api/v1/pilots/{pilot.id}")
    assert api.status_code == 200
    assert "<strong>Skaidri</strong>" in api.json["summary_html"]
    feed = client.get("/feed.atom?fresh=1")
    assert feed.status_code == 200 and "paveikts" in feed.get_data(as_text=True)
