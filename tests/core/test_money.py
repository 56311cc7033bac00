"""How money reads: one function, used by the ``money`` template filter on every page."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from plaza.core.money import Money, format_money

amounts_in_cents = st.decimals(min_value=Decimal("-10000000"), max_value=Decimal("10000000"), places=2)
currencies = st.sampled_from(["EUR", "GBP", "USD", "CHF", "SEK", "JPY"])


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("25", "EUR", "€25.00"),
        ("3.5", "GBP", "£3.50"),
        ("4", "USD", "$4.00"),
        ("25", "CHF", "25.00 CHF"),
        ("1250", "EUR", "€1,250.00"),
        ("1234567.5", "SEK", "1,234,567.50 SEK"),
        ("-5", "EUR", "−€5.00"),
        ("-1250.5", "CHF", "−1,250.50 CHF"),
        ("0", "GBP", "£0.00"),
        ("999.99", "USD", "$999.99"),
        ("1000", "USD", "$1,000.00"),
    ],
)
def test_amounts_read_as_shoppers_expect(amount, currency, shown):
    assert format_money(Decimal(amount), currency) == shown


def test_sub_cent_amounts_round_half_up_and_a_rounded_zero_has_no_sign():
    assert format_money(Decimal("0.005"), "EUR") == "€0.01"
    assert format_money(Decimal("2.344"), "EUR") == "€2.34"
    assert format_money(Decimal("-0.004"), "EUR") == "€0.00"


SHOWN = re.compile(r"(?P<minus>−?)(?P<sign>[€£$]?)(?P<digits>\d{1,3}(?:,\d{3})*\.\d{2})(?: (?P<code>[A-Z]{3}))?")
SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}


@given(amounts_in_cents, currencies)
def test_any_amount_in_cents_round_trips_to_the_same_digits(amount, currency):
    shown = SHOWN.fullmatch(format_money(amount, currency))
    assert shown, format_money(amount, currency)
    assert Decimal(("-" if shown["minus"] else "") + shown["digits"].replace(",", "")) == amount
    if currency in SIGNS:
        assert (shown["sign"], shown["code"]) == (SIGNS[currency], None)
    else:
        assert (shown["sign"], shown["code"]) == ("", currency)


@pytest.mark.parametrize("amount", [25.0, 25, "25.00"])
def test_only_a_decimal_is_money(amount):
    with pytest.raises(TypeError):
        format_money(amount, "EUR")


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R"])
def test_the_currency_must_be_an_iso_code(currency):
    with pytest.raises(ValueError):
        format_money(Decimal("1"), currency)


def test_money_prints_like_the_pages():
    assert str(Money(Decimal("1250"), "GBP")) == "£1,250.00"


def render(source: str, **context) -> str:
    return Template("{% load money %}" + source).render(Context(context))


def test_the_filter_writes_what_the_function_writes():
    assert render("{{ price|money:currency }}", price=Decimal("1250"), currency="EUR") == "€1,250.00"
    assert render("{{ refunded|negated|money:currency }}", refunded=Decimal("5.00"), currency="CHF") == "−5.00 CHF"


def test_the_filter_reads_money_carried_as_text_and_shows_nothing_for_no_amount():
    assert render("{{ amount|money:'GBP' }}", amount="4.50") == "£4.50"
    assert render("[{{ amount|money:'EUR' }}]", amount=None) == "[]"


def test_the_filter_refuses_a_float():
    with pytest.raises(TypeError):
        render("{{ amount|money:'EUR' }}", amount=4.5)
