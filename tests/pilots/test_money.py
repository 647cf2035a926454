"""Pilot money: typed amounts, exact sums to the cent, what remains, funding lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.pilots.money import (
    AMOUNT_MESSAGES,
    MAX_AMOUNT,
    AmountError,
    check_amount,
    funding_gap,
    funding_total,
    parse_amount,
    remaining_eur,
    spent_eur,
)


@pytest.fixture(autouse=True)
def db():
    """Pure rules: these tests need no database (overrides the suite's autouse fixture)."""
    yield


D = Decimal
MAX_CENTS = 999_999_999_999


@pytest.mark.parametrize(("text", "expected"), [
    ("1500", "1500.00"),
    ("1500.5", "1500.50"),
    ("1500,5", "1500.50"),
    ("1500,50", "1500.50"),
    ("1500.50", "1500.50"),
    ("1 500,50", "1500.50"),
    ("1\u00a0500,50", "1500.50"),        # no-break space, as Babel writes Latvian amounts
    ("1\u202f500,50", "1500.50"),        # narrow no-break space
    ("12 345 678,90", "12345678.90"),
    ("  250  ", "250.00"),
    ("0", "0.00"),
    ("0,01", "0.01"),
    ("007", "7.00"),
    ("9999999999.99", "9999999999.99"),  # the largest amount
    ("9 999 999 999,99", "9999999999.99"),
])
def test_parse_amount_accepts_what_people_type(text, expected):
    amount = parse_amount(text)
    assert amount == D(expected)
    assert str(amount) == expected  # always two decimals


@pytest.mark.parametrize(("text", "code"), [
    (None, "required"),
    ("", "required"),
    ("   ", "required"),
    ("-5", "negative"),
    ("-0,01", "negative"),
    ("\u22125", "negative"),             # a typographic minus sign
    ("NaN", "not_a_number"),
    ("nan", "not_a_number"),
    ("sNaN", "not_a_number"),
    ("Infinity", "not_a_number"),
    ("-Infinity", "not_a_number"),
    ("inf", "not_a_number"),
    ("1e3", "not_a_number"),
    ("abc", "not_a_number"),
    ("12 EUR", "not_a_number"),
    ("1,500.50", "not_a_number"),        # two decimal marks: refused, not guessed
    ("1.500,50", "not_a_number"),
    ("15 00", "not_a_number"),           # thousands come in threes
    ("1500.", "not_a_number"),
    (".5", "not_a_number"),
    ("\u0661\u0665\u0660\u0660", "not_a_number"),  # non-ASCII digits
    ("1.001", "too_many_decimals"),
    ("1500,505", "too_many_decimals"),
    ("1,500", "too_many_decimals"),      # not read as one thousand five hundred
    ("10000000000", "too_large"),
    ("10000000000.00", "too_large"),
    ("9999999999.999", "too_many_decimals"),
    ("1" * 5000, "too_large"),
])
def test_parse_amount_refuses_with_a_clear_code(text, code):
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    assert caught.value.message is AMOUNT_MESSAGES[code]


def test_zero_can_be_refused_where_an_amount_must_be_positive():
    assert parse_amount("0,00") == 0
    with pytest.raises(AmountError) as caught:
        parse_amount("0,00", allow_zero=False)
    assert caught.value.code == "zero"


def test_messages_are_readable_sentences():
    assert str(AMOUNT_MESSAGES["negative"]) == "The amount cannot be negative."
    assert set(AMOUNT_MESSAGES) == {"required", "not_a_number", "negative", "zero",
                                    "too_many_decimals", "too_large"}


@pytest.mark.parametrize(("value", "code"), [
    (D("NaN"), "not_a_number"),
    (D("Infinity"), "not_a_number"),
    (D("-1"), "negative"),
    (D("1.005"), "too_many_decimals"),
    (MAX_AMOUNT + D("0.01"), "too_large"),
])
def test_check_amount_refuses_bad_numbers_from_json(value, code):
    with pytest.raises(AmountError) as caught:
        check_amount(value)
    assert caught.value.code == code


def test_check_amount_gives_cents():
    assert str(check_amount(D("12.5"))) == "12.50"
    assert str(check_amount(7)) == "7.00"
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT


@pytest.mark.parametrize("bad", [0.1, 1.0, True, "1.00", None])
def test_floats_and_other_types_are_refused_loudly(bad):
    with pytest.raises(TypeError):
        check_amount(bad)
    with pytest.raises(TypeError):
        spent_eur([D("1.00"), bad])


def test_spent_is_exact_to_the_cent():
    assert spent_eur([D("0.10"), D("0.20")]) == D("0.30")
    assert str(spent_eur([D("0.10"), D("0.20")])) == "0.30"
    assert 0.1 + 0.2 != 0.3  # what floats would have done
    assert spent_eur([D("0.01")] * 100) == D("1.00")
    assert spent_eur([D("1500.50"), D("249.49"), D("0.01")]) == D("1750.00")
    assert str(spent_eur([])) == "0.00"
    assert spent_eur(iter([D(5), 3])) == D("8.00")


def test_spent_refuses_a_non_finite_amount():
    with pytest.raises(ValueError):
        spent_eur([D("1.00"), D("NaN")])


def test_sums_at_the_largest_amounts_stay_exact():
    assert spent_eur([MAX_AMOUNT] * 1000) == D("9999999999990.00")


@given(st.lists(st.integers(min_value=0, max_value=MAX_CENTS), min_size=1000, max_size=1000))
def test_a_sum_of_1000_cent_amounts_equals_the_integer_cents_sum(cents):
    amounts = [D(c).scaleb(-2) for c in cents]
    total = spent_eur(amounts)
    assert total == D(sum(cents)).scaleb(-2)
    assert total.as_tuple().exponent == -2


@given(st.integers(min_value=0, max_value=MAX_CENTS), st.sampled_from(["lv", "en", "plain"]))
def test_every_amount_survives_being_typed_back(cents, style):
    amount = D(cents).scaleb(-2)
    whole, fraction = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    typed = {"lv": f"{grouped},{fraction}", "en": f"{whole}.{fraction}",
             "plain": f"{whole},{fraction}"}[style]
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(("approved", "spent", "remaining"), [
    ("1000.00", "0.00", "1000.00"),
    ("1000.00", "999.99", "0.01"),
    ("1000.00", "1000.00", "0.00"),
    ("1000.00", "1250.50", "-250.50"),   # negative: overspent
    ("0.00", "0.00", "0.00"),
    ("366722.00", "0.30", "366721.70"),
])
def test_remaining_is_approved_minus_spent(approved, spent, remaining):
    result = remaining_eur(D(approved), D(spent))
    assert result == D(remaining)
    assert str(result) == remaining


def test_funding_lines_sum_and_gap():
    # the programme envelope per region: EUR 366 722 plus VAT up to EUR 77 012
    lines = [D("366722.00"), D("77012.00")]
    assert funding_total(lines) == D("443734.00")
    assert funding_gap(D("443734.00"), lines) == D("0.00")
    assert funding_gap(D("500000.00"), lines) == D("56266.00")    # not yet covered
    assert funding_gap(D("400000.00"), lines) == D("-43734.00")   # lines promise more
    assert str(funding_total([])) == "0.00"


# --- the regional envelope ----------------------------------------------------------------

from app.pilots.money import envelope_use  # noqa: E402

ENVELOPE, VAT_ENVELOPE = D("366722.00"), D("77012.00")


@pytest.mark.parametrize(("lines", "programme", "vat", "over", "vat_over"), [
    ([], "0.00", "0.00", False, False),
    # only programme money counts; co-financing and other sources never touch the envelope
    ([("programme", "300000.00", "63000.00"), ("municipal", "90000.00", "18900.00"),
      ("other", "5000.00", "0")], "300000.00", "63000.00", False, False),
    # exactly the envelope is not over it
    ([("programme", "366722.00", "77012.00")], "366722.00", "77012.00", False, False),
    # one cent more of programme money is over; VAT is measured on its own line
    ([("programme", "366722.01", "0")], "366722.01", "0.00", True, False),
    ([("programme", "100.00", "77012.01")], "100.00", "77012.01", False, True),
    # the whole budget with VAT (443 734) no longer hides inside one sum
    ([("programme", "366722.00", "77012.00"), ("municipal", "50000.00", "0")],
     "366722.00", "77012.00", False, False),
    # a line recorded as "vat" before VAT had its own amount is programme VAT
    ([("programme", "1000.00", "0"), ("vat", "210.00", "0")], "1000.00", "210.00",
     False, False),
])
def test_the_envelope_counts_programme_money_excluding_vat_and_vat_on_its_own_line(
        lines, programme, vat, over, vat_over):
    use = envelope_use([(kind, D(a), D(v)) for kind, a, v in lines],
                       envelope=ENVELOPE, vat_envelope=VAT_ENVELOPE)
    assert use.programme == D(programme)
    assert use.vat == D(vat)
    assert use.over is over
    assert use.vat_over is vat_over
    assert use.remaining == ENVELOPE - D(programme)
    assert use.vat_remaining == VAT_ENVELOPE - D(vat)


@given(st.lists(st.integers(min_value=0, max_value=999_999_999_999), max_size=30))
def test_a_sum_of_cents_gives_the_same_amount_as_the_exact_sum(cents):
    from app.pilots.money import from_cents, spent_eur

    amounts = [Decimal(c) / 100 for c in cents]
    assert from_cents(sum(cents)) == spent_eur(amounts)


def test_from_cents_refuses_a_float():
    from app.pilots.money import from_cents

    assert from_cents(None) == Decimal("0.00")
    with pytest.raises(TypeError):
        from_cents(12.5)
