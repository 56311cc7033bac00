from decimal import Decimal

import pytest

from plaza.core.errors import Conflict, Forbidden, InvalidInput
from plaza.core.models import OutboxEvent
from plaza.inventory.models import MovementReason, Stock, StockMovement
from plaza.orders import services
from plaza.orders.models import FulfilmentMethod, OrderStatus
from plaza.payments.models import Payment, PaymentStatus
from plaza.shops.models import StaffRole
from tests.orders.factories import PICKUP_CODE, add_line, member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def statuses(order) -> list[str]:
    return list(order.status_changes.values_list("to_status", flat=True))


@pytest.mark.parametrize(
    ("method", "dispatched"),
    [
        (FulfilmentMethod.PICKUP, S.READY_FOR_PICKUP),
        (FulfilmentMethod.DELIVERY, S.OUT_FOR_DELIVERY),
        (FulfilmentMethod.SHIPPING, S.SHIPPED),
    ],
)
def test_order_goes_from_new_to_completed_and_the_payment_is_captured(method, dispatched):
    order = paid_order(fulfilment_method=method)
    owner = member(order.shop, StaffRole.OWNER)

    services.accept(order, actor=owner)
    services.dispatch(order, actor=owner)
    assert order.status == dispatched
    services.complete(order, actor=owner, pickup_code=PICKUP_CODE if method == FulfilmentMethod.PICKUP else "")

    order.refresh_from_db()
    assert order.status == S.COMPLETED
    assert statuses(order) == [S.ACCEPTED, dispatched, S.COMPLETED]
    assert order.status_changes.last().actor == owner
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, order.total)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.NEW, "dispatch"),
        (S.NEW, "complete"),
        (S.ACCEPTED, "accept"),
        (S.ACCEPTED, "complete"),
        (S.READY_FOR_PICKUP, "accept"),
        (S.COMPLETED, "accept"),
        (S.CANCELLED, "accept"),
        (S.CANCELLED, "dispatch"),
    ],
)
def test_moves_the_lifecycle_forbids_are_refused_and_write_nothing(status, action):
    order = paid_order(status=status)
    owner = member(order.shop, StaffRole.OWNER)
    events_before = OutboxEvent.objects.count()

    with pytest.raises(Conflict):
        getattr(services, action)(order, actor=owner, **({"pickup_code": PICKUP_CODE} if action == "complete" else {}))

    order.refresh_from_db()
    assert order.status == status
    assert not order.status_changes.exists()
    assert OutboxEvent.objects.count() == events_before
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED


def test_pick_up_needs_the_customers_code(order, owner):
    order.status = S.READY_FOR_PICKUP
    order.save()

    for wrong in ("", "000000", "４８２９１３", PICKUP_CODE + "0"):
        with pytest.raises(InvalidInput) as refused:
            services.complete(order, actor=owner, pickup_code=wrong)
        assert "pickup_code" in refused.value.fields

    order.refresh_from_db()
    assert order.status == S.READY_FOR_PICKUP
    assert not order.status_changes.exists()
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED
    services.complete(order, actor=owner, pickup_code=f" {PICKUP_CODE} ")
    assert order.status == S.COMPLETED


def test_cancel_restocks_exactly_what_the_order_took(owner, order):
    second = add_line(order, quantity=3)
    lines = list(order.lines.all())
    before = {line.variant_id: Stock.objects.get(variant=line.variant, location=order.location).quantity for line in lines}

    services.cancel(order, actor=owner, reason="Out of flour")

    movements = StockMovement.objects.filter(order=order)
    assert sorted((m.stock.variant_id, m.delta, m.reason) for m in movements) == sorted(
        (line.variant_id, line.quantity, MovementReason.RESTOCK) for line in lines
    )
    for line in lines:
        stock = Stock.objects.get(variant=line.variant, location=order.location)
        assert stock.quantity == before[line.variant_id] + line.quantity
    assert second.quantity == 3
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.status_changes.get().note == "Out of flour"
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED


def test_damaged_goods_are_not_restocked(owner, order):
    services.cancel(order, actor=owner, reason="Broken in the back room", restock=False)
    assert not StockMovement.objects.filter(order=order).exists()
    assert order.status == S.CANCELLED


@pytest.mark.parametrize("reason", ["", "   ", "x" * 256])
def test_cancel_needs_a_reason_and_writes_nothing_without_one(owner, order, reason):
    with pytest.raises(InvalidInput) as refused:
        services.cancel(order, actor=owner, reason=reason)
    assert "reason" in refused.value.fields
    order.refresh_from_db()
    assert order.status == S.NEW
    assert not StockMovement.objects.exists()
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED


def test_an_order_awaiting_payment_is_not_cancelled_by_the_shop():
    order = paid_order(status=S.PENDING_PAYMENT)
    owner = member(order.shop, StaffRole.OWNER)
    with pytest.raises(Conflict):
        services.cancel(order, actor=owner, reason="no")
    assert not StockMovement.objects.exists()


def test_cancelling_a_collected_order_refunds_what_was_paid():
    order = paid_order(status=S.OUT_FOR_DELIVERY, fulfilment_method=FulfilmentMethod.DELIVERY, payment_status=PaymentStatus.CAPTURED)
    staff = member(order.shop, StaffRole.STAFF)

    services.cancel(order, actor=staff, reason="Van broke down")

    order.refresh_from_db()
    assert order.refunded_total == order.total
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED


def completed_order():
    order = paid_order(status=S.COMPLETED, quantity=3, payment_status=PaymentStatus.CAPTURED)
    return order, member(order.shop, StaffRole.OWNER)


def test_partial_refunds_add_up_to_the_captured_amount_and_no_more():
    order, owner = completed_order()
    assert order.total == Decimal("30.00")

    services.refund(order, actor=owner, amount=Decimal("10.01"))
    services.refund(order, actor=owner, amount=Decimal("9.99"))
    with pytest.raises(InvalidInput) as too_much:
        services.refund(order, actor=owner, amount=Decimal("10.01"))
    assert "amount" in too_much.value.fields
    services.refund(order, actor=owner, amount=Decimal("10.00"))

    order.refresh_from_db()
    assert order.refunded_total == Decimal("30.00")
    payment = Payment.objects.get(order=order)
    assert (payment.refunded_amount, payment.status) == (Decimal("30.00"), PaymentStatus.REFUNDED)
    with pytest.raises(Conflict):
        services.refund(order, actor=owner, amount=Decimal("0.01"))
    assert OutboxEvent.objects.filter(topic="order.refunded").count() == 3
    assert order.status == S.COMPLETED


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.001"), Decimal("NaN"), Decimal("Infinity"), "5", 5.0])
def test_refund_amount_must_be_a_positive_decimal_with_cents(amount):
    order, owner = completed_order()
    with pytest.raises(InvalidInput):
        services.refund(order, actor=owner, amount=amount)
    order.refresh_from_db()
    assert order.refunded_total == 0
    assert not OutboxEvent.objects.filter(topic="order.refunded").exists()


def test_nothing_is_refunded_before_the_payment_is_collected(owner, order):
    with pytest.raises(Conflict):
        services.refund(order, actor=owner, amount=Decimal("1.00"))


def test_staff_run_orders_but_only_owners_refund(order, staff):
    services.accept(order, actor=staff)
    assert order.status == S.ACCEPTED

    completed, _ = completed_order()
    staff_of_completed = member(completed.shop, StaffRole.STAFF)
    with pytest.raises(Forbidden):
        services.refund(completed, actor=staff_of_completed, amount=Decimal("1.00"))
    completed.refresh_from_db()
    assert completed.refunded_total == 0


@pytest.mark.parametrize("action", ["accept", "dispatch", "cancel", "refund"])
def test_another_shops_owner_cannot_touch_the_order(order, action):
    stranger = member(paid_order().shop, StaffRole.OWNER)
    arguments = {"cancel": {"reason": "mine now"}, "refund": {"amount": Decimal("1.00")}}.get(action, {})
    with pytest.raises(Forbidden):
        getattr(services, action)(order, actor=stranger, **arguments)
    order.refresh_from_db()
    assert order.status == S.NEW
    assert not order.status_changes.exists()
