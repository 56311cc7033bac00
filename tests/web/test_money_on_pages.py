"""Every page and e-mail that shows money writes it the same way, whatever the currency."""

import html as html_entities
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from plaza.catalog.models import ProductStatus
from plaza.orders import services
from plaza.orders.models import OrderStatus
from plaza.payments.models import PaymentStatus
from plaza.shops.models import StaffRole
from tests.factories import LocationFactory, ProductFactory, ShopFactory, StockFactory, UserFactory, VariantFactory
from tests.orders.factories import OrderFactory, add_line, member, pay

pytestmark = pytest.mark.django_db

# What a shopper reads for each amount of the scenario below, in a shop of each currency.
EXPECTED = {
    "EUR": {"unit": "€1,250.00", "total": "€2,500.00", "fee": "€4.90", "tax": "€416.67", "refund": "€5.00",
            "refund_line": "−€5.00", "refundable": "€2,495.00"},
    "GBP": {"unit": "£1,250.00", "total": "£2,500.00", "fee": "£4.90", "tax": "£416.67", "refund": "£5.00",
            "refund_line": "−£5.00", "refundable": "£2,495.00"},
    "CHF": {"unit": "1,250.00 CHF", "total": "2,500.00 CHF", "fee": "4.90 CHF", "tax": "416.67 CHF",
            "refund": "5.00 CHF", "refund_line": "−5.00 CHF", "refundable": "2,495.00 CHF"},
}


def visible_text(page: str) -> str:
    """What a reader sees: no scripts (JSON-LD keeps machine prices), no tags, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_entities.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def assert_shows(text: str, *amounts: str) -> None:
    for amount in amounts:
        assert amount in text, f"{amount!r} missing from: {text[:2000]}"
    # The old formats: digits without a thousands separator, or "25.00 EUR".
    assert "1250.00" not in text and "2500.00" not in text
    assert not re.search(r"\d (EUR|GBP|USD)\b", text)


@pytest.fixture(params=sorted(EXPECTED))
def shop_selling(request, django_capture_on_commit_callbacks):
    """A shop in the currency under test whose shopper bought two of a 1,250.00 item and got 5.00 back."""
    shop = ShopFactory(currency=request.param, tax_rate_percent=Decimal("20.00"))
    location = LocationFactory(shop=shop, delivery_fee=Decimal("4.90"), shipping_enabled=False)
    product = ProductFactory(shop=shop, title="Oak Table", handle="oak-table", min_price=Decimal("1250.00"),
                             status=ProductStatus.PUBLISHED)
    stock = StockFactory(variant=VariantFactory(product=product, option1="Oak", price=Decimal("1250.00")), location=location, quantity=9)
    shopper = UserFactory()
    order = OrderFactory(location=location, currency=shop.currency, customer=shopper, status=OrderStatus.PENDING_PAYMENT)
    add_line(order, quantity=2, stock=stock)
    pay(order, status=PaymentStatus.CAPTURED)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(order, OrderStatus.NEW)  # sends the confirmation e-mail
    order.status = OrderStatus.COMPLETED
    order.save()
    owner = member(shop, StaffRole.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        services.refund(order, actor=owner, amount=Decimal("5.00"))  # sends the refund e-mail
    return shop, product, order, shopper, owner, EXPECTED[shop.currency]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_shopper_pages_show_one_format(shop_selling):
    shop, product, order, shopper, _, amount = shop_selling
    client = logged_in(shopper)

    assert_shows(visible_text(client.get(f"/shops/{shop.slug}/").content.decode()), amount["unit"], amount["fee"])
    product_page = visible_text(client.get(f"/shops/{shop.slug}/products/{product.handle}/").content.decode())
    assert_shows(product_page, amount["unit"], f"Oak — {amount['unit']}")

    client.post("/cart/add/", {"variant_id": product.variants.get().pk, "quantity": 2})
    assert_shows(
        visible_text(client.get("/cart/").content.decode()),
        f"{amount['unit']} each", f"Subtotal {amount['total']}", f"from {amount['fee']}",
    )
    assert_shows(
        visible_text(client.get(f"/cart/checkout/{shop.slug}/").content.decode()),
        f"Subtotal {amount['total']}", f"· {amount['fee']}",
    )

    assert_shows(visible_text(client.get("/orders/").content.decode()), amount["total"])
    for page in (f"/orders/{order.token}/", f"/orders/{order.token}/receipt/"):
        assert_shows(
            visible_text(client.get(page).content.decode()),
            f"{amount['unit']} {amount['total']}",  # unit price, then the line total
            f"Total {amount['total']}", amount["tax"], f"Refunded {amount['refund_line']}",
        )


def test_merchant_pages_show_one_format(shop_selling):
    shop, _, order, _, owner, amount = shop_selling
    client = logged_in(owner)

    assert_shows(visible_text(client.get(f"/merchant/{shop.slug}/catalog/").content.decode()), f"from {amount['unit']}")
    for board in (f"/merchant/{shop.slug}/orders/?show=all", f"/merchant/{shop.slug}/orders/finished/"):
        assert_shows(visible_text(client.get(board).content.decode()), amount["total"], f"(refunded {amount['refund']})")
    assert_shows(
        visible_text(client.get(f"/merchant/{shop.slug}/orders/{order.pk}/").content.decode()),
        f"Paid and captured: {amount['total']} · Refundable: {amount['refundable']}",
        f"Up to {amount['refundable']} can be refunded.",
    )


def test_emails_show_one_format(shop_selling):
    *_, amount = shop_selling
    confirmation, refund = mail.outbox
    for body in (confirmation.body, visible_text(confirmation.alternatives[0][0])):
        assert_shows(body, amount["unit"], amount["total"], amount["tax"])
    assert_shows(refund.body, f"refunded {amount['refund']} on your order")
