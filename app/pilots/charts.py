"""An indicator over time as a server-rendered SVG line chart, and the rows of its data table.

The chart is an image for sighted readers; the same numbers go into an HTML
table beside it (`chart_table_rows`) for screen readers and for copying. The
SVG has role="img" with a <title> and a <desc> that summarises the data, uses
no style attributes (the Content-Security-Policy forbids them) but class names
and SVG presentation attributes, and escapes every text it writes. The output
depends only on the arguments, so tests can compare it.

CSS hooks: .chart, .chart-grid, .chart-tick, .chart-axis, .chart-baseline,
.chart-target, .chart-line, .chart-point, .chart-label, .chart-empty. Lines and
text use currentColor, so a stylesheet colours them through `color`; baseline
and target also differ by their dash pattern and are labelled in words, so
colour is never the only cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from markupsafe import Markup, escape

from app.core.formatting import plain_number
from app.core.translation import gettext
from app.pilots.indicators import achievement

WIDTH, HEIGHT = 640, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 72, 24, 20, 44
_TICKS = 4
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class ChartRow:
    """One line of the table beside the chart."""

    measured_on: date
    value: Decimal
    achievement: Decimal | None
    note: str = ""


def chart_table_rows(measurements: Iterable, *, baseline: Decimal | None = None,
                     target: Decimal | None = None,
                     direction: str | None = None) -> list[ChartRow]:
    """The measurements in date order (stable for equal dates), each with its achievement."""
    rows = []
    for m in sorted(measurements, key=lambda m: m.measured_on):
        reached = None
        if baseline is not None and target is not None and direction is not None:
            reached = achievement(baseline, target, m.value, direction)
        rows.append(ChartRow(m.measured_on, m.value, reached, getattr(m, "note", "") or ""))
    return rows


def indicator_chart(
    measurements: Iterable,
    *,
    title: str,
    chart_id: str = "indicator-chart",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    baseline_on: date | None = None,
    target_on: date | None = None,
    desc: str | None = None,
    format_value: Callable[[Decimal], str] = plain_number,
    format_date: Callable[[date], str] = date.isoformat,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Markup:
    """The SVG chart of an indicator's measurements with its baseline and target lines.

    `measurements` are objects with `.value` (Decimal) and `.measured_on` (date).
    `chart_id` must be unique on the page: the title and description ids derive from it.
    Pass Babel's format_decimal / format_date for localised labels; the defaults are
    plain and locale-free. Without `desc`, a summary of the data is written.
    """
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a valid id, not {chart_id!r}")
    points = sorted(measurements, key=lambda m: m.measured_on)

    def with_unit(value: Decimal) -> str:
        return f"{format_value(value)} {unit}".strip()

    if desc is None:
        desc = _describe(points, baseline, target, with_unit, format_date)

    plot = _Plot(width, height, points, baseline, target, baseline_on, target_on)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    parts += _grid(plot, format_value)
    parts += _x_axis(plot, format_date)
    parts += _reference_lines(plot, baseline, target, with_unit)
    parts += _data(plot, points, with_unit, format_date)
    parts.append("</svg>")
    svg = "\n".join(parts)
    # Every text above went through escape(); ids are checked and numbers formatted by _f.
    return Markup(svg)  # noqa: S704 - all text escaped above  # nosec B704


class _Plot:
    """Scales from data to pixels: dates along x, values along y with round tick steps."""

    def __init__(self, width, height, points, baseline, target, baseline_on, target_on):
        self.x0, self.x1 = _LEFT, width - _RIGHT
        self.y0, self.y1 = _TOP, height - _BOTTOM
        values = [Decimal(p.value) for p in points]
        values += [Decimal(v) for v in (baseline, target) if v is not None]
        self.ticks = _nice_ticks(min(values, default=Decimal(0)),
                                 max(values, default=Decimal(1)))
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        dates = [p.measured_on for p in points]
        dates += [d for d in (baseline_on, target_on) if d is not None]
        self.first = min(dates, default=None)
        self.last = max(dates, default=None)

    def x(self, day: date) -> float:
        if self.first is None or self.first == self.last:
            return (self.x0 + self.x1) / 2
        share = (day - self.first).days / (self.last - self.first).days
        return self.x0 + share * (self.x1 - self.x0)

    def y(self, value: Decimal) -> float:
        share = float((Decimal(value) - self.lo) / (self.hi - self.lo))
        return self.y1 - share * (self.y1 - self.y0)


def _nice_ticks(lo: Decimal, hi: Decimal) -> list[Decimal]:
    """Round tick values (steps of 1, 2 or 5 × 10ⁿ) covering lo..hi; at least two."""
    if lo == hi:  # one value, or all equal: give it room above and below
        pad = abs(lo) / 10 if lo else Decimal(1)
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / _TICKS
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * m for m in (1, 2, 5, 10) if magnitude * m >= raw)
    first = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (hi / step).to_integral_value(rounding=ROUND_CEILING) * step
    count = int((last - first) / step)
    return [first + step * i for i in range(count + 1)]


def _f(number: float) -> str:
    text = f"{number:.2f}"
    return "0.00" if text == "-0.00" else text


def _grid(plot: _Plot, format_value) -> list[str]:
    parts = ['<g class="chart-grid">']
    for tick in plot.ticks:
        y = _f(plot.y(tick))
        parts.append(f'<line x1="{_f(plot.x0)}" y1="{y}" x2="{_f(plot.x1)}" y2="{y}" '
                     f'stroke="currentColor" stroke-opacity="0.2" stroke-width="1"/>')
        parts.append(f'<text class="chart-tick" x="{_f(plot.x0 - 8)}" y="{y}" '
                     f'text-anchor="end" dominant-baseline="middle" font-size="12" '
                     f'fill="currentColor">{escape(format_value(tick))}</text>')
    parts.append("</g>")
    return parts


def _x_axis(plot: _Plot, format_date) -> list[str]:
    y = _f(plot.y1)
    parts = ['<g class="chart-axis">',
             f'<line x1="{_f(plot.x0)}" y1="{y}" x2="{_f(plot.x1)}" y2="{y}" '
             f'stroke="currentColor" stroke-width="1"/>']
    label_y = _f(plot.y1 + 20)
    if plot.first is not None:
        if plot.first == plot.last:
            labels = [(plot.first, "middle")]
        else:
            labels = [(plot.first, "start"), (plot.last, "end")]
        for day, anchor in labels:
            parts.append(f'<text class="chart-tick" x="{_f(plot.x(day))}" y="{label_y}" '
                         f'text-anchor="{anchor}" font-size="12" fill="currentColor">'
                         f'{escape(format_date(day))}</text>')
    parts.append("</g>")
    return parts


def _reference_lines(plot: _Plot, baseline, target, with_unit) -> list[str]:
    lines = []
    if baseline is not None:
        lines.append(("chart-baseline", "6 4", gettext("Baseline: %(value)s",
                                                       value=with_unit(baseline)), baseline))
    if target is not None:
        lines.append(("chart-target", "2 4", gettext("Target: %(value)s",
                                                     value=with_unit(target)), target))
    below = set()  # when the two labels would overlap, the lower line's goes under it
    if len(lines) == 2 and abs(plot.y(baseline) - plot.y(target)) < 16:
        below.add(1 if plot.y(target) >= plot.y(baseline) else 0)
    parts = []
    for i, (css, dashes, label, value) in enumerate(lines):
        y = plot.y(value)
        label_y = y + 14 if i in below else y - 6
        parts += [f'<g class="{css}">',
                  f'<line x1="{_f(plot.x0)}" y1="{_f(y)}" x2="{_f(plot.x1)}" y2="{_f(y)}" '
                  f'stroke="currentColor" stroke-width="1.5" stroke-dasharray="{dashes}"/>',
                  f'<text class="chart-label" x="{_f(plot.x1)}" y="{_f(label_y)}" '
                  f'text-anchor="end" font-size="12" fill="currentColor">{escape(label)}</text>',
                  "</g>"]
    return parts


def _data(plot: _Plot, points: Sequence, with_unit, format_date) -> list[str]:
    if not points:
        return [f'<text class="chart-empty" x="{_f((plot.x0 + plot.x1) / 2)}" '
                f'y="{_f((plot.y0 + plot.y1) / 2)}" text-anchor="middle" font-size="14" '
                f'fill="currentColor">{escape(gettext("No measurements yet"))}</text>']
    coords = [(_f(plot.x(p.measured_on)), _f(plot.y(p.value))) for p in points]
    parts = []
    if len(points) > 1:
        parts.append('<polyline class="chart-line" fill="none" stroke="currentColor" '
                     'stroke-width="2" stroke-linejoin="round" points="'
                     + " ".join(f"{x},{y}" for x, y in coords) + '"/>')
    parts.append('<g class="chart-point">')
    for p, (x, y) in zip(points, coords, strict=True):
        label = f"{format_date(p.measured_on)}: {with_unit(p.value)}"
        parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="currentColor">'
                     f"<title>{escape(label)}</title></circle>")
    parts.append("</g>")
    return parts


def _describe(points: Sequence, baseline, target, with_unit, format_date) -> str:
    """A sentence or three that say what the chart shows, for its <desc>."""
    sentences = []
    if points:
        latest = points[-1]
        # Two plain messages rather than ngettext: Latvian puts 21, 31 … in the
        # "singular" form, which must still name the date range.
        if len(points) == 1:
            sentences.append(gettext("One measurement, on %(first)s: %(latest)s.",
                                     first=format_date(latest.measured_on),
                                     latest=with_unit(latest.value)))
        else:
            sentences.append(gettext(
                "Measurements: %(num)d, from %(first)s to %(last)s; the latest is %(latest)s.",
                num=len(points), first=format_date(points[0].measured_on),
                last=format_date(latest.measured_on), latest=with_unit(latest.value)))
        low = min(points, key=lambda p: p.value)
        high = max(points, key=lambda p: p.value)
        if len(points) > 2:
            sentences.append(gettext("Lowest %(low)s, highest %(high)s.",
                                     low=with_unit(low.value), high=with_unit(high.value)))
    else:
        sentences.append(gettext("No measurements yet."))
    if baseline is not None:
        sentences.append(gettext("Baseline: %(value)s.", value=with_unit(baseline)))
    if target is not None:
        sentences.append(gettext("Target: %(value)s.", value=with_unit(target)))
    return " ".join(sentences)
