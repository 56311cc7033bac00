"""Imported Shopify images have only a source URL: pages show a local placeholder instead."""

from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from django.test import Client

from plaza.catalog import services
from plaza.catalog.models import Product
from plaza.search.services import rebuild_index
from tests.catalog.conftest import csv_upload

pytestmark = pytest.mark.django_db

PLACEHOLDER = static("catalog/product-placeholder.svg")


class ImageTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def images_on(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = ImageTags()
    parser.feed(response.content.decode())
    return parser.images


def assert_all_local(images: list[dict]) -> None:
    """Every <img> loads from this site: a path, never another host or an empty source."""
    for image in images:
        assert image["src"].startswith("/") and not image["src"].startswith("//"), image


@pytest.fixture
def shirt(shop, owner, location, sample_csv, django_capture_on_commit_callbacks) -> Product:
    """The sample file's published T-shirt: six images, each known only by its Shopify URL."""
    with django_capture_on_commit_callbacks(execute=True):
        services.create_import_job(user=owner, shop=shop, upload=csv_upload(sample_csv))
    rebuild_index()
    shirt = Product.objects.get(shop=shop, handle="example-shirt")
    assert shirt.images.count() == 6
    assert all(image.source_url.startswith("https://burst.shopifycdn.com/") for image in shirt.images.all())
    return shirt


def placeholders_of(images: list[dict], title: str) -> list[dict]:
    return [image for image in images if image["src"] == PLACEHOLDER and image["alt"] == title]


@pytest.mark.parametrize("page", ["shop", "product", "search"])
def test_shopper_pages_show_the_placeholder_titled_with_the_product(shirt, client, page):
    url = {
        "shop": f"/shops/{shirt.shop.slug}/",
        "product": f"/shops/{shirt.shop.slug}/products/{shirt.handle}/",
        "search": "/search/?q=shirt",
    }[page]
    images = images_on(client, url)
    assert_all_local(images)
    assert len(placeholders_of(images, "Example T-Shirt")) == 1


def test_merchant_catalog_and_product_page_show_placeholders(shirt, owner, client):
    client.force_login(owner)
    listing = images_on(client, f"/merchant/{shirt.shop.slug}/catalog/")
    assert_all_local(listing)
    # The three imported products (published, draft and archived) each get a placeholder.
    assert {image["alt"] for image in listing if image["src"] == PLACEHOLDER} == {
        "Example T-Shirt", "Example Jeans", "Example Beanie",
    }
    edit_url = f"/merchant/{shirt.shop.slug}/catalog/{shirt.pk}/"
    edit_page = images_on(client, edit_url)
    assert_all_local(edit_page)
    assert len(placeholders_of(edit_page, "Example T-Shirt")) == 6
    assert "imported from https://burst.shopifycdn.com/photos/tshirts.jpg" in client.get(edit_url).content.decode()


def test_an_uploaded_image_is_shown_before_imported_ones(shirt, owner, client, png_upload):
    uploaded = services.add_image(user=owner, product=shirt, upload=png_upload(), alt_text="Folded on a shelf")
    assert uploaded.position == 7  # after the six imported images, which still have no file

    card = [image for image in images_on(client, f"/shops/{shirt.shop.slug}/") if image["alt"] == "Folded on a shelf"]
    assert card == [{"src": uploaded.thumbnail.url, "alt": "Folded on a shelf", "width": "200", "height": "200", "loading": "lazy"}]
    gallery = images_on(client, f"/shops/{shirt.shop.slug}/products/{shirt.handle}/")
    assert [image["src"] for image in gallery] == [uploaded.image.url]


def test_the_export_still_names_each_imported_image_by_its_source(shirt, owner, token_client_for):
    exported = token_client_for(owner).get(f"/api/v1/catalog/shops/{shirt.shop.slug}/export").content.decode()
    for image in shirt.images.all():
        assert image.source_url in exported
