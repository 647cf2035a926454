"""The pilots' input fields read what a person types (a Latvian date, an amount with a
comma, a weight) and say in their words what cannot be read, one Invalid for a request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema

from app.core.errors import Invalid
from app.pilots.input_fields import (
    Amount,
    Choice,
    LvDate,
    Text,
    WebAddress,
    Weight,
    YesNo,
    check,
    read,
)
from app.pilots.states import ReplicationStatus


class Sample(Schema):
    title = Text(required=True, max_length=10)
    on = LvDate()
    until = LvDate(required=False)
    amount = Amount(allow_zero=False)
    vat = Amount(blank=Decimal("0.00"))
    weight = Weight(blank=Decimal("1"))
    strict_weight = Weight()
    link = WebAddress()
    public = YesNo()
    status = Choice(ReplicationStatus, absent=ReplicationStatus.CONSIDERING)


VALID = {"title": "Tilts", "on": "1.03.2026.", "amount": "1 500,50",
         "strict_weight": "2,5"}


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"), force_locale("en"):
        yield


def messages(data: dict) -> dict[str, list[str]]:
    _values, errors = read(Sample(), {**VALID, **data})
    return {name: [str(m) for m in found] for name, found in errors.items()}


def test_what_a_person_types_is_read_as_meant(request_context):
    values, errors = read(Sample(), {**VALID, "public": "on", "link": " https://talka.lv/a "})
    assert errors == {}
    assert values["on"] == date(2026, 3, 1)
    assert values["amount"] == Decimal("1500.50")
    assert values["vat"] == Decimal("0.00")  # blank: none
    assert values["weight"] == Decimal("1")  # blank: the default weight
    assert values["strict_weight"] == Decimal("2.5")
    assert values["until"] is None
    assert values["public"] is True
    assert values["link"] == "https://talka.lv/a"
    assert values["status"] == ReplicationStatus.CONSIDERING  # not sent: the default


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"on": "31.02.2026"}, "on", "Enter a date as YYYY-MM-DD or DD.MM.YYYY."),
    ({"on": ""}, "on", "Enter a date."),
    ({"amount": "-10"}, "amount", "The amount cannot be negative."),
    ({"amount": "0"}, "amount", "The amount must be more than zero."),
    ({"amount": "12,345"}, "amount", "Use at most two decimals (cents)."),
    ({"strict_weight": ""}, "strict_weight", "The weight must be more than zero."),
    ({"strict_weight": "0"}, "strict_weight", "The weight must be more than zero."),
    ({"strict_weight": "10000"}, "strict_weight",
     "The weight is at most 9999,99, with at most two decimals."),
    ({"strict_weight": "1,005"}, "strict_weight",
     "The weight is at most 9999,99, with at most two decimals."),
    ({"link": "javascript:alert(1)"}, "link",
     "Enter a web address starting with https:// or http://."),
    ({"public": "maybe"}, "public", "Answer yes or no."),
    ({"status": ""}, "status", "Choose one of the options."),
    ({"title": "   "}, "title", "Fill in this field."),
    ({"title": "x" * 11}, "title", "Use at most 10 characters (now 11)."),
])
def test_what_cannot_be_read_is_said_beside_its_field(request_context, data, field,
                                                      message):
    assert messages(data) == {field: [message]}


def test_every_message_of_a_request_comes_in_one_invalid(request_context):
    schema = Sample()
    _values, errors = read(schema, {"on": "yesterday", "amount": "x", "title": "",
                                    "strict_weight": "1"})
    with pytest.raises(Invalid) as raised:
        check(errors, schema)
    assert list(raised.value.errors) == ["title", "on", "amount"]  # in the form's order


def test_an_update_keeps_what_it_does_not_send(request_context):
    values, errors = read(Sample(), {"amount": "7"}, partial=True)
    assert errors == {}
    assert values == {"amount": Decimal("7.00")}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_latvian_date_and_an_iso_date_are_the_same_day(day):
    for text in (day.isoformat(), f"{day.day}.{day.month:02d}.{day.year}",
                 f"{day.day:02d}.{day.month:02d}.{day.year}."):
        values, errors = read(Sample(), {**VALID, "on": text})
        assert errors == {}
        assert values["on"] == day


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_an_amount_with_a_decimal_comma_is_exact(euros, cents):
    values, errors = read(Sample(), {**VALID, "amount": f"{euros},{cents:02d}"})
    assert errors == {}
    assert values["amount"] == Decimal(f"{euros}.{cents:02d}")
