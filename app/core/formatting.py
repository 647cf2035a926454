"""Jinja filters: dates, times in Europe/Riga, numbers and EUR per locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal


def fmt_datetime(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def fmt_date(value: date | datetime | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def fmt_money(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return format_currency(Decimal(value), "EUR")


def fmt_number(value) -> str:
    return "" if value is None else format_decimal(value)


def init_formatting(app: Flask) -> None:
    from app.core.sanitize import stored_html

    app.jinja_env.filters.update(
        datetime=fmt_datetime, date=fmt_date, money=fmt_money, number=fmt_number,
        stored_html=stored_html,
    )
