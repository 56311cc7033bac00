"""A small town for shopper-side tests: shops at known distances from the centre of Lyon."""

from dataclasses import dataclass, field
from decimal import Decimal

from plaza.catalog.models import Category, ProductStatus
from plaza.search.services import index_products
from plaza.storefront.geo import Position
from tests.factories import LocationFactory, ProductFactory, ShopFactory, StockFactory, VariantFactory, open_all_week

CENTRE = Position(45.7640, 4.8357, "Lyon centre")
# About 1.2 km, 4.3 km and 390 km from CENTRE.
CROIX_ROUSSE = (45.7745, 4.8320)
VILLEURBANNE = (45.7719, 4.8902)
PARIS = (48.8566, 2.3522)


def make_location(shop, where, *, name: str, postcode: str = "69001", city: str = "Lyon", open_now: bool = True):
    location = LocationFactory(shop=shop, name=name, latitude=where[0], longitude=where[1], postcode=postcode, city=city)
    if open_now:
        open_all_week(location)
    return location


def make_product(shop, title: str, *, price: str = "10.00", stock: dict | None = None, category=None, **fields):
    """A published product with one variant; ``stock`` maps a location to (quantity, reserved)."""
    product = ProductFactory(shop=shop, title=title, min_price=Decimal(price), category=category, **fields)
    variant = VariantFactory(product=product, price=Decimal(price), option1="Default Title")
    for location, (quantity, reserved) in (stock or {}).items():
        StockFactory(variant=variant, location=location, quantity=quantity, reserved=reserved)
    return product


def category(path: str) -> Category:
    parent = None
    for depth, name in enumerate(path.split(" > ")):
        full_path = " > ".join(path.split(" > ")[: depth + 1])
        parent, _ = Category.objects.get_or_create(
            full_path=full_path, defaults={"name": name, "slug": full_path.lower().replace(" > ", "-").replace(" ", "-"), "parent": parent}
        )
    return parent


@dataclass
class Town:
    bakery: object = None
    books: object = None
    hardware: object = None
    faraway: object = None
    locations: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)


def build_town() -> Town:
    """Three nearby shops (one closed now) and one in Paris, each with products and stock."""
    town = Town()
    town.bakery = ShopFactory(name="Boulangerie Croix-Rousse", kind="food", description="Sourdough bread baked at dawn")
    town.books = ShopFactory(name="Librairie du Centre", kind="books")
    town.hardware = ShopFactory(name="Quincaillerie Villeurbanne", kind="hardware")
    town.faraway = ShopFactory(name="Paris Chocolatier", kind="food")
    loc = town.locations
    loc["bakery"] = make_location(town.bakery, CROIX_ROUSSE, name="Croix-Rousse", postcode="69004")
    loc["books"] = make_location(town.books, (CENTRE.latitude, CENTRE.longitude), name="Centre", postcode="69002")
    loc["hardware"] = make_location(town.hardware, VILLEURBANNE, name="Gratte-Ciel", postcode="69100", city="Villeurbanne", open_now=False)
    loc["paris"] = make_location(town.faraway, PARIS, name="Marais", postcode="75004", city="Paris")
    food = category("Food > Bakery")
    sweets = category("Food > Sweets")
    tools = category("Hardware > Tools")
    books = category("Media > Books")
    p = town.products
    p["sourdough"] = make_product(town.bakery, "Sourdough Loaf", price="4.50", category=food, stock={loc["bakery"]: (12, 0)})
    p["croissant"] = make_product(town.bakery, "Butter Croissant", price="1.20", category=food, stock={loc["bakery"]: (5, 5)})
    p["chocolate_bar"] = make_product(town.bakery, "Dark Chocolate Bar", price="3.00", category=sweets, stock={loc["bakery"]: (4, 1)})
    p["cookbook"] = make_product(
        town.books, "The Bread Book", price="29.00", category=books, stock={loc["books"]: (2, 0)},
        description_html="<p>Everything about <b>chocolate</b> and bread.</p>",
    )
    p["novel"] = make_product(town.books, "A Quiet Novel", price="18.00", category=books, stock={loc["books"]: (0, 0)})
    p["drill"] = make_product(town.hardware, "Cordless Drill", price="89.00", category=tools, stock={loc["hardware"]: (3, 0)})
    p["truffles"] = make_product(town.faraway, "Chocolate Truffles", price="12.00", category=sweets, stock={loc["paris"]: (50, 0)})
    p["draft"] = make_product(town.bakery, "Secret Chocolate Cake", price="20.00", category=sweets, status=ProductStatus.DRAFT, stock={loc["bakery"]: (1, 0)})
    index_products([product.pk for product in p.values()])
    return town
