import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plaza.catalog.models import ImportJob, Product, ProductImage
from tests.catalog.conftest import csv_upload
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def catalog_url(shop, rest: str = "") -> str:
    return f"/merchant/{shop.slug}/catalog/{rest}"


def variant_rows(*rows: dict, initial: int = 0) -> dict:
    data = {
        "variants-TOTAL_FORMS": str(len(rows)),
        "variants-INITIAL_FORMS": str(initial),
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "250",
    }
    for index, row in enumerate(rows):
        data.update({f"variants-{index}-{name}": value for name, value in row.items()})
    return data


def product_form(**fields) -> dict:
    return {"title": "Enamel mug", "status": "draft", "option1_name": "Colour", **fields}


def test_empty_catalog_invites_to_add_or_import(shop, owner, client):
    client.force_login(owner)
    page = client.get(catalog_url(shop))
    assert page.status_code == 200
    assert b"No products yet." in page.content
    assert catalog_url(shop, "import/").encode() in page.content


def test_list_searches_filters_and_paginates(shop, owner, client):
    for number in range(25):
        ProductFactory(shop=shop, title=f"Candle {number:02d}", status="draft" if number % 2 else "published")
    ProductFactory(shop=shop, title="Soap")
    client.force_login(owner)

    first = client.get(catalog_url(shop))
    assert first.content.count(b'class="card product-row"') == 20
    assert b"Page 1 of 2" in first.content
    assert client.get(catalog_url(shop), {"q": "soap"}).content.count(b'class="card product-row"') == 1
    drafts = client.get(catalog_url(shop), {"status": "draft"})
    assert drafts.content.count(b'class="card product-row"') == 12
    assert b"No products match" in client.get(catalog_url(shop), {"q": "nothing"}).content


def test_staff_see_the_list_but_cannot_edit(shop, staff, client):
    product = ProductFactory(shop=shop)
    client.force_login(staff)
    assert client.get(catalog_url(shop)).status_code == 200
    assert client.get(catalog_url(shop, "new/")).status_code == 403
    assert client.post(catalog_url(shop, "new/"), product_form()).status_code == 403
    assert client.post(catalog_url(shop, f"{product.pk}/delete/")).status_code == 403
    assert client.get(catalog_url(shop, "import/")).status_code == 403
    assert Product.objects.count() == 1


def test_strangers_are_refused_and_guests_sent_to_log_in(shop, stranger, client):
    assert client.get(catalog_url(shop)).status_code == 302
    client.force_login(stranger)
    assert client.get(catalog_url(shop)).status_code == 403


def test_create_a_product_with_variants(shop, owner, client):
    client.force_login(owner)
    response = client.post(
        catalog_url(shop, "new/"),
        {
            **product_form(tags="Kitchen, gifts", category_path="Home > Kitchen", description_html="<p>Hi<script>x</script></p>"),
            **variant_rows(
                {"option1": "Blue", "price": "12.50", "sku": "MUG-B", "requires_shipping": "on", "taxable": "on"},
                {"option1": "Red", "price": "11.00", "requires_shipping": "on", "taxable": "on"},
            ),
        },
    )

    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == catalog_url(shop, f"{product.pk}/")
    assert (product.title, product.description_html, product.category.full_path) == ("Enamel mug", "<p>Hi</p>", "Home > Kitchen")
    assert [(v.option1, str(v.price)) for v in product.variants.all()] == [("Blue", "12.50"), ("Red", "11.00")]
    assert str(product.min_price) == "11.00"


def test_bad_variant_is_shown_next_to_its_field_and_nothing_is_saved(shop, owner, client):
    client.force_login(owner)
    response = client.post(
        catalog_url(shop, "new/"),
        {**product_form(), **variant_rows({"option1": "Blue", "price": "12"}, {"option1": "Red", "price": "-4"})},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_variants-1-price-error"' in html
    assert "Enter an amount of 0 or more." in html
    assert not Product.objects.exists()


def test_edit_renames_changes_a_price_and_removes_a_variant(shop, owner, client):
    product = ProductFactory(shop=shop, title="Mug", option1_name="Colour")
    blue = VariantFactory(product=product, option1="Blue", price="10.00")
    red = VariantFactory(product=product, option1="Red", price="10.00")
    client.force_login(owner)
    page = client.get(catalog_url(shop, f"{product.pk}/"))
    assert page.status_code == 200
    assert b'value="Blue"' in page.content

    response = client.post(
        catalog_url(shop, f"{product.pk}/"),
        {
            **product_form(title="Big mug", status="published"),
            **variant_rows(
                {"id": blue.pk, "option1": "Blue", "price": "14.00", "requires_shipping": "on"},
                {"id": red.pk, "option1": "Red", "price": "10.00", "DELETE": "on"},
                {"option1": "", "price": "", "requires_shipping": "on", "taxable": "on"},
                initial=2,
            ),
        },
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.status, str(product.min_price)) == ("Big mug", "published", "14.00")
    assert list(product.variants.values_list("option1", "taxable")) == [("Blue", False)]


def test_image_upload_page_refuses_a_non_image(shop, owner, client, png_upload):
    product = ProductFactory(shop=shop)
    client.force_login(owner)
    bad = client.post(catalog_url(shop, f"{product.pk}/images/"), {"image": SimpleUploadedFile("x.png", b"nope")})
    assert bad.status_code == 422
    assert b"not a readable image" in bad.content
    good = client.post(catalog_url(shop, f"{product.pk}/images/"), {"image": png_upload(), "alt_text": "Side"})
    assert good.status_code == 302
    assert ProductImage.objects.get().alt_text == "Side"


def test_import_page_queues_the_file_and_reports_progress(
    shop, owner, location, client, sample_csv, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    form = client.get(catalog_url(shop, "import/"))
    assert form.status_code == 200
    assert location.name.encode() in form.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(catalog_url(shop, "import/"), {"file": csv_upload(sample_csv), "location": location.pk})

    job = ImportJob.objects.get()
    assert response["Location"] == catalog_url(shop, f"import/{job.pk}/")
    page = client.get(response["Location"])
    assert b"Import finished" in page.content
    assert b'aria-valuenow="100"' in page.content
    assert b"3 created" in page.content
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in partial.content
    assert b"<html" not in partial.content


def test_a_running_import_keeps_polling(shop, owner, client):
    job = ImportJob.objects.create(shop=shop, created_by=owner, status="running", total_products=4, processed_products=1)
    client.force_login(owner)
    partial = client.get(catalog_url(shop, f"import/{job.pk}/"), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in partial.content
    assert b'aria-valuenow="25"' in partial.content


def test_import_page_refuses_a_file_without_the_required_columns(shop, owner, client):
    client.force_login(owner)
    response = client.post(catalog_url(shop, "import/"), {"file": csv_upload("Handle,Title\nmug,Mug\n")})
    assert response.status_code == 422
    assert b"Required columns are missing" in response.content
    assert not ImportJob.objects.exists()


def test_an_import_of_another_shop_is_not_found(shop, owner, client):
    other_job = ImportJob.objects.create(shop=ProductFactory().shop)
    client.force_login(owner)
    assert client.get(catalog_url(shop, f"import/{other_job.pk}/")).status_code == 404


def test_export_downloads_the_csv(shop, owner, client):
    product = ProductFactory(shop=shop, title="Mug")
    VariantFactory(product=product, option1="", sku="MUG-1")
    client.force_login(owner)
    response = client.get(catalog_url(shop, "export.csv"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["Handle"], row["Variant SKU"]) for row in rows] == [(product.handle, "MUG-1")]
