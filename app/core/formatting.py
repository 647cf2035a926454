"""Jinja filters: dates, times in Europe/Riga, numbers, file sizes and EUR per locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask
from flask_babel import format_decimal, get_locale

from app.core.clock import RIGA
from app.core.translation import kept_locale

# Babel's plain "en" is American (month first, 12-hour clock); our English readers are
# in Europe, so English dates follow British order and the 24-hour clock.
_DATE_LOCALES = {"en": "en_GB"}


# Latvian month names as a sentence needs them: "beidzas 21. novembrī" (locative, "on"),
# "līdz 21. novembrim" (dative, "by"). CLDR has only the nominative ("21. novembris").
_LATVIAN_MONTHS = {
    "locative": ("janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā", "jūlijā",
                 "augustā", "septembrī", "oktobrī", "novembrī", "decembrī"),
    "dative": ("janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam", "jūlijam",
               "augustam", "septembrim", "oktobrim", "novembrim", "decembrim"),
}


def plain_number(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 1E+2 → "100", 2.50 → "2.5"."""
    value = Decimal(value)
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _locale_id() -> str:
    locale = kept_locale() or get_locale()
    if locale is None:
        return "lv"
    # Asked for every date, sum and number on a page: a locale with no territory, script or
    # variant (all of Talka's) is its language, which is cheaper to read than to build.
    if locale.territory is None and locale.script is None and locale.variant is None:
        return locale.language
    return str(locale)


def _date_locale() -> Locale:
    return _date_locale_for(_locale_id())


@lru_cache(maxsize=16)
def _date_locale_for(identifier: str) -> Locale:
    """Parsed once per process: a list page formats hundreds of dates."""
    return Locale.parse(_DATE_LOCALES.get(identifier, identifier))


def _local(value: datetime) -> datetime:
    """The moment in Latvian time; naive values are UTC, as the database keeps them."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(RIGA)


def _day(value: date, style: str, locale: Locale, case: str | None) -> str:
    return _day_in(value, style, str(locale), case)


# A list page writes the same few days and sums again and again, and Babel's formatting is
# slow next to the rest of a row: each distinct value is formatted once per process.
@lru_cache(maxsize=8192)
def _day_in(value: date, style: str, locale_id: str, case: str | None) -> str:
    locale = Locale.parse(locale_id)
    pattern = locale.date_formats[style].pattern
    if case and locale.language == "lv" and "MMMM" in pattern:
        month = _LATVIAN_MONTHS[case][value.month - 1]
        return babel_format_date(value, pattern.replace("MMMM", f"'{month}'"), locale=locale)
    return babel_format_date(value, style, locale=locale)


def fmt_datetime(value: datetime | None, style: str = "medium", case: str | None = None) -> str:
    """A date and a time to the minute, as the reader's language writes it ("… plkst. 23:59");
    case="locative" or "dative" inflects a Latvian month name written out in full."""
    if not value:
        return ""
    return _moment_in(value, style, case, _locale_id(), RIGA)


# The same moments recur on every read of a list (deadlines, the times rows were saved).
@lru_cache(maxsize=8192)
def _moment_in(value: datetime, style: str, case: str | None, locale_id: str, zone) -> str:
    moment = (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(zone)
    locale = _date_locale_for(locale_id)
    day = _day(moment.date(), style, locale, case)
    clock = babel_format_time(moment, "HH:mm", locale=locale)
    if locale.language == "lv":
        return f"{day} plkst. {clock}"
    return f"{day}, {clock}"


def fmt_date(value: date | datetime | None, style: str = "long", case: str | None = None) -> str:
    """A day as the reader's language writes it; `case` as for fmt_datetime."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _day(value, style, _date_locale(), case)


def fmt_iso(value: date | datetime | None) -> str:
    """The machine-readable form for <time datetime>: seconds and the UTC offset, or a day."""
    if not value:
        return ""
    if isinstance(value, datetime):
        return _local(value).replace(microsecond=0).isoformat()
    return value.isoformat()


_SIZE_UNITS = ("KB", "MB", "GB")


def fmt_filesize(size: int | None) -> str:
    """A byte count a reader can take in: "45 B", "3 KB", "1,2 MB" (binary multiples)."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in _SIZE_UNITS:
        value /= 1024
        if value < 1024 or unit == _SIZE_UNITS[-1]:
            pattern = "#,##0" if value >= 10 else "#,##0.#"
            return f"{format_decimal(round(value, 0 if value >= 10 else 1), pattern)} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def fmt_money(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return _money_in(Decimal(value), _locale_id())


@lru_cache(maxsize=8192)
def _money_in(value: Decimal, locale_id: str) -> str:
    return babel_format_currency(value, "EUR", locale=locale_id)


def fmt_number(value) -> str:
    return "" if value is None else _number_in(value, _locale_id())


# Typed: 1 and 1.0 and Decimal("1.0") are equal keys, and each is its own entry.
@lru_cache(maxsize=8192, typed=True)
def _number_in(value, locale_id: str) -> str:
    return babel_format_decimal(value, locale=locale_id)


def fmt_percent(value) -> str:
    """A share as pages write it, "42 %", and a dash for none. (A filter, not a macro: a
    comparison table shows dozens.)"""
    return "—" if value is None else f"{fmt_number(value)} %"


def fmt_points(value) -> str:
    """A score as the ranking shows it: two decimals, a dash for none. (A filter, not a
    macro: a ranking table shows hundreds of them.)"""
    return "—" if value is None else f"{float(value):.2f}"


def init_formatting(app: Flask) -> None:
    from app.core.sanitize import stored_html

    app.jinja_env.filters.update(
        datetime=fmt_datetime, date=fmt_date, iso=fmt_iso, filesize=fmt_filesize,
        money=fmt_money, number=fmt_number, percent=fmt_percent, points=fmt_points,
        stored_html=stored_html,
    )
