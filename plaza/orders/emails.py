"""The e-mails a shopper receives about an order: the receipt, then each step that concerns them.

Links are absolute, built like the account e-mails' (the current Site's domain), because
the e-mail is sent from the outbox worker, outside any request.
"""

from allauth.utils import build_absolute_uri
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from plaza.orders.models import NotificationKind, Order, OrderStatus

SUBJECTS = {
    NotificationKind.CONFIRMATION: "Your order {number} at {shop}",
    NotificationKind.READY_FOR_PICKUP: "Your order {number} is ready for pick-up",
    NotificationKind.OUT_FOR_DELIVERY: "Your order {number} is out for delivery",
    NotificationKind.SHIPPED: "Your order {number} has been shipped",
    NotificationKind.CANCELLED: "Your order {number} was cancelled",
    NotificationKind.REFUNDED: "A refund for your order {number}",
}


def _send(order: Order, kind: str, template: str, context: dict) -> None:
    context = {
        **context,
        "order": order,
        "kind": kind,
        "order_url": build_absolute_uri(None, reverse("orders:detail", args=[order.token])),
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(number=order.number, shop=order.shop.name),
        body=render_to_string(f"orders/email/{template}.txt", context),
        to=[order.email],
        reply_to=[order.shop.email] if order.shop.email else None,
    )
    message.attach_alternative(render_to_string(f"orders/email/{template}.html", context), "text/html")
    message.send()


def send_confirmation(order: Order) -> None:
    _send(order, NotificationKind.CONFIRMATION, "confirmation", {"lines": list(order.lines.all())})


def send_status_update(order: Order, kind: str, *, refund_amount: str = "") -> None:
    cancellation = order.status_changes.filter(to_status=OrderStatus.CANCELLED).last()
    _send(
        order,
        kind,
        "status",
        {"refund_amount": refund_amount, "cancel_reason": cancellation.note if cancellation else ""},
    )
