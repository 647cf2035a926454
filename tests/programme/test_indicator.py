"""The training indicator's counting rule, with hand-computed cases and properties."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.programme.indicator import Attended, Targets, forecast, training_indicator

TARGETS = Targets(total=1300, per_region={"kurzeme": 260, "zemgale": 260},
                  starts_on=date(2024, 1, 1), ends_on=date(2026, 1, 1))


def a(person, on, region="zemgale", kind="workshop", fmt="in_person"):
    return Attended(person, on, region, kind, fmt)


def test_a_person_counts_once_in_the_region_and_year_of_their_first_event():
    rows = [a(1, date(2024, 3, 1), "zemgale"), a(1, date(2025, 3, 1), "kurzeme"),
            a(2, date(2025, 2, 1), "kurzeme", fmt="online"), a(2, date(2024, 12, 1), "kurzeme")]
    figure = training_indicator(rows, TARGETS, date(2025, 6, 1))
    assert figure.trained == 2
    assert {r.code: r.trained for r in figure.regions} == {"kurzeme": 1, "zemgale": 1}
    assert figure.by_year == {2024: 2}
    assert figure.by_format == {"in_person": 2}


def test_attendance_after_today_does_not_count_yet():
    rows = [a(1, date(2024, 3, 1)), a(2, date(2025, 7, 1))]
    assert training_indicator(rows, TARGETS, date(2025, 6, 1)).trained == 1


def test_the_forecast_carries_the_pace_to_the_programme_end():
    # 100 people in the first half of the programme: 200 by its end.
    halfway = TARGETS.starts_on + (TARGETS.ends_on - TARGETS.starts_on) / 2
    assert forecast(100, TARGETS, halfway) == 200
    assert forecast(100, TARGETS, TARGETS.ends_on + timedelta(days=5)) == 100
    assert forecast(0, TARGETS, halfway) == 0
    region = training_indicator([a(i, date(2024, 1, 2)) for i in range(140)], TARGETS,
                                halfway).regions[1]
    assert region.code == "zemgale" and region.forecast == 280 and region.on_track
    assert not region.reached


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 700),
                          st.sampled_from(["kurzeme", "zemgale"])), max_size=80))
def test_nobody_is_counted_twice_and_regions_add_up(raw):
    rows = [a(p, TARGETS.starts_on + timedelta(days=d), r) for p, d, r in raw]
    figure = training_indicator(rows, TARGETS, TARGETS.ends_on)
    assert figure.trained == len({p for p, _d, _r in raw})
    assert sum(r.trained for r in figure.regions) == figure.trained
    assert sum(figure.by_year.values()) == figure.trained


def test_the_groups_of_the_open_data_add_up_to_the_indicator():
    from app.programme.indicator import trained_by_group

    rows = [Attended(1, date(2024, 3, 1), "zemgale", "workshop", "online"),
            Attended(1, date(2025, 3, 1), "kurzeme", "conference", "in_person"),
            Attended(2, date(2025, 4, 1), "zemgale", "workshop", "online"),
            Attended(3, date(2025, 5, 1), "zemgale", "workshop", "in_person"),
            Attended(4, date(2030, 1, 1), "riga", "workshop", "online")]  # not yet
    groups = trained_by_group(rows, date(2026, 1, 1))
    assert groups == {("zemgale", 2024, "online", "workshop"): 1,
                      ("zemgale", 2025, "online", "workshop"): 1,
                      ("zemgale", 2025, "in_person", "workshop"): 1}
    targets = Targets(total=10, per_region={"zemgale": 5}, starts_on=date(2024, 1, 1),
                      ends_on=date(2026, 8, 31))
    assert sum(groups.values()) == training_indicator(rows, targets, date(2026, 1, 1)).trained
