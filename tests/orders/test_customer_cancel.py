"""A shopper cancels their own order while the shop has not started on it."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from plaza.checkout.services import place_order
from plaza.core.models import OutboxEvent
from plaza.inventory.models import MovementReason, Stock
from plaza.orders import services
from plaza.orders.models import OrderStatus
from plaza.payments.models import Payment, PaymentStatus, TransactionKind
from plaza.shops.models import StaffRole
from tests.checkout.conftest import RETRY_THEN_SUCCEEDS, cart_with, make_store, pickup_details
from tests.factories import UserFactory
from tests.listening import heard_while
from tests.orders.factories import member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus
SHOP_STARTED = "The shop has already started on this order; contact them to cancel."


def checkout(store, *, user=None, **details):
    """Three units bought through the real checkout: sold (NEW) or held (awaiting payment)."""
    return place_order(
        cart=cart_with(store.variant, quantity=3, user=user),
        shop=store.shop,
        details=pickup_details(store.location, **details),
        idempotency_key=str(uuid.uuid4()),
        user=user,
    ).order


def page_url(order) -> str:
    return f"/orders/{order.token}/"


def cancel_url(order) -> str:
    return f"/orders/{order.token}/cancel/"


def api_cancel_url(order) -> str:
    return f"/api/v1/orders/{order.token}/cancel"


def stock_of(store) -> tuple[int, int]:
    stock = Stock.objects.get(pk=store.stock.pk)
    return stock.quantity, stock.reserved


def movements_of(store) -> list[tuple[str, int]]:
    return list(Stock.objects.get(pk=store.stock.pk).movements.order_by("id").values_list("reason", "delta"))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the owner cancels ----------------------------------------------------------------


def test_the_owner_cancels_a_new_order_from_its_page_and_gets_stock_and_payment_back():
    store, shopper = make_store(quantity=10), UserFactory()
    order = checkout(store, user=shopper)
    assert (order.status, stock_of(store)) == (S.NEW, (7, 0))
    client = signed_in(shopper)
    assert "Cancel order" in client.get(page_url(order)).content.decode()

    response = client.post(cancel_url(order), {"reason": "Ordered the wrong size"}, follow=True)

    assert response.redirect_chain == [(page_url(order), 302)]
    page = response.content.decode()
    assert f"Order {order.number} is cancelled." in page
    assert "Cancelled by the customer: Ordered the wrong size" in page
    assert "Yes, cancel my order" not in page
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert stock_of(store) == (10, 0)
    assert movements_of(store) == [(MovementReason.SALE, -3), (MovementReason.RESTOCK, 3)]
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CANCELLED
    assert payment.transactions.filter(kind=TransactionKind.VOID, success=True).count() == 1
    change = order.status_changes.get(to_status=S.CANCELLED)
    assert (change.from_status, change.actor, change.note) == (S.NEW, shopper, "Cancelled by the customer: Ordered the wrong size")
    event = OutboxEvent.objects.filter(topic="order.status_changed").latest("id")
    assert {key: event.payload[key] for key in ("order_id", "status", "from_status", "by_customer")} == {
        "order_id": order.pk,
        "status": S.CANCELLED,
        "from_status": S.NEW,
        "by_customer": True,
    }


def test_a_guest_cancels_an_order_still_awaiting_payment_through_the_api(api_client):
    store = make_store(quantity=10)
    order = checkout(store, number=RETRY_THEN_SUCCEEDS)
    assert (order.status, stock_of(store)) == (S.PENDING_PAYMENT, (10, 3))

    response = api_client.post(api_cancel_url(order), {}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"]) == (order.number, S.CANCELLED)
    assert body["history"][-1]["note"] == "Cancelled by the customer."
    assert body["pickup_code"] is None
    # The units were only held: the hold goes, nothing is restocked on top.
    assert stock_of(store) == (10, 0)
    assert movements_of(store) == []
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED


def test_a_payment_already_collected_is_refunded(api_client):
    order = paid_order(payment_status=PaymentStatus.CAPTURED)

    response = api_client.post(api_cancel_url(order), {"reason": "Found it cheaper"}, content_type="application/json")

    assert response.status_code == 200
    assert Decimal(response.json()["refunded_total"]) == order.total
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, order.total)


def test_the_cancellation_reaches_the_shops_board_and_the_shoppers_page_but_no_email(django_capture_on_commit_callbacks):
    order = paid_order()

    def cancel():
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(cancel_url(order))

    for [message] in heard_while([f"shop-{order.shop_id}-orders", f"order-{order.token}"], cancel, count=1):
        assert (message["topic"], message["order_id"], message["status"]) == ("order.status_changed", order.pk, S.CANCELLED)
    # They cancelled it themselves on the page; an e-mail saying the shop did would be wrong.
    assert mail.outbox == []


# --- refusals -------------------------------------------------------------------------


def test_cancelling_twice_is_409_and_the_stock_comes_back_once(api_client):
    store, shopper = make_store(quantity=10), UserFactory()
    order = checkout(store, user=shopper)
    client = signed_in(shopper)
    assert client.post(api_cancel_url(order), {}, content_type="application/json").status_code == 200

    again = client.post(api_cancel_url(order), {}, content_type="application/json")
    again_on_the_page = client.post(cancel_url(order))

    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "invalid_transition",
        "message": "This order is already cancelled.",
        "fields": {},
    }
    assert again_on_the_page.status_code == 409
    assert "This order is already cancelled." in again_on_the_page.content.decode()
    assert stock_of(store) == (10, 0)
    assert movements_of(store) == [(MovementReason.SALE, -3), (MovementReason.RESTOCK, 3)]
    assert order.status_changes.filter(to_status=S.CANCELLED).count() == 1


def test_another_shopper_or_a_guest_cannot_cancel_a_signed_in_shoppers_order(token_client_for, api_client):
    owner = UserFactory()
    order = paid_order(customer=owner)
    other = UserFactory()

    # The page opens for whoever holds the token, but offers them no cancel button.
    assert "Cancel order" not in signed_in(other).get(page_url(order)).content.decode()
    assert "Cancel order" not in Client().get(page_url(order)).content.decode()
    assert signed_in(other).post(cancel_url(order)).status_code == 404
    assert token_client_for(other).post(api_cancel_url(order), {}, content_type="application/json").status_code == 404
    assert Client().post(cancel_url(order)).status_code == 404
    refused = api_client.post(api_cancel_url(order), {}, content_type="application/json")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"

    order.refresh_from_db()
    assert order.status == S.NEW
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED


def test_without_the_token_there_is_nothing_to_cancel(api_client):
    order = paid_order()
    assert Client().post(f"/orders/{uuid.uuid4()}/cancel/").status_code == 404
    assert api_client.post(f"/api/v1/orders/{uuid.uuid4()}/cancel", {}, content_type="application/json").status_code == 404
    assert api_client.post("/api/v1/orders/not-a-token/cancel", {}, content_type="application/json").status_code == 404
    order.refresh_from_db()
    assert order.status == S.NEW


def test_after_the_shop_accepted_the_shopper_is_told_to_contact_it_and_nothing_changes():
    store, shopper = make_store(quantity=10), UserFactory()
    order = checkout(store, user=shopper)
    services.accept(order, actor=member(store.shop, StaffRole.STAFF))
    client = signed_in(shopper)
    assert "Cancel order" not in client.get(page_url(order)).content.decode()

    on_the_page = client.post(cancel_url(order))
    through_the_api = client.post(api_cancel_url(order), {}, content_type="application/json")

    assert on_the_page.status_code == 409
    assert SHOP_STARTED in on_the_page.content.decode()
    assert "Accepted by the shop" in on_the_page.content.decode()
    assert through_the_api.status_code == 409
    assert through_the_api.json()["error"]["message"] == SHOP_STARTED
    order.refresh_from_db()
    assert order.status == S.ACCEPTED
    assert stock_of(store) == (7, 0)
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED
    assert list(order.status_changes.values_list("to_status", flat=True)) == [S.NEW, S.ACCEPTED]


@pytest.mark.parametrize(
    "reason, page_status, field_error",
    [
        ("x" * (services.MAX_CUSTOMER_REASON_LENGTH + 1), 422, f"At most {services.MAX_CUSTOMER_REASON_LENGTH} characters."),
        ("nul\x00byte", 400, "invisible control character"),
    ],
    ids=["too long", "NUL"],
)
def test_a_bad_reason_is_refused_and_writes_nothing(api_client, reason, page_status, field_error):
    order = paid_order()

    on_the_page = Client().post(cancel_url(order), {"reason": reason})
    through_the_api = api_client.post(api_cancel_url(order), {"reason": reason}, content_type="application/json")

    assert on_the_page.status_code == page_status
    assert field_error in on_the_page.content.decode()
    assert through_the_api.status_code == 422
    assert "reason" in str(through_the_api.json()["error"]["fields"])
    order.refresh_from_db()
    assert order.status == S.NEW
    assert order.status_changes.count() == 0


def test_cancelling_needs_post_and_a_csrf_token():
    shopper = UserFactory()
    order = paid_order(customer=shopper)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(shopper)

    assert signed_in(shopper).get(cancel_url(order)).status_code == 405
    assert strict.post(cancel_url(order)).status_code == 403
    assert strict.post(api_cancel_url(order), {}, content_type="application/json").status_code == 403
    order.refresh_from_db()
    assert order.status == S.NEW
