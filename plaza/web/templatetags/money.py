"""``{{ amount|money:currency }}``: every page and e-mail writes money through this filter."""

from decimal import Decimal

from django import template

from plaza.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """Nothing for a missing amount (an optional compare-at price); else ``format_money``.

    Text is read as a Decimal because event payloads carry money as text ("5.00");
    a float is refused by ``format_money``, like everywhere else money is handled.
    """
    if amount is None or amount == "":
        return ""
    return format_money(Decimal(amount) if isinstance(amount, str) else amount, currency)


@register.filter
def negated(amount: Decimal) -> Decimal:
    """A refund shown as what it takes off the total: ``{{ refunded|negated|money:currency }}``."""
    return -amount
