"""A merchant imports Shopify's sample CSV and watches the progress bar fill up."""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from plaza.catalog.models import ImportJob, ImportStatus
from plaza.catalog.services import run_import_job
from tests.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.browser

SAMPLE_CSV = Path("/work/shared/data/shopify/product_template.csv")


def test_merchant_imports_the_sample_csv_and_sees_the_products(live_url, page, settings):
    # The job waits in the queue until the test runs it, as a worker would: the page must
    # show it waiting, then pick up the finished report by polling.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    membership = MembershipFactory()
    shop = membership.shop
    LocationFactory(shop=shop, name="Main street")
    client = Client()
    client.force_login(membership.user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}])

    page.goto(f"{live_url}/merchant/{shop.slug}/catalog/")
    page.get_by_role("link", name="Import a Shopify CSV").first.click()
    expect(page.get_by_role("heading", name="Import a Shopify product CSV")).to_be_visible()
    page.get_by_label("Shopify product CSV").set_input_files(SAMPLE_CSV)
    expect(page.get_by_label("Put stock quantities at")).to_have_value(str(shop.locations.get().pk))
    page.get_by_role("button", name="Upload and import").click()

    progress = page.get_by_role("progressbar", name="Import progress")
    expect(progress).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text("Waiting to start…")).to_be_visible()

    job = ImportJob.objects.get(shop=shop)
    run_import_job(job.pk)

    expect(page.get_by_text("Import finished")).to_be_visible(timeout=10_000)
    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("3 created")).to_be_visible()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE

    page.get_by_role("link", name="See the products").click()
    expect(page).to_have_url(re.compile(rf"/merchant/{shop.slug}/catalog/$"))
    rows = page.get_by_role("list", name="Products").get_by_role("listitem")
    expect(rows).to_have_count(3)
    for title in ("Example T-Shirt", "Example Jeans", "Example Beanie"):
        expect(page.get_by_role("link", name=title)).to_be_visible()
