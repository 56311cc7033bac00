"""Money adds up to the cent, whatever the cart: property tests with hypothesis."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaza.checkout import services
from plaza.checkout.pricing import compute_totals
from plaza.core.errors import InvalidInput
from plaza.payments import services as payments
from tests.checkout.conftest import card, pickup_details
from tests.factories import LocationFactory, ShopFactory, StockFactory, VariantFactory, open_all_week

CENTS = Decimal("0.01")
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
quantities = st.integers(min_value=1, max_value=99)
tax_rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("25"), places=2)
fees = st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2)
carts = st.lists(st.tuples(prices, quantities), min_size=1, max_size=8)
db_examples = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def in_cents(amount: Decimal) -> bool:
    return isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def assert_adds_up(subtotal, fee, tax, total, lines):
    assert subtotal == sum((price * quantity for price, quantity in lines), Decimal("0"))
    assert subtotal + fee == total
    assert Decimal("0") <= tax <= total
    assert all(in_cents(amount) for amount in (subtotal, fee, tax, total))


@given(carts, fees, tax_rates)
def test_totals_add_up(lines, fee, rate):
    totals = compute_totals(lines, fee, rate)
    assert_adds_up(totals.subtotal, totals.fulfilment_fee, totals.tax_included, totals.total, lines)


@pytest.mark.django_db
@db_examples
@given(carts, fees, tax_rates)
def test_placed_orders_add_up_once_stored(lines, fee, rate):
    with transaction.atomic():
        shop = ShopFactory(tax_rate_percent=rate)
        location = open_all_week(LocationFactory(shop=shop, shipping_fee=fee))
        cart = None
        for price, quantity in lines:
            variant = VariantFactory(product__shop=shop, price=price)
            StockFactory(variant=variant, location=location, quantity=99)
            cart = services.add_to_cart(token=cart.token if cart else None, variant_id=variant.pk, quantity=quantity).cart
        details = pickup_details(
            location, fulfilment_method="shipping", address_line="1 Main St", address_city="Lyon", address_postcode="69001"
        )
        order = services.place_order(cart=cart, shop=shop, details=details, idempotency_key="k").order
        order.refresh_from_db()
        assert_adds_up(order.subtotal, order.fulfilment_fee, order.tax_included, order.total, lines)
        assert sum(line.line_total for line in order.lines.all()) == order.subtotal
        assert order.payments.get().amount == order.total
        transaction.set_rollback(True)


@pytest.mark.django_db
@db_examples
@given(price=prices, quantity=quantities, refunds=st.lists(st.decimals(min_value=CENTS, max_value=Decimal("20000"), places=2), max_size=12))
def test_partial_refunds_never_exceed_what_was_captured_and_sum_exactly(price, quantity, refunds):
    with transaction.atomic():
        location = open_all_week(LocationFactory())
        variant = VariantFactory(product__shop=location.shop, price=price)
        StockFactory(variant=variant, location=location, quantity=quantity)
        cart = services.add_to_cart(variant_id=variant.pk, quantity=quantity).cart
        order = services.place_order(
            cart=cart, shop=location.shop, details=pickup_details(location, payment_details=card()), idempotency_key="k"
        ).order
        captured = payments.capture_payment(order).captured_amount
        accepted = []
        for amount in refunds:
            remaining = captured - sum(accepted, Decimal("0"))
            if amount <= remaining:
                payments.refund_payment(order, amount)
                accepted.append(amount)
            else:
                with pytest.raises(InvalidInput):
                    payments.refund_payment(order, amount)
        order.refresh_from_db()
        payment = order.payments.get()
        assert order.refunded_total == payment.refunded_amount == sum(accepted, Decimal("0.00"))
        assert payment.refunded_amount <= payment.captured_amount == order.total
        assert in_cents(order.refunded_total)
        transaction.set_rollback(True)
