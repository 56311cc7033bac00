import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from plaza.checkout import services as checkout
from plaza.core.errors import Conflict, Forbidden, InvalidInput
from plaza.orders.models import Order
from plaza.payments import services
from plaza.payments.models import PaymentStatus, PaymentTransaction, TransactionKind
from plaza.payments.providers import get_provider
from plaza.payments.providers.test_card import RETRY_THEN_SUCCEEDS, luhn_valid, sign
from plaza.shops.models import StaffRole
from tests.checkout.conftest import card, cart_with, make_store, pickup_details
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def place(provider: str = "test_card", number: str = "4242424242424242", quantity: int = 2) -> Order:
    store = make_store(price=Decimal("19.99"))
    details = pickup_details(store.location, provider=provider, number=number)
    return checkout.place_order(
        cart=cart_with(store.variant, quantity), shop=store.shop, details=details, idempotency_key="k"
    ).order


def captured_order(**kwargs) -> Order:
    order = place(**kwargs)
    services.capture_payment(order)
    return order


# --- the test card provider -----------------------------------------------------------------


def test_luhn():
    assert luhn_valid("4242424242424242") and luhn_valid("4000000000009995")
    assert not luhn_valid("4242424242424241")


@pytest.mark.parametrize(
    "details, field",
    [
        ({**card(), "card_number": ""}, "card_number"),
        ({**card(), "card_number": "4242 4242 4242 4241"}, "card_number"),
        ({**card(), "card_number": "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢"}, "card_number"),
        ({**card(), "card_number": 4242424242424242}, "card_number"),
        ({**card(), "card_expiry": "1/2"}, "card_expiry"),
        ({**card(), "card_expiry": "00/40"}, "card_expiry"),
        ({**card(), "card_expiry": "01/24"}, "card_expiry"),
        ({**card(), "card_cvc": "12345"}, "card_cvc"),
        ({**card(), "card_cvc": "abc"}, "card_cvc"),
    ],
)
def test_card_details_are_checked_by_field(details, field):
    with pytest.raises(InvalidInput) as refused:
        get_provider("test_card").clean_details(details)
    assert list(refused.value.fields) == [field]


def test_only_the_last_four_digits_are_kept():
    assert get_provider("test_card").clean_details({**card(), "card_number": "4242-4242-4242-4242"})["last4"] == "4242"
    order = place()
    assert order.payments.get().card_last4 == "4242"
    assert not Order.objects.filter(pk=order.pk, payments__reference__contains="4242424242424242").exists()


def test_a_provider_that_errors_out_is_retryable(monkeypatch):
    def broken(self, payment, details):
        raise TimeoutError("processor did not answer")

    monkeypatch.setattr(type(get_provider("test_card")), "authorize", broken)
    order = place()
    assert order.status == "pending_payment"
    assert order.payments.get().status == PaymentStatus.PENDING


def test_an_authorization_that_arrives_after_the_hold_lapsed_is_voided():
    order = place(number=RETRY_THEN_SUCCEEDS)
    payment = services.claim_for_retry(order)
    services.void_payment(order)
    answer = services.authorize_payment(payment, get_provider("test_card").clean_details(card(RETRY_THEN_SUCCEEDS)))
    assert answer.success
    with transaction.atomic():
        result = services.record_authorization(payment, answer)
    assert not result.success
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    kinds = list(payment.transactions.values_list("kind", "success"))
    assert kinds[-2:] == [(TransactionKind.AUTHORIZE, True), (TransactionKind.VOID, True)]


# --- capture, refund, void --------------------------------------------------------------


def test_capturing_collects_the_amount_once():
    order = place()
    payment = services.capture_payment(order)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, Decimal("39.98"))
    services.capture_payment(order)
    assert payment.transactions.filter(kind=TransactionKind.CAPTURE).count() == 1


def test_partial_then_full_refunds_keep_order_and_payment_in_step():
    order = captured_order()
    services.refund_payment(order, Decimal("10.00"))
    assert order.refunded_total == Decimal("10.00")
    payment = order.payments.get()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, Decimal("10.00"))
    with pytest.raises(InvalidInput) as refused:
        services.refund_payment(order, Decimal("29.99"))
    assert "29.98" in refused.value.fields["amount"][0]
    services.refund_payment(order, "29.98")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.refunded_total == payment.refunded_amount == Decimal("39.98")
    assert payment.status == PaymentStatus.REFUNDED
    assert PaymentTransaction.objects.filter(kind=TransactionKind.REFUND).count() == 2


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("1.005"), 1.5, "NaN", "abc", Decimal("Infinity")])
def test_refund_amounts_must_be_positive_cents(amount):
    order = captured_order()
    with pytest.raises(InvalidInput):
        services.refund_payment(order, amount)
    assert not PaymentTransaction.objects.filter(kind=TransactionKind.REFUND).exists()


def test_an_uncollected_pay_at_pickup_order_cannot_be_refunded():
    order = place(provider="pay_at_pickup")
    with pytest.raises(Conflict) as refused:
        services.refund_payment(order, Decimal("1.00"))
    assert "Pay at pick-up" in refused.value.message
    order.refresh_from_db()
    assert order.refunded_total == Decimal("0.00")


def test_refunds_need_an_owner_and_capture_needs_order_rights():
    order = captured_order()
    staff = MembershipFactory(shop=order.shop, role=StaffRole.STAFF).user
    owner = MembershipFactory(shop=order.shop, role=StaffRole.OWNER).user
    stranger = MembershipFactory().user
    for actor in (staff, stranger):
        with pytest.raises(Forbidden):
            services.refund_payment(order, Decimal("1.00"), actor=actor)
    services.refund_payment(order, Decimal("1.00"), actor=owner)
    with pytest.raises(Forbidden):
        services.capture_payment(place(), actor=stranger)


def test_void_releases_an_authorization_but_not_a_capture():
    order = place()
    assert services.void_payment(order).status == PaymentStatus.CANCELLED
    assert order.payments.get().transactions.filter(kind=TransactionKind.VOID, success=True).exists()
    with pytest.raises(Conflict):
        services.void_payment(captured_order())


# --- webhooks ---------------------------------------------------------------------------


def deliver(body: dict | bytes, provider: str = "test_card", signature: str | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        f"/api/v1/payments/webhooks/{provider}", raw, content_type="application/json",
        HTTP_X_PLAZA_SIGNATURE=signature if signature is not None else sign(raw),
    )


def test_a_signed_webhook_marks_a_payment_captured_then_refunded_once():
    order = place()
    payment = order.payments.get()
    captured = deliver({"id": "evt_1", "type": "payment.captured", "reference": payment.reference, "amount": "39.98"})
    assert captured.status_code == 200 and captured.json()["payment_status"] == "captured"
    refund = {"id": "evt_2", "type": "payment.refunded", "reference": payment.reference, "amount": "5.50"}
    assert deliver(refund).status_code == 200
    assert deliver(refund).status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.refunded_total == payment.refunded_amount == Decimal("5.50")
    assert payment.transactions.filter(kind=TransactionKind.WEBHOOK).count() == 2


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing():
    payment = place().payments.get()
    body = {"id": "evt_1", "type": "payment.captured", "reference": payment.reference, "amount": "39.98"}
    for signature in ("", "sha256=00", sign(b"something else")):
        response = deliver(body, signature=signature)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_webhook"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{not json", 400),
        ({"id": "evt_1", "type": "payment.exploded", "reference": "x", "amount": "1"}, 400),
        ({"id": "evt_1", "type": "payment.captured", "reference": "x", "amount": "-1"}, 400),
        ({"id": "evt_1", "type": "payment.captured", "reference": "x", "amount": "1.001"}, 400),
        ({"id": "evt_1", "type": "payment.captured", "reference": "x\x00", "amount": "1"}, 422),
        ({"id": "evt_1", "type": "payment.captured", "reference": "tc_unknown", "amount": "1"}, 404),
    ],
)
def test_webhooks_we_cannot_apply_are_4xx(body, status):
    place()
    assert deliver(body).status_code == status


def test_webhooks_for_unknown_providers_or_impossible_refunds():
    payment = place().payments.get()
    refund = {"id": "evt_9", "type": "payment.refunded", "reference": payment.reference, "amount": "1.00"}
    assert deliver(refund).status_code == 409
    assert deliver(refund, provider="nope").status_code == 404
    assert deliver(refund, provider="pay_at_pickup").status_code == 400
