import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from plaza.catalog.models import ProductStatus
from plaza.checkout import services
from plaza.checkout.fulfilment import OFFER_GRACE, pickup_slot_error, pickup_slots
from plaza.checkout.models import CartLine
from plaza.core.errors import Conflict, InvalidInput, NotFound, OutOfStock, PaymentDeclined
from plaza.core.models import OutboxEvent
from plaza.inventory.models import Reservation, StockMovement
from plaza.orders.models import Order, OrderStatus
from plaza.payments.models import PaymentStatus
from plaza.shops import services as shops
from plaza.shops.models import HoursException, Shop, StaffRole
from plaza.shops.selectors import local_zone, shop_locations
from tests.checkout.conftest import DECLINED, RETRY_THEN_SUCCEEDS, card, cart_with, counts, make_store, pickup_details
from tests.factories import LocationFactory, MembershipFactory, OpeningHoursFactory, StockFactory, UserFactory, open_all_week

pytestmark = pytest.mark.django_db


def test_paid_pickup_order_takes_the_stock_and_empties_that_shops_cart_lines(store):
    cart = cart_with(store.variant, 2)
    result = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    order = result.order
    assert result.created
    assert order.status == OrderStatus.NEW
    assert order.number.startswith("PLZ-") and len(order.number) == 10
    assert (order.subtotal, order.fulfilment_fee, order.total) == (Decimal("25.00"), Decimal("0.00"), Decimal("25.00"))
    assert order.tax_included == Decimal("4.17")
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (8, 0)
    assert StockMovement.objects.get(order=order).delta == -2
    assert not Reservation.objects.exists()
    assert order.payments.get().status == PaymentStatus.AUTHORIZED
    assert order.payments.get().card_last4 == "4242"
    assert not CartLine.objects.filter(cart=cart).exists()


def test_declined_card_releases_the_reservation_and_keeps_the_failed_order(store):
    cart = cart_with(store.variant, 3)
    with pytest.raises(PaymentDeclined) as declined:
        services.place_order(
            cart=cart, shop=store.shop, details=pickup_details(store.location, number=DECLINED), idempotency_key="k1"
        )
    assert "declined" in declined.value.message
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (10, 0)
    order = store.shop.orders.get()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert CartLine.objects.filter(cart=cart).exists()


def test_stock_events_of_a_declined_checkout_report_what_is_left_after_each_change(
    store, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentDeclined):
        services.place_order(
            cart=cart_with(store.variant, 3),
            shop=store.shop,
            details=pickup_details(store.location, number=DECLINED),
            idempotency_key="k1",
        )
    assert [payload["available"] for topic, payload in pushed if topic == "stock.changed"] == [7, 10]
    # Only product pages hear of stock: no subscriber needs the event kept.
    assert not OutboxEvent.objects.filter(topic="stock.changed").exists()


def test_retry_card_keeps_the_hold_and_succeeds_on_the_second_attempt(store):
    cart = cart_with(store.variant, 2)
    result = services.place_order(
        cart=cart, shop=store.shop, details=pickup_details(store.location, number=RETRY_THEN_SUCCEEDS), idempotency_key="k1"
    )
    order = result.order
    assert order.status == OrderStatus.PENDING_PAYMENT
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (10, 2)
    assert order.payments.get().status == PaymentStatus.PENDING

    paid = services.pay_order(order_token=order.token, payment_details=card(RETRY_THEN_SUCCEEDS))
    assert paid.status == OrderStatus.NEW
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (8, 0)
    payment = paid.payments.get()
    assert payment.status == PaymentStatus.AUTHORIZED
    assert list(payment.transactions.values_list("kind", "success")) == [("authorize", False), ("authorize", True)]
    assert not CartLine.objects.filter(cart=cart).exists()


def test_paying_a_paid_order_again_is_refused(store):
    order = services.place_order(
        cart=cart_with(store.variant), shop=store.shop, details=pickup_details(store.location), idempotency_key="k1"
    ).order
    with pytest.raises(Conflict):
        services.pay_order(order_token=order.token, payment_details=card())
    assert order.payments.get().transactions.count() == 1


def test_a_lapsed_hold_is_released_and_the_order_cancelled(store):
    order = services.place_order(
        cart=cart_with(store.variant, 4), shop=store.shop,
        details=pickup_details(store.location, number=RETRY_THEN_SUCCEEDS), idempotency_key="k1",
    ).order
    assert services.expire_unpaid_orders() == 0
    later = order.payment_due_by + timedelta(seconds=1)
    assert services.expire_unpaid_orders(now=later) == 1
    order.refresh_from_db()
    store.stock.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (store.stock.quantity, store.stock.reserved) == (10, 0)
    assert order.payments.get().status == PaymentStatus.CANCELLED
    assert services.expire_unpaid_orders(now=later) == 0


def test_paying_after_the_hold_lapsed_releases_it_and_says_so(store):
    order = services.place_order(
        cart=cart_with(store.variant, 4), shop=store.shop,
        details=pickup_details(store.location, number=RETRY_THEN_SUCCEEDS), idempotency_key="k1",
    ).order
    with pytest.raises(Conflict) as refused:
        services.pay_order(
            order_token=order.token, payment_details=card(), now=order.payment_due_by + timedelta(minutes=1)
        )
    assert refused.value.code == "payment_expired"
    order.refresh_from_db()
    store.stock.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and store.stock.reserved == 0


def test_a_hold_that_lapses_while_the_card_is_authorized_voids_the_authorization(store, monkeypatch):
    from plaza.payments import services as payments

    authorize = payments.authorize_payment

    def authorize_slowly(payment, details):
        # The hold lapses while the processor thinks: the expiry sweep cancels the order.
        services.expire_unpaid_orders(now=timezone.now() + timedelta(days=1), order_ids=[payment.order_id])
        return authorize(payment, details)

    monkeypatch.setattr(payments, "authorize_payment", authorize_slowly)
    cart = cart_with(store.variant, 3)
    with pytest.raises(Conflict) as refused:
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    assert refused.value.code == "payment_expired"
    order = store.shop.orders.get()
    store.stock.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (store.stock.quantity, store.stock.reserved) == (10, 0)
    payment = order.payments.get()
    assert payment.status == PaymentStatus.CANCELLED
    assert list(payment.transactions.values_list("kind", "success"))[-2:] == [("authorize", True), ("void", True)]
    assert CartLine.objects.filter(cart=cart).exists()


def test_the_expiry_command_releases_lapsed_holds(store):
    order = services.place_order(
        cart=cart_with(store.variant, 1), shop=store.shop,
        details=pickup_details(store.location, number=RETRY_THEN_SUCCEEDS), idempotency_key="k1",
    ).order
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("expire_unpaid_orders", stdout=out)
    assert "1 unpaid order" in out.getvalue()
    store.stock.refresh_from_db()
    assert store.stock.reserved == 0


def test_someone_elses_order_cannot_be_paid(store):
    owner = UserFactory()
    order = services.place_order(
        cart=cart_with(store.variant, 1, user=owner), shop=store.shop, user=owner,
        details=pickup_details(store.location, number=RETRY_THEN_SUCCEEDS), idempotency_key="k1",
    ).order
    for intruder in (None, UserFactory()):
        with pytest.raises(NotFound):
            services.pay_order(order_token=order.token, payment_details=card(), user=intruder)
    with pytest.raises(NotFound):
        services.pay_order(order_token=uuid.uuid4(), payment_details=card(), user=owner)
    assert services.pay_order(order_token=order.token, payment_details=card(), user=owner).status == OrderStatus.NEW


def test_delivery_comes_from_the_nearest_location_in_range_that_has_everything():
    near = make_store(quantity=1)
    shop = near.shop
    far = open_all_week(LocationFactory(shop=shop, latitude=45.80, longitude=4.85, delivery_radius_km=Decimal("10")))
    StockFactory(variant=near.variant, location=far, quantity=5)
    cart = cart_with(near.variant, 3)
    details = pickup_details(
        near.location, fulfilment_method="delivery", address_line="3 Rue Mercière", latitude=45.7630, longitude=4.8330,
    )
    order = services.place_order(cart=cart, shop=shop, details=details, idempotency_key="k1").order
    assert order.location == far
    assert (order.fulfilment_fee, order.total) == (far.delivery_fee, Decimal("37.50") + far.delivery_fee)
    assert (order.address_latitude, order.address_longitude) == (45.7630, 4.8330)


def test_a_delivery_address_out_of_range_is_refused_and_writes_nothing(store):
    cart = cart_with(store.variant, 1)
    before = counts()
    details = pickup_details(store.location, fulfilment_method="delivery", address_line="Paris", latitude=48.8566, longitude=2.3522)
    with pytest.raises(InvalidInput) as refused:
        services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="k1")
    assert "outside the shop's delivery area" in refused.value.fields["address_line"][0]
    assert counts() == before


def test_shipping_needs_a_full_address_and_adds_the_shipping_fee(store):
    cart = cart_with(store.variant, 1)
    with pytest.raises(InvalidInput) as refused:
        services.place_order(
            cart=cart, shop=store.shop, details=pickup_details(store.location, fulfilment_method="shipping"),
            idempotency_key="k1",
        )
    assert set(refused.value.fields) == {"address_line", "address_city", "address_postcode"}
    details = pickup_details(
        store.location, fulfilment_method="shipping", address_line="1 Main St", address_city="Lille", address_postcode="59000"
    )
    order = services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="k2").order
    assert (order.fulfilment_fee, order.total) == (Decimal("6.90"), Decimal("19.40"))


def test_pay_at_pickup_is_only_for_pickup_and_authorizes_at_once(store):
    cart = cart_with(store.variant, 1)
    with pytest.raises(InvalidInput) as refused:
        services.place_order(
            cart=cart, shop=store.shop, idempotency_key="k1",
            details=pickup_details(store.location, provider="pay_at_pickup", fulfilment_method="shipping",
                                   address_line="1 Main St", address_city="Lille", address_postcode="59000"),
        )
    assert "payment_provider" in refused.value.fields
    order = services.place_order(
        cart=cart, shop=store.shop, details=pickup_details(store.location, provider="pay_at_pickup"), idempotency_key="k2"
    ).order
    assert order.status == OrderStatus.NEW
    assert order.payments.get().status == PaymentStatus.AUTHORIZED


def _slot_at(location, days: int, clock: time):
    return datetime.combine(timezone.localdate() + timedelta(days=days), clock, tzinfo=local_zone())


@pytest.mark.parametrize(
    "slot, message",
    [
        (lambda location: timezone.now() - timedelta(hours=1), "passed"),
        (lambda location: timezone.now() + timedelta(minutes=10), "minutes to prepare"),
        (lambda location: _slot_at(location, 1, time(7, 0)), "closed"),
        (lambda location: _slot_at(location, 1, time(12, 5)), "closed"),
        (lambda location: _slot_at(location, 1, time(18, 55)), "closed"),
        (lambda location: _slot_at(location, 8, time(12, 0)), "next 3 days"),
    ],
    ids=["past", "before-preparation", "before-opening", "off-the-quarter", "runs-past-closing", "too-far"],
)
def test_a_pickup_slot_outside_what_the_shop_offers_is_refused(db, slot, message):
    store = make_store()
    store.location.opening_hours.all().delete()
    for weekday in range(7):
        OpeningHoursFactory(location=store.location, weekday=weekday, opens=time(9, 0), closes=time(19, 0))
    tomorrow_noon = _slot_at(store.location, 1, time(12, 0))
    assert tomorrow_noon in pickup_slots(store.location)
    cart = cart_with(store.variant)
    before = counts()
    details = pickup_details(store.location, pickup_slot=slot(store.location))
    with pytest.raises(InvalidInput) as refused:
        services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="k1")
    assert message in refused.value.fields["pickup_slot"][0]
    assert counts() == before


def test_hours_closed_since_the_shops_locations_were_last_read_refuse_the_slot(store):
    """Checkout reads the shop's locations from a cache kept under the shop's version: a
    change through the shop's services must reach the very next checkout."""
    owner = MembershipFactory(shop=store.shop, role=StaffRole.OWNER).user
    details = pickup_details(store.location)
    assert shop_locations(Shop.objects.get(pk=store.shop.pk))[0].opening_hours.all()
    shops.replace_weekly_hours(user=owner, location=store.location, intervals=[])
    cart = cart_with(store.variant)
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        services.place_order(cart=cart, shop=Shop.objects.get(pk=store.shop.pk), details=details, idempotency_key="k1")
    assert "closed" in refused.value.fields["pickup_slot"][0]
    assert counts() == before


def test_a_holiday_has_no_pickup_slots(store):
    tomorrow = timezone.localdate() + timedelta(days=1)
    HoursException.objects.create(location=store.location, date=tomorrow, is_closed=True)
    assert all(slot.date() != tomorrow for slot in pickup_slots(store.location))


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"phone": "1\x002"}, "phone"),
        ({"fulfilment_method": "teleport"}, "fulfilment_method"),
        ({"location_id": 10**9}, "location_id"),
        ({"pickup_slot": None}, "pickup_slot"),
        ({"payment_provider": "bitcoin"}, "payment_provider"),
        ({"payment_details": card("4242424242424241")}, "card_number"),
        ({"payment_details": card("4111111111111111")}, "card_number"),
        ({"payment_details": {**card(), "card_expiry": "01/20"}}, "card_expiry"),
        ({"payment_details": {**card(), "card_expiry": "13/40"}}, "card_expiry"),
        ({"payment_details": {**card(), "card_cvc": "12"}}, "card_cvc"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(store, overrides, field):
    cart = cart_with(store.variant, 2)
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        services.place_order(
            cart=cart, shop=store.shop, details=pickup_details(store.location, **overrides), idempotency_key="k1"
        )
    assert field in refused.value.fields
    assert counts() == before
    store.stock.refresh_from_db()
    assert store.stock.reserved == 0


def test_an_unpublished_item_in_the_cart_blocks_checkout(store):
    cart = cart_with(store.variant, 1)
    store.variant.product.status = ProductStatus.DRAFT
    store.variant.product.save()
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    assert "no longer for sale" in refused.value.fields["lines"][0]
    assert counts() == before


def test_more_than_in_stock_is_out_of_stock_and_writes_nothing(store):
    cart = cart_with(store.variant, 11)
    before = counts()
    with pytest.raises(OutOfStock) as refused:
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    assert "Only 10" in refused.value.message
    assert counts() == before
    store.stock.refresh_from_db()
    assert store.stock.reserved == 0


def test_a_sold_out_item_is_refused_before_anything_is_written(store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = StockFactory(variant__product__shop=store.shop, location=store.location, quantity=0).variant
    cart = cart_with(store.variant, 2)
    CartLine.objects.create(cart=cart, variant=other, quantity=1)
    with CaptureQueriesContext(connection) as statements, pytest.raises(OutOfStock) as refused:
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    assert refused.value.message == f"Only 0 of “{other.product.title}” left at {store.location.name}."
    assert not [statement for statement in statements if statement["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_stock_taken_after_the_cart_was_read_is_still_refused_by_the_reservation(store, monkeypatch):
    from plaza.inventory import services as inventory

    reserve = inventory.reserve

    def reserve_after_another_buyer(order_lines, location, **options):
        # Another buyer takes 9 of the 10 units between the read of the cart and the reservation.
        Stock = type(store.stock)
        Stock.objects.filter(pk=store.stock.pk).update(reserved=9)
        return reserve(order_lines, location, **options)

    monkeypatch.setattr(services, "reserve", reserve_after_another_buyer)
    before = counts()
    with pytest.raises(OutOfStock) as refused:
        services.place_order(
            cart=cart_with(store.variant, 2), shop=store.shop, details=pickup_details(store.location), idempotency_key="k1"
        )
    assert "Only 1 " in refused.value.message
    assert counts() == before


def test_a_cart_of_many_items_is_ordered_in_full(store):
    from plaza.core.compiled import MAX_ROWS_PER_INSERT

    stocks = [
        StockFactory(variant__product__shop=store.shop, location=store.location, quantity=3)
        for _ in range(MAX_ROWS_PER_INSERT + 30)
    ]
    cart = cart_with(store.variant, 1)
    CartLine.objects.bulk_create(CartLine(cart=cart, variant=stock.variant, quantity=2) for stock in stocks)
    order = services.place_order(
        cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1"
    ).order
    assert order.lines.count() == len(stocks) + 1
    assert order.total == sum((line.line_total for line in order.lines.all()), Decimal("0.00"))
    assert {stock.quantity for stock in type(store.stock).objects.filter(pk__in=[s.pk for s in stocks])} == {1}
    assert not Reservation.objects.exists() and not cart.lines.exists()


def test_a_missing_idempotency_key_is_refused(store):
    with pytest.raises(InvalidInput) as refused:
        services.place_order(
            cart=cart_with(store.variant), shop=store.shop, details=pickup_details(store.location), idempotency_key=" "
        )
    assert "idempotency_key" in refused.value.fields


def test_the_first_offered_slot_stays_valid_while_the_shopper_fills_the_form(store):
    drawn_at = timezone.now()
    first = pickup_slots(store.location, now=drawn_at)[0]
    assert pickup_slot_error(store.location, first, now=drawn_at + OFFER_GRACE - timedelta(minutes=1)) == ""
    late = first + timedelta(minutes=1) + OFFER_GRACE - timedelta(minutes=store.location.pickup_preparation_minutes)
    assert "minutes to prepare" in pickup_slot_error(store.location, first, now=late)
