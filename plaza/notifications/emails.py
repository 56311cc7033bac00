"""The batched notification e-mail: one message listing what a person was told since the last one.

Links are absolute (the current Site's domain, as in the account and order e-mails), since
the e-mail is sent by the worker, outside any request. Each goes through the notification's
open link, so following it marks it read.
"""

from allauth.utils import build_absolute_uri
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from plaza.notifications.models import Notification

# The e-mail lists this many, newest first, and links to the page for the rest.
MAX_LISTED = 50


def subject_for(count: int) -> str:
    return f"{count} new notification{'s' if count != 1 else ''} on Plaza"


def send_digest(recipient, notifications: list[Notification]) -> None:
    listed = notifications[:MAX_LISTED]
    context = {
        "recipient": recipient,
        "count": len(notifications),
        "items": [
            (notification, build_absolute_uri(None, reverse("notifications:open", args=[notification.pk])))
            for notification in listed
        ],
        "more": len(notifications) - len(listed),
        "all_url": build_absolute_uri(None, reverse("notifications:list")),
        "preferences_url": build_absolute_uri(None, reverse("notifications:list") + "#preferences"),
    }
    message = EmailMultiAlternatives(
        subject=subject_for(len(notifications)),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    message.send()
