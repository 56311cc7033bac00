import csv
import io
from decimal import Decimal

import pytest

from plaza.catalog import selectors, services, shopify
from plaza.catalog.models import ImportJob, ImportStatus, Product, ProductImage, Variant
from plaza.inventory.models import MovementReason, Stock, StockMovement
from tests.catalog.conftest import csv_upload
from tests.factories import LocationFactory, MembershipFactory, ShopFactory, StockFactory

pytestmark = pytest.mark.django_db

# The test client's host: exported files name uploaded images by absolute URL.
BASE = "http://testserver"


def sample_rows(sample_csv: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample_csv.decode())))


def to_csv(rows: list[dict[str, str]], columns=shopify.COLUMNS) -> bytes:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode()


def job_status(client, shop, job_id) -> dict:
    response = client.get(f"/api/v1/catalog/shops/{shop.slug}/imports/{job_id}")
    assert response.status_code == 200
    return response.json()


def test_sample_file_imports_three_products(shop, owner, location, sample_csv, upload_csv, token_client_for):
    response = upload_csv(owner, shop, sample_csv)

    assert response.status_code == 202
    job = job_status(token_client_for(owner), shop, response.json()["job_id"])
    assert (job["status"], job["progress_percent"], job["total_products"], job["processed_products"]) == ("done", 100, 3, 3)
    assert (job["created_count"], job["updated_count"], job["failed_count"], job["errors"]) == (3, 0, 0, [])
    # The jeans' compare-at price (64.95) is below their price (95): left out, with a warning per row.
    assert [(w["line"], w["field"]) for w in job["warnings"]] == [(line, "Variant Compare At Price") for line in (14, 15, 16)]

    shirt = Product.objects.get(shop=shop, handle="example-shirt")
    assert (shirt.title, shirt.status, shirt.vendor, shirt.product_type) == ("Example T-Shirt", "published", "Acme", "Shirts")
    assert shirt.option_names == ["Color", "Size"]
    assert shirt.variants.count() == 12
    assert shirt.images.count() == 6
    assert shirt.category.full_path == "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts"
    assert shirt.category.parent.parent.name == "Clothing"
    assert sorted(shirt.tags.values_list("name", flat=True)) == ["Made to Order", "Shirt Tag"]
    assert shirt.seo_title == "Example T-Shirt | Test Store"
    gray_small = shirt.variants.get(option1="Gray", option2="S")
    assert (gray_small.sku, gray_small.barcode, gray_small.price) == ("SRT_COT_311", "363131220054", Decimal("25.00"))
    assert gray_small.image.source_url == "https://burst.shopifycdn.com/photos/grey-t-shirt.jpg?width=1500"

    jeans = Product.objects.get(shop=shop, handle="example-pants")
    assert jeans.status == "draft"
    assert [v.option1 for v in jeans.variants.all()] == ["28", "30", "40"]
    assert [v.grams for v in jeans.variants.all()] == [227, 283, 397]
    assert [i.alt_text for i in jeans.images.all()][-1] == "Large tapered stone wash jeans"
    assert jeans.min_price == Decimal("95.00")
    stock = Stock.objects.get(variant__sku="PNT_DEN_285", location=location)
    assert stock.quantity == 20
    assert stock.movements.get().reason == MovementReason.IMPORT

    beanie = Product.objects.get(shop=shop, handle="example-hat")
    assert (beanie.status, beanie.option_names) == ("archived", [])
    only = beanie.variants.get()
    assert (only.title, only.price, only.compare_at_price) == ("Default", Decimal("17.99"), Decimal("22.99"))


def test_broken_rows_fail_their_product_only_with_line_numbers(shop, owner, location, sample_csv, upload_csv):
    rows = sample_rows(sample_csv)
    rows[4]["Variant Price"] = "twenty"  # line 6: a shirt variant
    rows[13]["Variant Inventory Qty"] = "-3"  # line 15: a jeans variant
    rows[16]["Option2 Value"] = "Large"  # line 18: the beanie has no second option

    response = upload_csv(owner, shop, to_csv(rows))

    job = ImportJob.objects.get(pk=response.json()["job_id"])
    assert (job.status, job.created_count, job.failed_count) == (ImportStatus.DONE, 0, 3)
    assert [(e["line"], e["handle"], e["field"]) for e in job.errors] == [
        (6, "example-shirt", "Variant Price"),
        (15, "example-pants", "Variant Inventory Qty"),
        (18, "example-hat", "Option2 Value"),
    ]
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_a_bad_product_does_not_stop_the_good_ones(shop, owner, location, sample_csv, upload_csv):
    rows = sample_rows(sample_csv)
    rows[2]["Option2 Value"] = "M"  # line 4 repeats Green / M from line 3
    response = upload_csv(owner, shop, to_csv(rows))

    job = ImportJob.objects.get(pk=response.json()["job_id"])
    assert (job.created_count, job.failed_count) == (2, 1)
    assert [(e["line"], e["field"]) for e in job.errors] == [(4, "Option1 Value")]
    assert set(Product.objects.values_list("handle", flat=True)) == {"example-pants", "example-hat"}
    assert not Stock.objects.filter(variant__sku__startswith="SRT").exists()


def test_a_failed_update_leaves_the_product_as_it_was(shop, owner, location, sample_csv, upload_csv):
    upload_csv(owner, shop, sample_csv)
    rows = sample_rows(sample_csv)
    rows[0]["Title"] = "Renamed shirt"
    rows[11]["Variant Price"] = "12.345"  # line 13: three decimals
    response = upload_csv(owner, shop, to_csv(rows))

    job = ImportJob.objects.get(pk=response.json()["job_id"])
    assert [(e["line"], e["field"]) for e in job.errors] == [(13, "Variant Price")]
    assert Product.objects.get(handle="example-shirt").title == "Example T-Shirt"
    assert job.updated_count == 2


def test_importing_the_same_file_twice_updates_without_duplicates(shop, owner, location, sample_csv, upload_csv):
    upload_csv(owner, shop, sample_csv)
    before = catalog_snapshot(shop)
    movements = StockMovement.objects.count()

    second = upload_csv(owner, shop, sample_csv)

    job = ImportJob.objects.get(pk=second.json()["job_id"])
    assert (job.created_count, job.updated_count, job.failed_count) == (0, 3, 0)
    assert catalog_snapshot(shop) == before
    assert (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count()) == (3, 16, 11)
    assert StockMovement.objects.count() == movements


def test_reimport_follows_changes_in_the_file(shop, owner, location, sample_csv, upload_csv):
    upload_csv(owner, shop, sample_csv)
    shirt_ids = set(Variant.objects.filter(product__handle="example-shirt").values_list("pk", flat=True))
    rows = [row for row in sample_rows(sample_csv) if row["Variant SKU"] != "SRT_COT_433"]
    rows[1]["Variant Price"] = "19.50"
    rows[1]["Variant Inventory Qty"] = "7"

    upload_csv(owner, shop, to_csv(rows))

    shirt = Product.objects.get(handle="example-shirt")
    assert shirt.variants.count() == 11
    assert set(shirt.variants.values_list("pk", flat=True)) < shirt_ids
    green_m = shirt.variants.get(sku="SRT_COT_122")
    assert green_m.price == Decimal("19.50")
    assert shirt.min_price == Decimal("19.50")
    assert Stock.objects.get(variant=green_m, location=location).quantity == 7


def test_older_export_without_category_and_status_columns(shop, owner, location, sample_csv, upload_csv):
    columns = [c for c in shopify.COLUMNS if c not in ("Product Category", "Status") and "/ United States" not in c]
    response = upload_csv(owner, shop, to_csv(sample_rows(sample_csv), columns=columns))

    assert ImportJob.objects.get(pk=response.json()["job_id"]).created_count == 3
    assert dict(Product.objects.values_list("handle", "status")) == {
        "example-shirt": "published",
        "example-pants": "draft",
        "example-hat": "draft",
    }
    assert not Product.objects.filter(category__isnull=False).exists()


def test_upload_with_a_byte_order_mark_is_accepted(shop, owner, location, sample_csv, upload_csv):
    response = upload_csv(owner, shop, b"\xef\xbb\xbf" + sample_csv)
    assert response.status_code == 202
    assert Product.objects.count() == 3


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Handle,Title,Variant Price\r\nmug,Mug,4\r\n", "Option1 Name"),
        ("Handle,Title,Option1 Name,Option1 Value,Variant Price\r\ncafé,Café,,,4\r\n".encode("latin-1"), "UTF-8"),
        (b"", "empty"),
        (b"Handle,Title,Option1 Name,Option1 Value,Variant Price\r\n", "no products"),
        (b'Handle,Title,Option1 Name,Option1 Value,Variant Price\r\nmug,"Mug,,,4\r\n', "cannot be read"),
    ],
)
def test_unreadable_files_are_refused_and_no_job_is_created(shop, owner, upload_csv, data, message):
    response = upload_csv(owner, shop, data)

    assert response.status_code == 422
    assert message in " ".join(response.json()["error"]["fields"]["file"])
    assert not ImportJob.objects.exists()


def test_oversized_file_is_refused(shop, owner, sample_csv, upload_csv, settings):
    settings.PLAZA_MAX_CSV_BYTES = 1000
    response = upload_csv(owner, shop, sample_csv)
    assert response.status_code == 422
    assert "file" in response.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


def test_staff_cannot_import(shop, staff, sample_csv, upload_csv):
    assert upload_csv(staff, shop, sample_csv).status_code == 403
    assert not ImportJob.objects.exists()


def test_import_status_of_another_shop_is_hidden(shop, owner, location, sample_csv, upload_csv, token_client_for):
    job_id = upload_csv(owner, shop, sample_csv).json()["job_id"]
    other = MembershipFactory().user
    MembershipFactory(user=other, shop=ShopFactory())
    own_shop = other.shop_memberships.first().shop
    response = token_client_for(other).get(f"/api/v1/catalog/shops/{own_shop.slug}/imports/{job_id}")
    assert response.status_code == 404
    assert token_client_for(other).get(f"/api/v1/catalog/shops/{shop.slug}/imports/{job_id}").status_code == 403


def test_stock_goes_to_the_chosen_location(shop, owner, location, sample_csv, upload_csv):
    backroom = LocationFactory(shop=shop)
    upload_csv(owner, shop, sample_csv, location_id=backroom.pk)
    assert Stock.objects.get(variant__sku="HAT_GRY_275").location == backroom
    assert not Stock.objects.filter(location=location).exists()


def test_a_location_of_another_shop_is_refused(shop, owner, sample_csv, upload_csv):
    response = upload_csv(owner, shop, sample_csv, location_id=LocationFactory().pk)
    assert response.status_code == 422
    assert "location_id" in response.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


def test_without_a_location_stock_is_skipped_with_a_warning(shop, owner, sample_csv, upload_csv):
    job = ImportJob.objects.get(pk=upload_csv(owner, shop, sample_csv).json()["job_id"])
    assert job.created_count == 3
    assert any(w["field"] == "Variant Inventory Qty" and w["line"] is None for w in job.warnings)
    assert not Stock.objects.exists()


def test_stock_reserved_by_orders_is_not_counted_below_the_reservations(shop, owner, location, sample_csv, upload_csv):
    upload_csv(owner, shop, sample_csv)
    Stock.objects.filter(variant__sku="HAT_GRY_275").update(quantity=50, reserved=40)
    rows = sample_rows(sample_csv)
    rows[16]["Variant Inventory Qty"] = "5"
    job_id = upload_csv(owner, shop, to_csv(rows)).json()["job_id"]
    errors = ImportJob.objects.get(pk=job_id).errors
    assert [(e["line"], e["field"]) for e in errors] == [(18, "Variant Inventory Qty")]
    assert Stock.objects.get(variant__sku="HAT_GRY_275").quantity == 50


# --- export and round trip ----------------------------------------------------------


def catalog_snapshot(shop) -> list[dict]:
    """Everything a shopper or merchant sees of a catalog, without ids or shop (no stock row = 0 units)."""
    locations = list(shop.locations.order_by("id"))
    stock = {
        s.variant_id: s.quantity for s in Stock.objects.filter(location=locations[0])
    } if locations else {}
    snapshot = []
    for product in Product.objects.filter(shop=shop).order_by("handle"):
        snapshot.append(
            {
                "fields": (
                    product.handle, product.title, product.description_html, product.vendor, product.product_type,
                    product.status, product.seo_title, product.seo_description, str(product.min_price),
                ),
                "category": product.category.full_path if product.category else None,
                "tags": sorted(product.tags.values_list("name", flat=True)),
                "options": product.option_names,
                "images": [(selectors.image_url(i, base_url=BASE), i.alt_text, i.position) for i in product.images.all()],
                "variants": [
                    (
                        v.option1, v.option2, v.option3, v.sku, str(v.price), str(v.compare_at_price), v.barcode,
                        v.grams, v.requires_shipping, v.taxable, v.position,
                        selectors.image_url(v.image, base_url=BASE) if v.image else None, stock.get(v.pk, 0),
                    )
                    for v in product.variants.all()
                ],
            }
        )
    return snapshot


def test_export_has_the_shopify_header_and_layout(shop, owner, location, sample_csv, upload_csv, token_client_for):
    upload_csv(owner, shop, sample_csv)
    response = token_client_for(owner).get(f"/api/v1/catalog/shops/{shop.slug}/export")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == shopify.COLUMNS and len(shopify.COLUMNS) == 48
    assert all(len(row) == 48 for row in rows)
    handles = [row[0] for row in rows[1:]]
    assert handles.count("example-shirt") == 12 and handles.count("example-pants") == 4
    hat = next(row for row in rows if row[0] == "example-hat")
    assert (hat[8], hat[9], hat[47]) == ("Title", "Default Title", "archived")


def test_an_export_reimported_into_another_shop_is_the_same_catalog(
    shop, owner, location, sample_csv, upload_csv, token_client_for, png_upload
):
    upload_csv(owner, shop, sample_csv)
    handmade = services.create_product(
        user=owner, shop=shop, title="Handmade mug", description_html="<p>Stoneware</p>", tags=["Kitchen"],
        category_path="Home > Kitchen", status="published", option_names=["Glaze"],
        variants=[{"options": ["Blue"], "price": "18.00", "sku": "MUG-B", "compare_at_price": "20.00", "grams": 350},
                  {"options": ["Sand"], "price": "16.50", "taxable": False}],
    )
    services.add_image(user=owner, product=handmade, upload=png_upload(), alt_text="A blue mug")
    StockFactory(variant=handmade.variants.get(sku="MUG-B"), location=location, quantity=4)

    exported = token_client_for(owner).get(f"/api/v1/catalog/shops/{shop.slug}/export").content
    stock_rows = set(Stock.objects.filter(location=location).values_list("variant__sku", "quantity", "low_stock_threshold"))

    other = ShopFactory()
    other_owner = MembershipFactory(shop=other).user
    LocationFactory(shop=other)
    response = upload_csv(other_owner, other, exported)

    job = ImportJob.objects.get(pk=response.json()["job_id"])
    assert (job.created_count, job.failed_count, job.errors) == (4, 0, [])
    assert catalog_snapshot(other) == catalog_snapshot(shop)
    assert len(catalog_snapshot(other)) == 4

    assert Stock.objects.filter(location__shop=other).count() == len(stock_rows), "an item not stocked stays so"

    again = upload_csv(owner, shop, exported)
    assert ImportJob.objects.get(pk=again.json()["job_id"]).updated_count == 4
    assert ProductImage.objects.filter(product=handmade).count() == 1
    assert set(Stock.objects.filter(location=location).values_list("variant__sku", "quantity", "low_stock_threshold")) == stock_rows


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_create_each_product_once(shop, owner, location, sample_csv, settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    jobs = [services.create_import_job(user=owner, shop=shop, upload=csv_upload(sample_csv)) for _ in range(2)]

    def run(job_id: int) -> None:
        try:
            services.run_import_job(job_id)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(run, [job.pk for job in jobs]))

    assert (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count()) == (3, 16, 11)
    finished = ImportJob.objects.filter(pk__in=[job.pk for job in jobs])
    assert sum(job.created_count for job in finished) == 3
    assert all(job.processed_products == 3 and job.status == ImportStatus.DONE for job in finished)
