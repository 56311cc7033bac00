"""The shopper's position for this request, remembered in the session."""

from django.http import HttpRequest

from plaza.storefront.geo import SESSION_KEY, Position, default_position, parse_coordinate
from plaza.storefront.selectors import find_place

MAX_LABEL_LENGTH = 80


def _from_session(request: HttpRequest) -> Position | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    latitude = parse_coordinate(stored.get("latitude"), 90)
    longitude = parse_coordinate(stored.get("longitude"), 180)
    if latitude is None or longitude is None:
        return None
    return Position(latitude, longitude, str(stored.get("label", ""))[:MAX_LABEL_LENGTH] or "your location")


def shopper_position(request: HttpRequest) -> tuple[Position, str]:
    """(position, problem): from ``?lat=&lng=``, a typed ``?place=``, the session or the default town.

    ``problem`` explains why a typed place was not used (empty when all went well).
    """
    chosen = None
    problem = ""
    latitude = parse_coordinate(request.GET.get("lat"), 90)
    longitude = parse_coordinate(request.GET.get("lng"), 180)
    if latitude is not None and longitude is not None:
        label = " ".join(request.GET.get("near", "").split())[:MAX_LABEL_LENGTH]
        chosen = Position(latitude, longitude, label or "your location")
    elif request.GET.get("place", "").strip():
        place = find_place(request.GET["place"])
        if place is None:
            problem = "We don't know that place. Try a postcode or a neighbourhood of the town."
        else:
            chosen = Position(place.latitude, place.longitude, place.label)
    if chosen is not None:
        if request.session.get(SESSION_KEY) != chosen.as_session():
            request.session[SESSION_KEY] = chosen.as_session()
        return chosen, problem
    return _from_session(request) or default_position(), problem
