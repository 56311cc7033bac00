from django import template

from plaza.storefront import geo

register = template.Library()


@register.filter
def distance(km) -> str:
    return "" if km is None else geo.format_distance(km)


@register.filter
def initials(name: str) -> str:
    return "".join(word[0] for word in str(name).split()[:2]).upper()
