from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from plaza.catalog import services as catalog_services
from plaza.catalog.models import Product, ProductStatus
from plaza.search.selectors import SearchFilters, search_products
from plaza.search.services import index_products
from plaza.shops import services as shop_services
from plaza.shops.models import HoursException
from plaza.storefront import selectors
from plaza.storefront.geo import Position, bounding_box, distance_km
from tests.factories import LocationFactory, MembershipFactory, OpeningHoursFactory, ShopFactory
from tests.storefront.town import CENTRE, CROIX_ROUSSE, PARIS, make_location, make_product

PARIS_TZ = ZoneInfo("Europe/Paris")
# A Wednesday.
WEDNESDAY_NOON = datetime(2026, 3, 11, 12, 0, tzinfo=PARIS_TZ)


def test_haversine_matches_known_distances():
    assert distance_km(*CROIX_ROUSSE, CENTRE.latitude, CENTRE.longitude) == pytest.approx(1.19, abs=0.05)
    assert distance_km(CENTRE.latitude, CENTRE.longitude, *PARIS) == pytest.approx(392, abs=3)


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lng, max_lng = bounding_box(CENTRE.latitude, CENTRE.longitude, 5)
    assert distance_km(min_lat, CENTRE.longitude, CENTRE.latitude, CENTRE.longitude) == pytest.approx(5, rel=0.01)
    assert distance_km(CENTRE.latitude, max_lng, CENTRE.latitude, CENTRE.longitude) == pytest.approx(5, rel=0.01)
    assert min_lat < CENTRE.latitude < max_lat and min_lng < CENTRE.longitude < max_lng


def test_nearby_locations_are_nearest_first_and_within_the_radius(town):
    found = selectors.nearby_locations(CENTRE, radius_km=10, at=WEDNESDAY_NOON)
    assert [item.location.name for item in found] == ["Centre", "Croix-Rousse", "Gratte-Ciel"]
    assert [round(item.distance_km, 1) for item in found] == [0.0, 1.2, 4.3]
    assert [item.location.name for item in selectors.nearby_locations(CENTRE, radius_km=2, at=WEDNESDAY_NOON)] == [
        "Centre",
        "Croix-Rousse",
    ]


def test_inactive_shops_are_not_nearby(town):
    town.books.is_active = False
    town.books.save()
    names = [item.location.name for item in selectors.nearby_locations(CENTRE, radius_km=10, at=WEDNESDAY_NOON)]
    assert "Centre" not in names


def test_nearby_shops_report_open_status_and_filter_open_now(town):
    shops = selectors.nearby_shops(CENTRE, at=WEDNESDAY_NOON)
    assert [(entry.shop.name, entry.status.is_open) for entry in shops] == [
        ("Librairie du Centre", True),
        ("Boulangerie Croix-Rousse", True),
        ("Quincaillerie Villeurbanne", False),
    ]
    assert shops[0].status.label == "Open"
    open_only = selectors.nearby_shops(CENTRE, at=WEDNESDAY_NOON, open_now=True)
    assert "Quincaillerie Villeurbanne" not in [entry.shop.name for entry in open_only]


@pytest.fixture
def lunch_break_shop(db):
    location = LocationFactory(shop=ShopFactory(name="Fromagerie"), latitude=CENTRE.latitude, longitude=CENTRE.longitude)
    for weekday in range(6):  # closed on Sunday
        OpeningHoursFactory(location=location, weekday=weekday, opens=time(9), closes=time(12, 30))
        OpeningHoursFactory(location=location, weekday=weekday, opens=time(14), closes=time(19))
    return location


def _status(location, at):
    location = selectors.with_hours(type(location).objects.filter(pk=location.pk), at).get()
    return selectors.opening_status(location, at)


@pytest.mark.parametrize(
    ("at", "is_open", "label"),
    [
        (WEDNESDAY_NOON, True, "Open until 12:30"),
        (WEDNESDAY_NOON.replace(hour=13), False, "Opens at 14:00"),
        (WEDNESDAY_NOON.replace(hour=20), False, "Opens tomorrow at 9:00"),
        (datetime(2026, 3, 14, 20, 0, tzinfo=PARIS_TZ), False, "Opens Monday at 9:00"),
    ],
)
def test_opening_status_with_a_lunch_break(lunch_break_shop, at, is_open, label):
    assert _status(lunch_break_shop, at) == selectors.OpeningStatus(is_open, label)


def test_an_exception_closes_a_normally_open_day(lunch_break_shop):
    HoursException.objects.create(location=lunch_break_shop, date=WEDNESDAY_NOON.date(), is_closed=True, note="Holiday")
    assert _status(lunch_break_shop, WEDNESDAY_NOON) == selectors.OpeningStatus(False, "Opens tomorrow at 9:00")
    assert lunch_break_shop.pk not in selectors.open_location_ids(WEDNESDAY_NOON)


def test_special_hours_open_a_normally_closed_day(lunch_break_shop):
    sunday = datetime(2026, 3, 15, 11, 0, tzinfo=PARIS_TZ)
    assert lunch_break_shop.pk not in selectors.open_location_ids(sunday)
    HoursException.objects.create(
        location=lunch_break_shop, date=sunday.date(), is_closed=False, opens=time(10), closes=time(13)
    )
    assert _status(lunch_break_shop, sunday) == selectors.OpeningStatus(True, "Open until 13:00")
    assert lunch_break_shop.pk in selectors.open_location_ids(sunday)


def _in_stock_titles(position, **filters):
    results = search_products(SearchFilters(position=position, at=WEDNESDAY_NOON, in_stock=True, **filters))
    return {hit.product.title for hit in results.hits}


def test_in_stock_nearby_excludes_reserved_out_empty_and_far_stock(town):
    titles = _in_stock_titles(CENTRE)
    assert {"Sourdough Loaf", "Dark Chocolate Bar", "The Bread Book", "Cordless Drill"} == titles
    # Butter Croissant: 5 on hand, 5 reserved. A Quiet Novel: none. Truffles: only in Paris.
    assert not titles & {"Butter Croissant", "A Quiet Novel", "Chocolate Truffles", "Secret Chocolate Cake"}


def test_in_stock_nearby_follows_the_distance(town):
    assert _in_stock_titles(CENTRE, distance_km=2) == {"Sourdough Loaf", "Dark Chocolate Bar", "The Bread Book"}
    paris = Position(*PARIS, "Paris")
    assert _in_stock_titles(paris) == {"Chocolate Truffles"}


def test_stock_at_a_second_far_location_does_not_count_as_nearby(town):
    far_branch = make_location(town.books, PARIS, name="Paris branch")
    make_product(town.books, "Atlas", stock={far_branch: (9, 0)})
    index_products(Product.objects.values_list("pk", flat=True))
    assert "Atlas" not in _in_stock_titles(CENTRE)
    assert "Atlas" in _in_stock_titles(Position(*PARIS, "Paris"))


def test_gazetteer_finds_postcodes_cities_and_prefixes(town):
    assert selectors.find_place("69004").label == "69004 Lyon"
    assert selectors.find_place("  villeurbanne ").label == "Villeurbanne"
    assert selectors.find_place("7500").label == "75004 Paris"
    place = selectors.find_place("Lyon")
    assert place.label == "Lyon" and 45.76 < place.latitude < 45.78
    assert selectors.find_place("Atlantis") is None
    assert selectors.find_place("") is None


@pytest.mark.django_db(transaction=True)
def test_places_are_cached_until_a_location_announces_a_change(town):
    owner = MembershipFactory(shop=town.books).user
    assert selectors.find_place("69007") is None
    make_location(town.books, CROIX_ROUSSE, name="Unannounced", postcode="69007")  # no event
    assert selectors.find_place("69007") is None
    shop_services.create_location(
        user=owner, shop=town.books, name="Gerland", address="1 rue du Vercors", postcode="69007", city="Lyon",
        latitude=45.73, longitude=4.83,
    )
    assert selectors.find_place("69007").label == "69007 Lyon"


def _category_counts() -> dict[str, int]:
    return {category.slug: category.product_count for category in selectors.popular_categories()}


@pytest.mark.django_db(transaction=True)
def test_category_counts_are_cached_until_the_catalog_announces_a_change(town):
    owner = MembershipFactory(shop=town.books).user
    books = town.products["novel"].category
    before = _category_counts()[books.slug]
    # Written behind the services' back: no event, so the cached count stands.
    make_product(town.books, "An Unannounced Atlas", category=books)
    assert _category_counts()[books.slug] == before
    catalog_services.create_product(
        user=owner, shop=town.books, title="A Loud Almanac", category_path=books.full_path,
        status=ProductStatus.PUBLISHED, variants=[{"price": "9.00"}],
    )
    assert _category_counts()[books.slug] == before + 2

