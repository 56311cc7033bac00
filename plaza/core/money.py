"""Money is a Decimal amount with an explicit ISO 4217 currency; never a float."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Currencies shoppers read by their sign, written before the amount; any other is shown
# by its ISO code after the amount ("25.00 CHF"), which no reader can mistake.
CURRENCY_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}
# U+2212, the typographic minus: a hyphen would wrap away from the amount and looks short.
MINUS = "\u2212"


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money amount must be a Decimal")
        if len(self.currency) != 3:
            raise ValueError("currency must be an ISO 4217 code")

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> "Money":
        if not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an integer quantity")
        return Money(self.amount * factor, self.currency)

    def quantized(self) -> "Money":
        return Money(quantize(self.amount), self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal, currency: str) -> str:
    """``amount`` as a shopper reads it: "€1,250.00", "£3.50", "25.00 CHF", "−€5.00".

    Rounded half up to the cent, with thousands separated by commas; product.js shows the
    strings the product page rendered with this, so every page writes money alike.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("format_money needs a Decimal amount")
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
    cents = quantize(amount)
    sign = MINUS if cents < 0 else ""
    digits = f"{abs(cents):,.2f}"
    currency_sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{currency_sign}{digits}" if currency_sign else f"{sign}{digits} {currency}"


def tax_included(gross: Decimal, rate_percent: Decimal) -> Decimal:
    """The tax contained in a tax-inclusive ``gross`` amount, rounded to the cent."""
    if not rate_percent:
        return Decimal("0.00")
    return quantize(gross * rate_percent / (Decimal(100) + rate_percent))
