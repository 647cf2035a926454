"""The indicator chart: well-formed, accessible, CSP-safe SVG, and the table beside it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from app.core.formatting import plain_number
from app.pilots.charts import ChartRow, chart_table_rows, indicator_chart
from app.pilots.indicators import Measurement


@pytest.fixture(autouse=True)
def db():
    """Pure rules: these tests need no database (overrides the suite's autouse fixture)."""
    yield


D = Decimal
NS = "{http://www.w3.org/2000/svg}"
JAN = date(2025, 1, 1)


def series(*values, start=JAN, step=30):
    return [Measurement(D(v), start + timedelta(days=step * i)) for i, v in enumerate(values)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def find_all(root, tag):
    return root.findall(f".//{NS}{tag}")


def classed(root, name):
    return [e for e in root.iter() if name in e.get("class", "").split()]


def polyline_points(root):
    lines = classed(root, "chart-line")
    if not lines:
        return []
    return [tuple(map(float, pair.split(","))) for pair in lines[0].get("points").split()]


def test_the_chart_is_an_accessible_image_with_title_and_description():
    svg = indicator_chart(series("12", "15", "18"), title="Youth centre visits",
                          chart_id="indicator-7", unit="visits",
                          baseline=D("10"), target=D("20"))
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "indicator-7-title indicator-7-desc"
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title.get("id") == "indicator-7-title" and title.text == "Youth centre visits"
    assert desc.get("id") == "indicator-7-desc"
    assert desc.text == ("Measurements: 3, from 2025-01-01 to 2025-03-02; the latest is "
                         "18 visits. Lowest 12 visits, highest 18 visits. "
                         "Baseline: 10 visits. Target: 20 visits.")


def test_baseline_and_target_are_labelled_lines_told_apart_without_colour():
    root = parse(indicator_chart(series("12"), title="t", baseline=D(10), target=D(20)))
    baseline, = classed(root, "chart-baseline")
    target, = classed(root, "chart-target")
    assert baseline.find(f"{NS}text").text == "Baseline: 10"
    assert target.find(f"{NS}text").text == "Target: 20"
    dashes = {g.find(f"{NS}line").get("stroke-dasharray") for g in (baseline, target)}
    assert len(dashes) == 2
    # the target (higher value) is drawn above the baseline
    assert float(target.find(f"{NS}line").get("y1")) < float(baseline.find(f"{NS}line").get("y1"))


def test_no_style_attributes_scripts_or_style_elements():
    svg = indicator_chart(series("1", "-2", "3"), title="t", baseline=D(0), target=D(5))
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert element.tag not in (f"{NS}style", f"{NS}script")
    assert "style=" not in str(svg)


def test_every_text_is_escaped():
    nasty = '<script>alert("x")</script> & \'q\''
    svg = indicator_chart([Measurement(D(1), JAN, note=nasty)], title=nasty, unit="<b>",
                          chart_id="c1", baseline=D(0), target=D(2),
                          format_date=lambda d: f"<{d}>")
    assert "<script" not in str(svg)
    assert "<b>" not in str(svg)
    root = parse(svg)
    assert root.find(f"{NS}title").text == nasty
    assert find_all(root, "script") == []
    point_title = find_all(root, "circle")[0].find(f"{NS}title").text
    assert point_title == "<2025-01-01>: 1 <b>"


def test_a_given_description_is_used():
    root = parse(indicator_chart([], title="t", desc="Written by hand & checked"))
    assert root.find(f"{NS}desc").text == "Written by hand & checked"


@pytest.mark.parametrize("bad_id", ["", "1chart", 'x" onload="alert(1)', "a b"])
def test_the_chart_id_must_be_a_valid_id(bad_id):
    with pytest.raises(ValueError):
        indicator_chart([], title="t", chart_id=bad_id)


def test_no_measurements_yet():
    root = parse(indicator_chart([], title="Permits", baseline=D(30), target=D(20)))
    assert [e.text for e in classed(root, "chart-empty")] == ["No measurements yet"]
    assert find_all(root, "circle") == [] and polyline_points(root) == []
    assert root.find(f"{NS}desc").text == "No measurements yet. Baseline: 30. Target: 20."


def test_no_measurements_and_no_reference_lines():
    root = parse(indicator_chart([], title="Permits"))
    assert classed(root, "chart-empty")
    assert classed(root, "chart-baseline") == [] == classed(root, "chart-target")


def test_one_measurement_is_a_point_in_the_middle_without_a_line():
    root = parse(indicator_chart(series("7"), title="t", width=640))
    circle, = find_all(root, "circle")
    assert polyline_points(root) == []
    assert float(circle.get("cx")) == pytest.approx((72 + 640 - 24) / 2)
    assert root.find(f"{NS}desc").text == "One measurement, on 2025-01-01: 7."


def test_many_measurements_are_joined_in_date_order():
    shuffled = [Measurement(D(3), date(2025, 3, 1)), Measurement(D(1), date(2025, 1, 1)),
                Measurement(D(2), date(2025, 2, 1))]
    root = parse(indicator_chart(shuffled, title="t"))
    points = polyline_points(root)
    assert len(points) == 3 == len(find_all(root, "circle"))
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    assert xs == sorted(xs)
    assert ys == sorted(ys, reverse=True)  # rising values go up the picture
    labels = [c.find(f"{NS}title").text for c in find_all(root, "circle")]
    assert labels == ["2025-01-01: 1", "2025-02-01: 2", "2025-03-01: 3"]


def test_x_is_proportional_to_time():
    uneven = [Measurement(D(1), JAN), Measurement(D(1), JAN + timedelta(days=10)),
              Measurement(D(1), JAN + timedelta(days=40))]
    (x0, _), (x1, _), (x2, _) = polyline_points(parse(indicator_chart(uneven, title="t")))
    assert (x1 - x0) * 3 == pytest.approx(x2 - x1, abs=0.02)


def test_negative_values_lie_inside_the_plot_and_on_the_scale():
    root = parse(indicator_chart(series("-40", "-5", "12"), title="t", height=300))
    for _, y in polyline_points(root):
        assert 20 <= y <= 300 - 44
    ticks = [D(t.text) for t in classed(root, "chart-grid")[0] if t.tag == f"{NS}text"]
    assert min(ticks) <= -40 and max(ticks) >= 12
    assert D(0) in ticks


def test_equal_values_draw_a_flat_line_in_the_middle():
    root = parse(indicator_chart(series("5", "5", "5"), title="t", baseline=D(5), target=D(5)))
    ys = {y for _, y in polyline_points(root)}
    assert len(ys) == 1
    assert 20 < ys.pop() < 300 - 44


def test_all_zero_values():
    root = parse(indicator_chart(series("0", "0"), title="t"))
    assert len({y for _, y in polyline_points(root)}) == 1


def test_measurements_on_one_day():
    same_day = [Measurement(D(1), JAN), Measurement(D(2), JAN)]
    root = parse(indicator_chart(same_day, title="t"))
    assert len({x for x, _ in polyline_points(root)}) == 1


def test_baseline_and_target_dates_widen_the_time_axis():
    root = parse(indicator_chart(series("1", "2"), title="t", baseline_on=JAN - timedelta(60),
                                 target_on=date(2025, 12, 31)))
    axis_labels = [t.text for t in classed(root, "chart-axis")[0]
                   if t.tag == f"{NS}text"]
    assert axis_labels == ["2024-11-02", "2025-12-31"]


def test_localised_formatters_are_used():
    svg = indicator_chart(series("1.5"), title="t", target=D("2.5"), unit="h",
                          format_value=lambda v: str(v).replace(".", ","),
                          format_date=lambda d: d.strftime("%d.%m.%Y."))
    root = parse(svg)
    assert "01.01.2025.: 1,5 h" in [c.find(f"{NS}title").text for c in find_all(root, "circle")]
    assert classed(root, "chart-target")[0].find(f"{NS}text").text == "Target: 2,5 h"


def test_output_is_deterministic():
    def draw():
        return indicator_chart(series("1", "4", "2"), title="t", baseline=D(0), target=D(5))

    assert draw() == draw()


def test_table_rows_give_the_same_data_in_date_order():
    measurements = [Measurement(D(80), date(2025, 3, 1), note="survey"),
                    Measurement(D(100), date(2025, 1, 1))]
    rows = chart_table_rows(measurements, baseline=D(100), target=D(60), direction="decrease")
    assert rows == [ChartRow(date(2025, 1, 1), D(100), D("0.0"), ""),
                    ChartRow(date(2025, 3, 1), D(80), D("50.0"), "survey")]


def test_table_rows_without_a_target_have_no_achievement():
    rows = chart_table_rows(series("1", "2"))
    assert [r.achievement for r in rows] == [None, None]
    assert chart_table_rows([]) == []


@pytest.mark.parametrize(("value", "text"), [
    ("100", "100"), ("1E+2", "100"), ("2.50", "2.5"), ("-0.0", "0"), ("0.0001", "0.0001"),
    ("-12.30", "-12.3"),
])
def test_plain_numbers(value, text):
    assert plain_number(D(value)) == text


measurement_lists = st.lists(st.builds(
    Measurement,
    value=st.decimals(-10**9, 10**9, places=3),
    measured_on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
), max_size=40)


@given(measurement_lists, st.none() | st.decimals(-10**9, 10**9, places=2),
       st.none() | st.decimals(-10**9, 10**9, places=2))
def test_any_data_gives_well_formed_svg_inside_its_box(measurements, baseline, target):
    root = parse(indicator_chart(measurements, title="t", baseline=baseline, target=target))
    assert len(find_all(root, "circle")) == len(measurements)
    for circle in find_all(root, "circle"):
        assert 0 <= float(circle.get("cx")) <= 640
        assert 0 <= float(circle.get("cy")) <= 300
    for line in find_all(root, "line"):
        assert 0 <= float(line.get("y1")) <= 300
