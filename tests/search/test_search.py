from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from plaza.catalog import services as catalog_services
from plaza.catalog.models import Product, ProductStatus
from plaza.search.backends import search_terms
from plaza.search.models import ProductDocument
from plaza.search.selectors import SearchFilters, Sort, search_products, search_shops
from plaza.search.services import index_products
from plaza.storefront.geo import Position
from tests.factories import MembershipFactory
from tests.storefront.town import CENTRE, PARIS, category, make_location, make_product

NOON = datetime(2026, 3, 11, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


def search(**filters):
    return search_products(SearchFilters(position=filters.pop("position", CENTRE), at=NOON, **filters), limit=50)


def titles(**filters) -> list[str]:
    return [hit.product.title for hit in search(**filters).hits]


def test_words_match_as_prefixes_and_all_must_match(town):
    assert set(titles(q="choc")) == {"Dark Chocolate Bar", "Chocolate Truffles", "The Bread Book"}
    assert set(titles(q="chocolate bar")) == {"Dark Chocolate Bar"}
    assert titles(q="zeppelin") == []


def test_words_shorter_than_three_letters_match_whole_words_only(town):
    make_product(town.bakery, "Vitamin C Drops", stock={town.locations["bakery"]: (3, 0)})
    index_products(Product.objects.values_list("pk", flat=True))
    assert titles(q="vitamin c") == ["Vitamin C Drops"]
    assert titles(q="c") == ["Vitamin C Drops"]
    assert titles(q="ch") == []
    assert len(titles(q="cho")) == 3


def test_drafts_are_never_found(town):
    assert "Secret Chocolate Cake" not in titles(q="secret")
    assert "Secret Chocolate Cake" not in titles()


def test_title_matches_rank_above_description_matches(town):
    found = titles(q="chocolate", sort=Sort.RELEVANCE)
    assert found[-1] == "The Bread Book"  # only its description says chocolate
    assert set(found[:2]) == {"Dark Chocolate Bar", "Chocolate Truffles"}


def test_case_does_not_matter(town):
    assert "Sourdough Loaf" in titles(q="SOURDOUGH")


def test_shop_name_vendor_category_and_tags_are_searchable(town):
    assert set(titles(q="boulangerie")) == {"Sourdough Loaf", "Butter Croissant", "Dark Chocolate Bar"}
    assert set(titles(q="tools")) == {"Cordless Drill"}


def test_category_filter_includes_subcategories(town):
    assert set(titles(category="food-sweets")) == {"Dark Chocolate Bar", "Chocolate Truffles"}
    assert set(titles(category="food")) == {"Sourdough Loaf", "Butter Croissant", "Dark Chocolate Bar", "Chocolate Truffles"}
    assert titles(category="no-such-category") == []


def test_price_range_is_inclusive(town):
    assert set(titles(min_price=Decimal("3.00"), max_price=Decimal("12.00"))) == {
        "Dark Chocolate Bar",
        "Sourdough Loaf",
        "Chocolate Truffles",
    }


def test_distance_filter_keeps_shops_within_reach(town):
    assert set(titles(distance_km=2)) == {"Sourdough Loaf", "Butter Croissant", "Dark Chocolate Bar", "The Bread Book", "A Quiet Novel"}
    assert set(titles(distance_km=5)) - set(titles(distance_km=2)) == {"Cordless Drill"}


def test_open_now_filter(town):
    assert "Cordless Drill" not in titles(open_now=True)
    assert "Sourdough Loaf" in titles(open_now=True)
    assert set(titles(open_now=True, in_stock=True, distance_km=5)) == {"Sourdough Loaf", "Dark Chocolate Bar", "The Bread Book"}


def test_sort_by_price_both_ways(town):
    cheapest_first = titles(sort=Sort.PRICE)
    assert cheapest_first[0] == "Butter Croissant" and cheapest_first[-1] == "Cordless Drill"
    assert titles(sort=Sort.PRICE_DESC) == cheapest_first[::-1]


def test_sort_by_distance_puts_nearest_shops_first_and_far_ones_last(town):
    found = search(sort=Sort.DISTANCE).hits
    distances = [hit.distance_km for hit in found]
    assert distances[:-1] == sorted(distances[:-1])
    assert found[-1].product.title == "Chocolate Truffles" and found[-1].distance_km is None


def test_pages_by_distance_cover_every_product_once_in_order(town):
    everything = titles(sort=Sort.DISTANCE)
    paged = []
    for offset in range(0, len(everything), 2):
        filters = SearchFilters(position=CENTRE, at=NOON, sort=Sort.DISTANCE)
        paged += [hit.product.title for hit in search_products(filters, offset=offset, limit=2).hits]
    assert paged == everything and len(everything) == 7


def test_two_categories_of_one_name_are_told_apart_by_their_path(town):
    for path in ("Home > Tableware", "Gifts > Tableware"):
        make_product(town.books, f"Teapot from {path}", category=category(path), stock={town.locations["books"]: (1, 0)})
    index_products(Product.objects.values_list("pk", flat=True))
    for results in (search(q="teapot"), search(q="teapot", max_price=Decimal("50"))):
        assert sorted(facet.label for facet in results.categories) == ["Gifts › Tableware", "Home › Tableware"]
    assert [facet.label for facet in search(q="chocolate").categories] == ["Sweets", "Books"]


def test_facets_count_across_the_other_filters(town):
    results = search(q="chocolate", category="food-sweets")
    assert results.count == 2
    categories = {facet.value: (facet.count, facet.selected) for facet in results.categories}
    # The category facet ignores the chosen category, so the shopper sees where else to go.
    assert categories == {"food-sweets": (2, True), "media-books": (1, False)}
    bands = {facet.label: facet.count for facet in results.price_bands}
    assert bands == {"0–10": 1, "10–25": 1, "25–50": 0, "50–100": 0, "100+": 0}



def test_facets_without_filters_count_every_match_once(town):
    results = search(q="chocolate")
    # Dark Chocolate Bar, Chocolate Truffles (both sweets) and The Bread Book (mentions chocolate).
    assert results.count == 3
    assert {facet.value: facet.count for facet in results.categories} == {"food-sweets": 2, "media-books": 1}
    assert sum(facet.count for facet in results.price_bands) == results.count
    assert not any(facet.selected for facet in results.categories + results.price_bands)

def test_shop_search_by_name_kind_and_distance(town):
    def shop_names(**filters):
        results = search_shops(SearchFilters(position=filters.pop("position", CENTRE), at=NOON, **filters))
        return [hit.shop.name for hit in results.hits]

    assert shop_names(q="librairie") == ["Librairie du Centre"]
    assert shop_names(q="books") == ["Librairie du Centre"]  # the kind's label
    assert shop_names() == ["Librairie du Centre", "Boulangerie Croix-Rousse", "Quincaillerie Villeurbanne", "Paris Chocolatier"]
    assert shop_names(distance_km=2) == ["Librairie du Centre", "Boulangerie Croix-Rousse"]
    assert shop_names(open_now=True, distance_km=10) == ["Librairie du Centre", "Boulangerie Croix-Rousse"]
    assert shop_names(position=Position(*PARIS, "Paris"))[0] == "Paris Chocolatier"


@pytest.mark.parametrize(
    "query",
    [
        '"', "'", "''", '"unbalanced', "AND", "OR NOT", "NEAR(a b)", "title:bread", "*", "a*", "^bread", "(", ")",
        "!!!", "&|!<->:*", "\\", "%", "_", "-bread", "+", "x" * 10_000, "🍞 pain", "日本語", "Ünïcödé", "\x00",
        "bread' OR '1'='1", "'; DROP TABLE catalog_product; --", " ", "\u200b", "ﬁ", "a" * 41,
    ],
)
def test_hostile_queries_never_fail(town, query):
    results = search(q=query)
    assert results.count >= 0


def test_search_terms_keep_only_words():
    assert search_terms('"Pain" AND title:(choco*)') == ["pain", "and", "title", "choco"]
    assert search_terms("x" * 10_000) == ["x" * 40]
    assert len(search_terms(" ".join(f"w{n}" for n in range(100)))) == 8


@pytest.fixture
def owner(town):
    return MembershipFactory(shop=town.bakery).user


@pytest.mark.django_db(transaction=True)
def test_catalog_changes_reach_the_index_through_the_outbox(town, owner):
    product = catalog_services.create_product(
        user=owner, shop=town.bakery, title="Rye Bread", status=ProductStatus.PUBLISHED, variants=[{"price": "3.50"}]
    )
    assert titles(q="rye") == ["Rye Bread"]
    catalog_services.update_product(user=owner, product=product, title="Spelt Bread")
    assert titles(q="rye") == [] and titles(q="spelt") == ["Spelt Bread"]
    catalog_services.update_product(user=owner, product=product, status=ProductStatus.DRAFT)
    assert titles(q="spelt") == []
    assert not ProductDocument.objects.filter(product=product).exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_price_or_category_reaches_filters_and_facets_through_the_outbox(town, owner):
    product = catalog_services.create_product(
        user=owner, shop=town.bakery, title="Rye Bread", status=ProductStatus.PUBLISHED, variants=[{"price": "3.50"}]
    )
    assert titles(q="rye", max_price=Decimal("5")) == ["Rye Bread"]
    variant = product.variants.get()
    catalog_services.update_variant(user=owner, variant=variant, price="12.00")
    assert titles(q="rye", max_price=Decimal("5")) == []
    assert titles(q="rye", min_price=Decimal("10"), max_price=Decimal("25")) == ["Rye Bread"]
    document = ProductDocument.objects.get(product=product)
    assert (document.shop_id, document.category_id, document.min_price) == (town.bakery.pk, None, Decimal("12.00"))


def test_a_category_listings_facets_follow_the_index(town, owner, django_capture_on_commit_callbacks):
    """Without words, price or place, the facets count the whole index and are kept: a
    product the index gains shows in the very next listing's counts."""
    before = {facet.value: facet.count for facet in search(category="food-bakery").categories}
    assert before["food-bakery"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.create_product(
            user=owner, shop=town.bakery, title="Rye Bread", status=ProductStatus.PUBLISHED,
            category_path="Food > Bakery", variants=[{"price": "3.50"}],
        )
    after = {facet.value: facet.count for facet in search(category="food-bakery").categories}
    assert after == {**before, "food-bakery": 3}


def test_a_document_left_behind_by_an_unpublished_product_is_never_shown(town):
    sourdough = town.products["sourdough"]
    Product.objects.filter(pk=sourdough.pk).update(status=ProductStatus.DRAFT)  # its event not delivered yet
    assert ProductDocument.objects.filter(product=sourdough).exists()
    assert "Sourdough Loaf" not in titles(q="sourdough") + titles() + titles(sort=Sort.PRICE) + titles(sort=Sort.DISTANCE)


def test_unpublishing_or_closing_the_shop_removes_documents(town):
    sourdough = town.products["sourdough"]
    Product.objects.filter(pk=sourdough.pk).update(status=ProductStatus.ARCHIVED)
    index_products([sourdough.pk])
    assert not ProductDocument.objects.filter(product=sourdough).exists()
    type(town.bakery).objects.filter(pk=town.bakery.pk).update(is_active=False)
    index_products(Product.objects.filter(shop=town.bakery).values_list("pk", flat=True))
    assert titles(q="boulangerie") == []


def test_indexing_twice_changes_nothing(town):
    before = list(ProductDocument.objects.order_by("pk").values_list("pk", "title", "body"))
    index_products(Product.objects.values_list("pk", flat=True))
    assert list(ProductDocument.objects.order_by("pk").values_list("pk", "title", "body")) == before


def test_rebuild_command_indexes_products_written_behind_its_back(town):
    hidden = make_product(town.books, "Poetry Anthology")  # factories bypass the outbox
    assert titles(q="poetry") == []
    call_command("rebuild_search_index")
    assert titles(q="poetry") == ["Poetry Anthology"]
    assert ProductDocument.objects.count() == 8  # the draft stays out
    assert hidden.pk in set(ProductDocument.objects.values_list("pk", flat=True))


def test_new_location_far_away_does_not_pull_products_near(town):
    make_location(town.hardware, PARIS, name="Paris depot")
    assert set(titles(distance_km=2)) == {"Sourdough Loaf", "Butter Croissant", "Dark Chocolate Bar", "The Bread Book", "A Quiet Novel"}
