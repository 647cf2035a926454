"""Dates, times and file sizes as a Latvian or English reader writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.core.formatting import fmt_date, fmt_datetime, fmt_filesize, fmt_iso

LATE_EVENING = datetime(2026, 11, 21, 21, 59, 30, 123456, tzinfo=UTC)  # 23:59:30 in Riga


def _in(app, lang: str, function, *args):
    with app.test_request_context("/"), force_locale(lang):
        return function(*args).replace("\xa0", " ")


def test_latvian_time_is_to_the_minute_after_plkst_without_a_zone_name(app):
    assert _in(app, "lv", fmt_datetime, LATE_EVENING) == "2026. gada 21. nov. plkst. 23:59"
    long = _in(app, "lv", fmt_datetime, LATE_EVENING, "long")
    assert long == "2026. gada 21. novembris plkst. 23:59"
    assert "EET" not in long and "23:59:30" not in long


def test_english_dates_are_day_month_year_on_a_24_hour_clock(app):
    assert _in(app, "en", fmt_datetime, LATE_EVENING, "long") == "21 November 2026, 23:59"
    assert _in(app, "en", fmt_date, date(2026, 3, 4), "short") == "04/03/2026"


def test_summer_time_moves_the_clock_and_the_offset(app):
    july = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert _in(app, "lv", fmt_datetime, july).endswith("plkst. 12:00")
    assert _in(app, "lv", fmt_iso, july) == "2026-07-01T12:00:00+03:00"


def test_machine_readable_time_has_seconds_and_offset_never_microseconds(app):
    assert _in(app, "lv", fmt_iso, LATE_EVENING) == "2026-11-21T23:59:30+02:00"
    naive_utc = datetime(2026, 11, 21, 21, 59, 30, 999)  # as SQLite gives it back
    assert _in(app, "en", fmt_iso, naive_utc) == "2026-11-21T23:59:30+02:00"
    assert _in(app, "lv", fmt_iso, date(2026, 11, 21)) == "2026-11-21"


@pytest.mark.parametrize(("size", "lv", "en"), [
    (0, "0 B", "0 B"),
    (45, "45 B", "45 B"),
    (1023, "1023 B", "1023 B"),
    (1024, "1 KB", "1 KB"),
    (1536, "1,5 KB", "1.5 KB"),
    (40 * 1024, "40 KB", "40 KB"),
    (int(1.2 * 1024 * 1024), "1,2 MB", "1.2 MB"),
    (3 * 1024 ** 3, "3 GB", "3 GB"),
])
def test_file_sizes_read_as_people_say_them(app, size, lv, en):
    assert _in(app, "lv", fmt_filesize, size) == lv
    assert _in(app, "en", fmt_filesize, size) == en


def test_latvian_dates_inside_a_sentence_take_the_case_the_sentence_needs(app):
    day = date(2026, 11, 21)
    assert _in(app, "lv", fmt_date, day) == "2026. gada 21. novembris"
    assert _in(app, "lv", fmt_date, day, "long", "locative") == "2026. gada 21. novembrī"
    assert _in(app, "lv", fmt_date, date(2026, 3, 1), "long", "dative") == "2026. gada 1. martam"
    assert _in(app, "lv", fmt_datetime, LATE_EVENING, "long", "locative") == (
        "2026. gada 21. novembrī plkst. 23:59")
    assert _in(app, "en", fmt_date, day, "long", "locative") == "21 November 2026"
