"""The pilot page holds several forms at once (status, funding, replication, reports): each
label must name its own field. A <label for="x"> names only the FIRST element with id x, so
two forms with a field of the same name leave the second unlabelled for screen readers (and
"New status" used to name the replication form's status select)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from tests.conftest import login
from tests.factories_pilots import pilot_world


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self.labels_by_target: dict[str, str] = {}
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "label" and attrs.get("for"):
            self.label_targets.append(attrs["for"])
            self._label = attrs["for"]
            self.labels_by_target[self._label] = ""

    def handle_data(self, data):
        if self._label:
            self.labels_by_target[self._label] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_every_label_on_the_pilot_page_names_a_field_of_its_own(client, db, who):
    world = pilot_world()
    login(client, getattr(world, who))
    page = _parse(client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True))
    assert page.label_targets, "the page has its forms"
    shared = {target: page.ids[target] for target in page.label_targets
              if page.ids[target] != 1}
    assert not shared, f"labels pointing at ids that are not unique: {shared}"


def test_the_status_and_replication_forms_keep_their_field_names(client, db):
    """New ids, same names: what the forms post is unchanged."""
    world = pilot_world()
    login(client, world.coordinator)
    html = client.get(f"/pilots/{world.pilot.id}").get_data(as_text=True)
    page = _parse(html)
    assert page.labels_by_target["new-status"].strip() == "New status"
    assert page.labels_by_target["replication-status"].strip() == "Status"
    assert 'id="new-status" name="status"' in html
    assert 'id="replication-status" name="status"' in html
    assert 'id="replication-since" name="started_on"' in html
