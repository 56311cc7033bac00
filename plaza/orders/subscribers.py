"""Reactions to order events: the shopper's e-mails and the live pushes."""

from plaza.core.outbox import subscriber
from plaza.orders import services
from plaza.orders.consumers import push_order_event
from plaza.orders.models import NotificationKind, OrderStatus

# The status changes a shopper hears about by e-mail; the rest show on the order page.
STATUS_EMAILS = {
    OrderStatus.READY_FOR_PICKUP: NotificationKind.READY_FOR_PICKUP,
    OrderStatus.OUT_FOR_DELIVERY: NotificationKind.OUT_FOR_DELIVERY,
    OrderStatus.SHIPPED: NotificationKind.SHIPPED,
    OrderStatus.CANCELLED: NotificationKind.CANCELLED,
}


@subscriber("order.placed")
def email_confirmation(event) -> None:
    services.notify_shopper(event_id=event.pk, order_id=event.payload["order_id"], kind=NotificationKind.CONFIRMATION)


@subscriber("order.status_changed")
def email_status_change(event) -> None:
    kind = STATUS_EMAILS.get(event.payload["status"])
    # Not news to the shopper: the cancellation of an order whose payment lapsed (it was
    # never confirmed), nor one they made themselves on the order page.
    news = event.payload.get("from_status") != OrderStatus.PENDING_PAYMENT and not event.payload.get("by_customer")
    if kind and news:
        services.notify_shopper(event_id=event.pk, order_id=event.payload["order_id"], kind=kind)


@subscriber("order.refunded")
def email_refund(event) -> None:
    services.notify_shopper(
        event_id=event.pk,
        order_id=event.payload["order_id"],
        kind=NotificationKind.REFUNDED,
        refund_amount=event.payload.get("amount", ""),
    )


# At once, and again from the task: the board does not poll while its socket is up, so a
# push lost to a crash right after the commit would leave a new order unseen. The pages
# refetch the order on each push, so hearing it twice is harmless.
@subscriber("order.*", live=True)
@subscriber("order.*")
def push_live(event) -> None:
    push_order_event(event.topic, event.payload)
