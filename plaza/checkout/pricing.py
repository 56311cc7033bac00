"""Order arithmetic. Prices are tax-inclusive Decimals; every amount is rounded to the cent."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from plaza.core.money import quantize, tax_included

# The largest amount an order's DecimalField(max_digits=12, decimal_places=2) can hold.
MAX_ORDER_TOTAL = Decimal("9999999999.99")


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return quantize(unit_price * quantity)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    fulfilment_fee: Decimal
    tax_included: Decimal
    total: Decimal


def compute_totals(lines: Iterable[tuple[Decimal, int]], fulfilment_fee: Decimal, tax_rate_percent: Decimal) -> Totals:
    """Subtotal of the lines plus the fee is the total; the tax is the part of it the rate contains."""
    subtotal = sum((line_total(price, quantity) for price, quantity in lines), Decimal("0.00"))
    fee = quantize(fulfilment_fee)
    total = subtotal + fee
    return Totals(subtotal=subtotal, fulfilment_fee=fee, tax_included=tax_included(total, tax_rate_percent), total=total)
