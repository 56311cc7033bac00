from decimal import Decimal

import pytest

from plaza.catalog.models import Category, Product, Variant
from plaza.core.models import OutboxEvent
from tests.factories import MembershipFactory, ProductFactory, ShopFactory, VariantFactory

pytestmark = pytest.mark.django_db

SHIRT = {
    "title": "Linen shirt",
    "description_html": '<p>Soft <b>linen</b>.</p><script>alert(1)</script><img src=x onerror="alert(2)">',
    "vendor": "Atelier",
    "tags": ["Summer", " linen ", "summer"],
    "category_path": "Apparel > Shirts",
    "status": "published",
    "option_names": ["Size", "Colour"],
    "variants": [
        {"options": {"Size": "M", "Colour": "White"}, "price": "39.90", "sku": "LIN-M-W"},
        {"options": {"Size": "L", "Colour": "White"}, "price": "34.50", "compare_at_price": "49.00", "sku": "LIN-L-W"},
    ],
}


def products_url(shop) -> str:
    return f"/api/v1/catalog/shops/{shop.slug}/products"


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch_json(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_owner_creates_a_product_with_variants(shop, owner, token_client_for):
    response = post_json(token_client_for(owner), products_url(shop), SHIRT)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["handle"] == "linen-shirt"
    assert body["description_html"] == "<p>Soft <b>linen</b>.</p>"
    assert sorted(body["tags"]) == ["Summer", "linen"]
    assert body["category"]["full_path"] == "Apparel > Shirts"
    assert Category.objects.get(full_path="Apparel").children.get().name == "Shirts"
    assert body["option_names"] == ["Size", "Colour"]
    assert [(v["options"], v["price"], v["currency"]) for v in body["variants"]] == [
        (["M", "White"], "39.90", "EUR"),
        (["L", "White"], "34.50", "EUR"),
    ]
    assert body["min_price"] == "34.50"
    topics = list(OutboxEvent.objects.values_list("topic", flat=True))
    assert topics == ["product.created", "product.published"]


def test_public_list_shows_only_published_products_with_filters(shop, owner, token_client_for, client):
    post_json(token_client_for(owner), products_url(shop), SHIRT)
    post_json(token_client_for(owner), products_url(shop), {"title": "Secret draft"})
    other = ProductFactory(title="Elsewhere", min_price=Decimal("5.00"))
    VariantFactory(product=other, price=Decimal("5.00"))

    everything = client.get("/api/v1/catalog/products").json()
    assert {item["title"] for item in everything["items"]} == {"Linen shirt", "Elsewhere"}

    by_shop = client.get("/api/v1/catalog/products", {"shop": shop.slug}).json()
    assert [item["title"] for item in by_shop["items"]] == ["Linen shirt"]
    assert by_shop["items"][0]["min_price"] == "34.50"

    apparel = Category.objects.get(full_path="Apparel")
    by_parent_category = client.get("/api/v1/catalog/products", {"category": apparel.slug}).json()
    assert [item["title"] for item in by_parent_category["items"]] == ["Linen shirt"]
    assert client.get("/api/v1/catalog/products", {"tag": "SUMMER"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/products", {"min_price": "10"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/products", {"category": "no-such"}).json()["count"] == 0

    page = client.get("/api/v1/catalog/products", {"limit": 1, "offset": 1}).json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert client.get("/api/v1/catalog/products", {"limit": 10_000}).status_code == 422


def test_public_detail_hides_drafts(shop, owner, token_client_for, client):
    draft = post_json(token_client_for(owner), products_url(shop), {"title": "Draft"}).json()
    assert client.get(f"/api/v1/catalog/products/{draft['id']}").status_code == 404
    assert client.get("/api/v1/catalog/products/99999999999999999999999").status_code in (404, 422)
    published = post_json(token_client_for(owner), products_url(shop), SHIRT).json()
    detail = client.get(f"/api/v1/catalog/products/{published['id']}")
    assert detail.status_code == 200
    assert detail.json()["variants"][0]["title"] == "M / White"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"variants": [{"options": {"Size": "M", "Colour": "White"}, "price": "-1"}]}, "variants.0.price"),
        ({"variants": [{"options": {"Size": "M", "Colour": "White"}, "price": "1.999"}]}, "variants.0.price"),
        (
            {"variants": [{"options": {"Size": "M", "Colour": "Red"}, "price": "20", "compare_at_price": "10"}]},
            "variants.0.compare_at_price",
        ),
        (
            {
                "variants": [
                    {"options": {"Size": "M", "Colour": "Red"}, "price": "20"},
                    {"options": {"size": "M", "colour": "Red"}, "price": "21"},
                ]
            },
            "variants.1.options",
        ),
        ({"variants": [{"options": {"Size": "M", "Shape": "Round"}, "price": "20"}]}, "variants.0.options"),
        ({"option_names": ["A", "B", "C", "D"], "variants": []}, "option_names"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"handle": "not a slug!"}, "handle"),
        ({"tags": ["ok", "x" * 81]}, "tags"),
        ({"tags": [f"tag{n}" for n in range(51)]}, "tags"),
        ({"category_path": "Apparel >  > Shirts"}, "category_path"),
        ({"status": "published", "variants": []}, "status"),
    ],
)
def test_invalid_product_is_refused_with_the_field_and_nothing_written(shop, owner, token_client_for, change, field):
    response = post_json(token_client_for(owner), products_url(shop), {**SHIRT, **change})

    assert response.status_code == 422, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Product.objects.exists()
    assert not Variant.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_duplicate_handle_and_sku_in_the_same_shop_are_refused(shop, owner, token_client_for):
    client = token_client_for(owner)
    post_json(client, products_url(shop), SHIRT)
    again = post_json(client, products_url(shop), {**SHIRT, "handle": "linen-shirt"})
    assert again.status_code == 422
    assert "handle" in again.json()["error"]["fields"]
    same_sku = post_json(
        client, products_url(shop), {**SHIRT, "variants": [{"options": {"Size": "S", "Colour": "Blue"}, "price": "1", "sku": "LIN-M-W"}]}
    )
    assert "variants.0.sku" in same_sku.json()["error"]["fields"]
    assert Product.objects.count() == 1


def test_handle_is_derived_and_kept_unique(shop, owner, token_client_for):
    client = token_client_for(owner)
    first = post_json(client, products_url(shop), {"title": "Café crème"}).json()
    second = post_json(client, products_url(shop), {"title": "Café crème"}).json()
    assert (first["handle"], second["handle"]) == ("cafe-creme", "cafe-creme-2")


@pytest.mark.parametrize("role", ["staff", "stranger"])
def test_only_owners_write_the_catalog(shop, owner, staff, stranger, token_client_for, role):
    product = ProductFactory(shop=shop, title="Mug")
    variant = VariantFactory(product=product)
    client = token_client_for(staff if role == "staff" else stranger)
    base = f"{products_url(shop)}/{product.pk}"

    assert post_json(client, products_url(shop), SHIRT).status_code == 403
    assert patch_json(client, base, {"title": "Hacked"}).status_code == 403
    assert client.delete(base).status_code == 403
    assert post_json(client, f"{base}/variants", {"price": "1"}).status_code == 403
    assert patch_json(client, f"{base}/variants/{variant.pk}", {"price": "0"}).status_code == 403
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.title, variant.price) == ("Mug", Decimal("10.00"))
    listing = client.get(products_url(shop))
    assert listing.status_code == (200 if role == "staff" else 403)


def test_anonymous_writes_are_unauthorized(shop, client):
    assert post_json(client, products_url(shop), SHIRT).status_code == 401


def test_a_product_of_another_shop_is_not_found(shop, owner, token_client_for):
    mine = ShopFactory()
    MembershipFactory(shop=mine, user=owner)
    theirs = ProductFactory(shop=shop)
    response = patch_json(token_client_for(owner), f"{products_url(mine)}/{theirs.pk}", {"title": "Mine now"})
    assert response.status_code == 404


def test_update_fields_and_variants_keep_min_price(shop, owner, token_client_for):
    client = token_client_for(owner)
    product = post_json(client, products_url(shop), SHIRT).json()
    base = f"{products_url(shop)}/{product['id']}"

    renamed = patch_json(client, base, {"title": "Linen shirt II", "tags": []})
    assert renamed.status_code == 200
    assert (renamed.json()["title"], renamed.json()["tags"], renamed.json()["vendor"]) == ("Linen shirt II", [], "Atelier")

    added = post_json(client, f"{base}/variants", {"options": {"Size": "S", "Colour": "Red"}, "price": "12.00"})
    assert added.status_code == 201
    assert client.get(base).json()["min_price"] == "12.00"

    duplicate = post_json(client, f"{base}/variants", {"options": {"Size": "S", "Colour": "Red"}, "price": "13.00"})
    assert duplicate.status_code == 422
    assert "options" in duplicate.json()["error"]["fields"]

    cheaper = patch_json(client, f"{base}/variants/{added.json()['id']}", {"price": "9.99"})
    assert cheaper.json()["price"] == "9.99"
    assert client.delete(f"{base}/variants/{added.json()['id']}").status_code == 204
    assert client.get(base).json()["min_price"] == "34.50"

    fewer_options = patch_json(client, base, {"option_names": ["Size"]})
    assert fewer_options.status_code == 422


def test_last_variant_of_a_published_product_stays(shop, owner, token_client_for):
    client = token_client_for(owner)
    product = post_json(
        client, products_url(shop), {"title": "Tea", "status": "published", "variants": [{"price": "4.00"}]}
    ).json()
    variant_id = product["variants"][0]["id"]
    response = client.delete(f"{products_url(shop)}/{product['id']}/variants/{variant_id}")
    assert response.status_code == 409
    assert Variant.objects.filter(pk=variant_id).exists()


def test_publishing_is_announced_once(shop, owner, token_client_for):
    client = token_client_for(owner)
    product = post_json(client, products_url(shop), {"title": "Tea", "variants": [{"price": "4.00"}]}).json()
    base = f"{products_url(shop)}/{product['id']}"
    patch_json(client, base, {"status": "published"})
    patch_json(client, base, {"vendor": "Leaves & co"})
    topics = list(OutboxEvent.objects.values_list("topic", flat=True))
    assert topics == ["product.created", "product.updated", "product.published", "product.updated"]


def test_delete_product(shop, owner, token_client_for):
    client = token_client_for(owner)
    product = post_json(client, products_url(shop), SHIRT).json()
    assert client.delete(f"{products_url(shop)}/{product['id']}").status_code == 204
    assert not Product.objects.exists()
    assert OutboxEvent.objects.last().topic == "product.deleted"


def test_categories_are_listed(shop, owner, token_client_for, client):
    post_json(token_client_for(owner), products_url(shop), SHIRT)
    listed = client.get("/api/v1/catalog/categories").json()
    assert [category["full_path"] for category in listed["items"]] == ["Apparel", "Apparel > Shirts"]


def test_merchant_list_filters_by_status_and_search(shop, owner, staff, token_client_for):
    post_json(token_client_for(owner), products_url(shop), SHIRT)
    post_json(token_client_for(owner), products_url(shop), {"title": "Wool socks"})
    client = token_client_for(staff)
    assert client.get(products_url(shop), {"status": "draft"}).json()["items"][0]["title"] == "Wool socks"
    assert client.get(products_url(shop), {"q": "LIN-L-W"}).json()["items"][0]["title"] == "Linen shirt"
    assert client.get(products_url(shop), {"q": "linen"}).json()["count"] == 1


def test_hostile_inputs_get_4xx_not_500(shop, owner, token_client_for):
    client = token_client_for(owner)
    assert client.get("/api/v1/catalog/products", {"shop": "a\x00b"}).status_code == 422
    assert client.get(f"/api/v1/catalog/shops/{shop.slug}/products/{2**70}").status_code in (404, 422)
    assert client.get("/api/v1/catalog/shops/%00/products").status_code == 404
    weird = post_json(client, products_url(shop), {"title": "nul\x00", "variants": [{"price": "1e999999"}]})
    assert weird.status_code == 422
    huge = post_json(client, products_url(shop), {"title": "Big", "variants": [{"price": "1", "grams": 10**30, "image_id": 10**30}]})
    assert huge.status_code == 422
    assert not Product.objects.exists()
