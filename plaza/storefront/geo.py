"""Where the shopper is, and how far things are from there.

A position comes, in order of preference, from ``?lat=&lng=`` in the URL (the browser's
geolocation or a shared link), from a typed place looked up in the town's gazetteer, from
the session (the last position the shopper chose), or from the default town.
"""

import math
from dataclasses import dataclass

from django.conf import settings

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = 111.32
SESSION_KEY = "plaza_position"


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    label: str
    # True when the shopper chose it; False for the default town.
    chosen: bool = True

    def as_session(self) -> dict:
        return {"latitude": self.latitude, "longitude": self.longitude, "label": self.label}

    def query_string(self) -> str:
        return f"lat={self.latitude:.5f}&lng={self.longitude:.5f}"


def default_position() -> Position:
    town = settings.PLAZA_DEFAULT_LOCATION
    return Position(town["latitude"], town["longitude"], town["name"], chosen=False)


def parse_coordinate(raw, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (limit 180) from user input, or None if unusable."""
    try:
        value = float(str(raw)[:32])
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value) or abs(value) > limit:
        return None
    return value


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance by the haversine formula."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle: a cheap indexed prefilter."""
    d_lat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = math.cos(math.radians(latitude))
    d_lng = 180.0 if cos_lat < 1e-6 else min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return latitude - d_lat, latitude + d_lat, longitude - d_lng, longitude + d_lng


def format_distance(km: float) -> str:
    if km < 1:
        return f"{max(50, round(km * 1000, -1)):.0f} m"
    return f"{km:.1f} km"
