from datetime import datetime, timedelta
from smtplib import SMTPException
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from plaza.core import outbox
from plaza.core.models import OutboxEvent
from plaza.orders import services
from plaza.orders.models import FulfilmentMethod, NotificationKind, OrderNotification, OrderStatus
from plaza.payments.models import PaymentStatus
from plaza.shops.models import StaffRole
from tests.listening import heard_while
from tests.orders.factories import PICKUP_CODE, add_line, member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def placed_order(delivered, **fields):
    order = paid_order(status=S.PENDING_PAYMENT, **fields)
    with delivered():
        services.change_status(order, S.NEW)
    return order


def test_the_confirmation_is_a_receipt_with_everything_the_shopper_needs(delivered):
    slot = timezone.make_aware(datetime(2030, 5, 17, 10, 30))
    order = placed_order(delivered, pickup_slot_start=slot, fulfilment_fee=Decimal("0.00"))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    line = order.lines.get()
    assert message.to == [order.email]
    assert order.number in message.subject and order.shop.name in message.subject
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for body in (message.body, html):
        assert line.product_title in body
        assert "€20.00" in body  # 2 × 10.00, the total
        assert "€3.33" in body  # tax included at 20 %
        assert "Tax included (20 %)" in body
        assert PICKUP_CODE in body
        assert order.location.name in body
        assert "Friday 17 May, 10:30" in body
        assert f"/orders/{order.token}/" in body
    assert f"2 × {line.product_title}" in message.body


def test_a_redelivered_event_does_not_email_twice(delivered):
    order = placed_order(delivered)
    placed = OutboxEvent.objects.get(topic="order.placed")

    for _ in range(2):
        OutboxEvent.objects.filter(pk=placed.pk).update(delivered_at=None)
        with delivered():
            assert outbox.deliver([placed.pk]) == 1

    assert len(mail.outbox) == 1
    assert OrderNotification.objects.get().kind == NotificationKind.CONFIRMATION
    assert OrderNotification.objects.get().order == order


def test_the_shopper_hears_when_the_order_is_ready_but_not_when_accepted(delivered):
    order = placed_order(delivered)
    owner = member(order.shop, StaffRole.OWNER)
    mail.outbox.clear()

    with delivered():
        services.accept(order, actor=owner)
    assert mail.outbox == []

    with delivered():
        services.dispatch(order, actor=owner)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your order {order.number} is ready for pick-up"
    assert PICKUP_CODE in mail.outbox[0].body and order.location.address in mail.outbox[0].body


@pytest.mark.parametrize(
    ("method", "subject"),
    [(FulfilmentMethod.DELIVERY, "is out for delivery"), (FulfilmentMethod.SHIPPING, "has been shipped")],
)
def test_on_its_way_emails_name_the_address(delivered, method, subject):
    order = placed_order(delivered, fulfilment_method=method, address_line="12 Rue Mercière", address_city="Lyon")
    owner = member(order.shop, StaffRole.OWNER)
    mail.outbox.clear()
    with delivered():
        services.accept(order, actor=owner)
        services.dispatch(order, actor=owner)
    assert [message.subject for message in mail.outbox] == [f"Your order {order.number} {subject}"]
    assert "12 Rue Mercière" in mail.outbox[0].body


def test_cancellation_email_gives_the_reason(delivered):
    order = placed_order(delivered)
    mail.outbox.clear()
    with delivered():
        services.cancel(order, actor=member(order.shop, StaffRole.STAFF), reason="We sold the last one <in the shop>")
    assert len(mail.outbox) == 1
    assert "We sold the last one <in the shop>" in mail.outbox[0].body
    assert "We sold the last one &lt;in the shop&gt;" in mail.outbox[0].alternatives[0][0]


def test_refund_email_gives_the_amount(delivered):
    order = placed_order(delivered, payment_status=PaymentStatus.CAPTURED)
    order.status = S.COMPLETED
    order.save()
    mail.outbox.clear()
    with delivered():
        services.refund(order, actor=member(order.shop, StaffRole.OWNER), amount=Decimal("4.50"))
    assert [message.subject for message in mail.outbox] == [f"A refund for your order {order.number}"]
    assert "€4.50" in mail.outbox[0].body


def test_an_order_whose_payment_lapsed_sends_nothing(delivered):
    order = paid_order(status=S.PENDING_PAYMENT)
    with delivered():
        services.change_status(order, S.CANCELLED, note="payment not received in time")
    assert mail.outbox == []


def test_a_placed_order_is_pushed_once_to_the_shop_board_and_the_order_page(delivered):
    order = paid_order(status=S.PENDING_PAYMENT)
    add_line(order)

    def place_and_accept():
        with delivered():
            services.change_status(order, S.NEW)
            services.change_status(order, S.ACCEPTED)

    # Each event is pushed at once and again by its delivery (here run at once too).
    # Becoming NEW is announced once, as order.placed.
    for received in heard_while([f"shop-{order.shop_id}-orders", f"order-{order.token}"], place_and_accept, count=4):
        heard = [(m["topic"], m["order_id"], m["status"]) for m in received]
        assert sorted(set(heard), key=heard.index) == [
            ("order.placed", order.pk, S.NEW),
            ("order.status_changed", order.pk, S.ACCEPTED),
        ]
        assert len(heard) == 4


def test_the_email_goes_out_only_once_its_notification_has_committed(django_capture_on_commit_callbacks):
    order = paid_order()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_shopper(event_id=10**9, order_id=order.pk, kind=NotificationKind.CONFIRMATION)
        assert mail.outbox == []
        assert OrderNotification.objects.get().sent_at is None
    assert len(mail.outbox) == 1
    assert OrderNotification.objects.get().sent_at is not None


def test_an_email_the_mail_server_refused_is_sent_later_by_the_sweep(django_capture_on_commit_callbacks, monkeypatch):
    order = paid_order()
    from django.core.mail.backends.locmem import EmailBackend

    working_send = EmailBackend.send_messages

    def refused(self, messages):
        raise SMTPException("451 try again later")

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_shopper(event_id=10**9, order_id=order.pk, kind=NotificationKind.CONFIRMATION)
    assert mail.outbox == [] and OrderNotification.objects.get().sent_at is None

    monkeypatch.setattr(EmailBackend, "send_messages", working_send)
    assert services.send_unsent_emails(older_than=timedelta(0)) == 1
    assert services.send_unsent_emails(older_than=timedelta(0)) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [order.email]


@pytest.mark.postgres_only
def test_sending_locks_the_notification_alone_not_its_order(delivered):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = paid_order()
    OrderNotification.objects.create(order=order, event_id=10**9, kind=NotificationKind.CONFIRMATION, recipient=order.email)
    with CaptureQueriesContext(connection) as queries:
        assert services.send_notification_email(10**9)
    [locking] = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    assert locking.endswith('FOR UPDATE OF "orders_ordernotification"')
