from decimal import Decimal, InvalidOperation

from django import template

from plaza.core.money import quantize
from plaza.storefront import geo, presenters

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF "}


@register.filter
def money(amount, currency: str) -> str:
    try:
        value = quantize(Decimal(amount))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency}"


@register.filter
def distance(km) -> str:
    return "" if km is None else geo.format_distance(km)


@register.filter
def initials(name: str) -> str:
    return "".join(word[0] for word in str(name).split()[:2]).upper()


@register.filter
def image_url(image, size: str = "thumbnail") -> str:
    return presenters.image_url(image, size)
