"""Orders as checkout leaves them, built straight with the ORM so order tests need no cart."""

from decimal import Decimal

import factory

from plaza.core.money import quantize, tax_included
from plaza.orders.models import FulfilmentMethod, Order, OrderLine, OrderStatus
from plaza.payments.models import Payment, PaymentStatus
from tests.factories import LocationFactory, MembershipFactory, StockFactory, UserFactory

PICKUP_CODE = "482913"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"PLZ-T{n:05d}")
    location = factory.SubFactory(LocationFactory)
    shop = factory.LazyAttribute(lambda order: order.location.shop)
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    customer_name = "Camille Martin"
    status = OrderStatus.NEW
    fulfilment_method = FulfilmentMethod.PICKUP
    pickup_code = PICKUP_CODE
    currency = "EUR"
    payment_provider = "test_card"
    idempotency_scope = "tests"
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")


def add_line(order: Order, *, quantity: int = 1, price: Decimal = Decimal("10.00"), stock=None) -> OrderLine:
    """A line for a variant stocked at the order's location; the order's totals follow."""
    stock = stock or StockFactory(variant__product__shop=order.shop, variant__price=price, location=order.location)
    variant = stock.variant
    line = OrderLine.objects.create(
        order=order,
        variant=variant,
        product_title=variant.product.title,
        variant_title=variant.title,
        sku=variant.sku,
        unit_price=variant.price,
        quantity=quantity,
        line_total=variant.price * quantity,
    )
    order.subtotal = quantize(sum((each.line_total for each in order.lines.all()), Decimal("0")))
    order.total = order.subtotal + order.fulfilment_fee
    order.tax_included = tax_included(order.total, order.shop.tax_rate_percent)
    order.save()
    return line


def pay(order: Order, *, status: str = PaymentStatus.AUTHORIZED, provider: str | None = None) -> Payment:
    captured = order.total if status == PaymentStatus.CAPTURED else Decimal("0.00")
    return Payment.objects.create(
        order=order,
        provider=provider or order.payment_provider,
        status=status,
        currency=order.currency,
        amount=order.total,
        captured_amount=captured,
        reference="tc_test",
    )


def paid_order(*, status: str = OrderStatus.NEW, quantity: int = 2, payment_status=PaymentStatus.AUTHORIZED, **fields):
    order = OrderFactory(status=status, **fields)
    add_line(order, quantity=quantity)
    pay(order, status=payment_status)
    return order


def member(shop, role: str):
    return MembershipFactory(shop=shop, role=role, user=UserFactory()).user
